"""Kiosk pages that need the platform but no ID card: the service guide (办事指南) and the
rating of a served ticket (好差评, five levels with optional reasons). Plain state machines
over `KioskBackend`-like objects, so tests drive them without a window; Qt only renders.

When the platform is down the guide says so (tickets still work); a rating is stored by
the controller even then, so only a missing controller makes rating fail.
"""
from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Callable, Protocol

from config.schema import HallConfig
from drivers.core.clock import Clock, SystemClock
from hall_protocol.days import service_day
from hall_protocol import platform as bm
from kiosk_app.clients.backend import BackendBroken, BackendUnavailable, KioskBackendError, NotFound
from kiosk_app.flows.activity import Activity, left, quiet_for
from kiosk_app.flows.observe import notify
from kiosk_app.flows.messages import plain_message
from kiosk_app.i18n import retranslate, tr

log = logging.getLogger(__name__)

# This page's words (backend_*, guide_*, not_*, rate_*, reason_*) are in kiosk_app/translations/kiosk_*.ts,
# with the ratings that name the matter, and yesterday's tickets (the hall's rating window).


def platform_text(zh: str, en: str | None, lang: str) -> str:
    """A text from the platform in the page's language: its English where the platform has it,
    else the Chinese marked as Chinese only (platform_zh_only)."""
    if lang != "en":
        return zh
    return en or f"{zh} {tr('platform_zh_only', lang)}"


@dataclass(frozen=True)
class Offer:
    """A ticket offered for a rating (the identified citizen's): its day (None = today) and matter."""

    number: str
    day: str | None = None
    matter_id: str | None = None
    matter_name: str = ""

GOOD_REASONS = ("fast", "friendly", "clear")
BAD_REASONS = ("slow", "attitude", "unclear", "many_trips")


class Backend(Protocol):
    def matters(self) -> list[bm.Matter]: ...
    def guide(self, matter_id: str) -> bm.Guide: ...
    def rate(self, ticket: str, score: int, *, reason_codes: list[str] | None = None, comment: str = "",
             matter_id: str | None = None, request_id: str | None = None, day: str | None = None): ...


@dataclass(frozen=True)
class CivicScreen:
    page: str = "closed"     # closed, guide_list, guide, rate, rated, message
    lang: str = "zh"
    matters: tuple[bm.Matter, ...] = ()
    guide: bm.Guide | None = None
    ticket: str | None = None
    score: int | None = None
    reasons: tuple[str, ...] = ()
    message: str = ""
    request_id: str | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    topic: str = ""                      # guide or rate
    category: str | None = None          # the guide: matters of one service code (A, B, ...)
    entry: str = ""                      # the rating: the ticket number being typed or scanned
    offers: tuple[Offer, ...] = ()       # the rating: tickets of the identified citizen
    comment: str = ""
    since: float = 0.0
    day: str | None = None               # the rating: the ticket's service day (None = today)
    matter_id: str | None = None         # the rating: the matter it names, when known
    yesterday: bool = False              # the rating's entry: the number typed is yesterday's
    can_yesterday: bool = False          # the hall's window covers yesterday's tickets

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.service_code for m in self.matters))

    @property
    def shown_matters(self) -> tuple[bm.Matter, ...]:
        return tuple(m for m in self.matters if self.category in (None, m.service_code))


def _message_for(err: KioskBackendError, lang: str) -> str:
    if isinstance(err, BackendUnavailable):
        return tr("backend_down", lang)
    if isinstance(err, BackendBroken):
        return tr("backend_broken", lang)
    if isinstance(err, NotFound):
        return tr("not_found", lang)
    return plain_message(err.code, lang)   # never the controller's or the platform's own text


TICKET = re.compile(r"([A-Z]\d{3,4})$")


PAGE = re.compile(r"/t/[^/]+/[A-Za-z0-9_-]{22,64}/?$")  # a ticket's phone page: its QR holds a token, no number


def ticket_from(text: str) -> str | None:
    """A ticket number typed (a001) or scanned from an older QR link (.../q/hall/A001). Today's
    QR leads to the ticket's phone page by its token (docs/web.md), which holds no number: None
    (its tail must never be read as a number), and the page offers the rating itself."""
    if PAGE.search(text.strip()):
        return None
    match = TICKET.search(text.strip().upper().rstrip("/"))
    return match.group(1) if match else None


class CivicPages:
    def __init__(self, backend: Backend, clock: Clock | None = None, *, idle_timeout_s: float = 60.0,
                 hall: HallConfig | None = None) -> None:
        """`hall`: its rating window decides whether yesterday's tickets are offered."""
        self.backend, self.clock = backend, clock or SystemClock()
        self.activity: Activity | None = None   # the citizen's last touch (kiosk_app/flows/activity.py)
        self.idle_timeout_s, self.hall = idle_timeout_s, hall
        self.screen = CivicScreen(since=self.clock.monotonic())
        self.listeners: list[Callable[[CivicScreen], None]] = []

    def _show(self, **changes) -> CivicScreen:
        self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
        screen = self.screen
        return notify(self.listeners, screen)

    def set_lang(self, lang: str) -> CivicScreen:
        """The language switch above the page: the page in `lang`, its fixed instruction too."""
        s = self.screen
        return self._show(lang=lang, message=retranslate(s.message, s.lang, lang))

    @property
    def active(self) -> bool:
        return self.screen.page != "closed"

    def close(self) -> CivicScreen:
        """End the session: nothing stays."""
        self.screen = CivicScreen(lang=self.screen.lang)
        return self._show()

    def remaining(self, limit: float | None = None) -> float | None:
        """Seconds before this page closes (None: it is closed)."""
        return left(self.clock, self.activity, self.screen.since, limit or self.idle_timeout_s) if self.active else None

    def tick(self, limit: float | None = None) -> CivicScreen:
        if self.active and quiet_for(self.clock, self.activity, self.screen.since) >= (limit or self.idle_timeout_s):
            return self.close()
        return self.screen

    # -- service guide -------------------------------------------------------------------
    def open_guide(self, lang: str = "zh") -> CivicScreen:
        self._show(lang=lang, guide=None, topic="guide")
        try:
            matters = tuple(sorted(self.backend.matters(), key=lambda m: (m.service_code, m.matter_id)))
        except KioskBackendError as err:
            return self._show(page="message", message=_message_for(err, lang))
        return self._show(page="guide_list", matters=matters, category=None, message=tr("guide_choose", lang))

    def choose_category(self, code: str | None) -> CivicScreen:
        if code is not None and code not in self.screen.categories:
            raise ValueError(f"no matters of category {code!r}")
        return self._show(page="guide_list", category=code, guide=None)

    def show_guide(self, matter_id: str) -> CivicScreen:
        lang = self.screen.lang
        try:
            guide = self.backend.guide(matter_id)
        except KioskBackendError as err:
            return self._show(page="message", message=_message_for(err, lang))
        return self._show(page="guide", guide=guide, message="")

    def guide_lines(self) -> list[str]:
        """The guide as lines of text for the renderer (and for reading aloud)."""
        g, lang = self.screen.guide, self.screen.lang
        if g is None:
            return []
        conditions_en = g.conditions_en if g.conditions_en and len(g.conditions_en) == len(g.conditions) else None
        lines = [platform_text(g.name, g.name_en, lang), tr("guide_documents", lang)]
        lines += [f"· {platform_text(d.name, d.name_en, lang)} ×{d.copies}"
                  + (tr("guide_original", lang) if d.original_required else "") for d in g.documents]
        lines += [tr("guide_conditions", lang)] + [
            f"· {platform_text(c, conditions_en[i] if conditions_en else None, lang)}"
            for i, c in enumerate(g.conditions)]
        lines.append(tr("guide_fee", lang, fee=platform_text(g.fee.description, g.fee.description_en, lang)))
        lines.append(tr("guide_time", lang, n=g.time_limit_days) if g.time_limit_days
                     else tr("guide_on_the_spot", lang))
        lines.append(tr("guide_window", lang, area=platform_text(g.window_area, g.window_area_en, lang)))
        return lines

    # -- rating --------------------------------------------------------------------------
    def open_rating(self, lang: str = "zh", offers: tuple[Offer | str, ...] = ()) -> CivicScreen:
        """Ask for the ticket: typed on the keypad, scanned, or one of the identified citizen's."""
        offers = tuple(o if isinstance(o, Offer) else Offer(o) for o in offers)
        return self._show(page="rate_entry", topic="rate", lang=lang, entry="", offers=offers, ticket=None,
                          score=None, reasons=(), choices=(), comment="", message=tr("rate_enter", lang),
                          day=None, matter_id=None, yesterday=False,
                          can_yesterday=self.hall is not None and self.hall.rating.window_h > 0)

    def yesterday_day(self) -> str | None:
        """Yesterday's service day in the hall's zone."""
        if self.hall is None:
            return None
        return service_day(self.clock.now() - timedelta(days=1), self.hall.timezone, self.hall.day_starts_at)

    def choose_day(self, yesterday: bool) -> CivicScreen:
        """The number being typed is today's or yesterday's (when the hall's window allows)."""
        return self._show(yesterday=bool(yesterday and self.screen.can_yesterday))

    def choose_offer(self, offer: Offer) -> CivicScreen:
        return self.start_rating(offer.number, self.screen.lang, day=offer.day, matter_id=offer.matter_id,
                                 matter_name=offer.matter_name)

    def key(self, char: str) -> CivicScreen:
        entry = (self.screen.entry + char.upper())[:8]
        return self._show(entry=entry)

    def backspace(self) -> CivicScreen:
        return self._show(entry=self.screen.entry[:-1])

    def scanned(self, text: str) -> CivicScreen:
        """A scanner read the ticket's QR code (or typed like a keyboard)."""
        return self._show(entry=ticket_from(text) or "", message=self.screen.message)

    def confirm_entry(self) -> CivicScreen:
        ticket = ticket_from(self.screen.entry)
        if ticket is None:
            return self._show(message=tr("rate_bad_ticket", self.screen.lang))
        return self.start_rating(ticket, self.screen.lang, day=self.yesterday_day() if self.screen.yesterday else None)

    def start_rating(self, ticket: str, lang: str = "zh", *, day: str | None = None, matter_id: str | None = None,
                     matter_name: str = "") -> CivicScreen:
        if matter_name:
            message = tr("rate_ticket_matter", lang, ticket=ticket, matter=matter_name)
        elif day is not None and day == self.yesterday_day():
            message = tr("rate_yesterday_ticket", lang, ticket=ticket)
        else:
            message = tr("rate_ticket", lang, ticket=ticket)
        return self._show(page="rate", topic="rate", lang=lang, ticket=ticket, score=None, reasons=(), choices=(),
                          comment="", request_id=uuid.uuid4().hex, message=message, day=day, matter_id=matter_id)

    def set_comment(self, text: str) -> CivicScreen:
        return self._show(comment=text.strip()[:500])

    def choose_score(self, score: int) -> CivicScreen:
        if not 1 <= score <= 5:
            raise ValueError(f"score must be 1..5, got {score}")
        choices = GOOD_REASONS if score >= 4 else BAD_REASONS
        return self._show(score=score, choices=choices, reasons=tuple(r for r in self.screen.reasons if r in choices))

    def toggle_reason(self, code: str) -> CivicScreen:
        if code not in self.screen.choices:
            raise ValueError(f"reason {code!r} is not offered for this score")
        reasons = self.screen.reasons
        return self._show(reasons=tuple(r for r in reasons if r != code) if code in reasons else reasons + (code,))

    def submit(self) -> CivicScreen:
        s = self.screen
        if s.page != "rate" or s.score is None or s.ticket is None:
            return s
        try:
            # the same request id for a retry of this rating: stored once
            self.backend.rate(s.ticket, s.score, reason_codes=list(s.reasons), comment=s.comment,
                              request_id=s.request_id, matter_id=s.matter_id, day=s.day)
        except KioskBackendError as err:
            code = err.code
            key = {"not_served": "rate_not_served", "already_rated": "rate_already",
                   "rating_closed": "rate_closed"}.get(code or "")
            if key is None and isinstance(err, BackendUnavailable):
                key = "rate_offline"
            return self._show(page="message", message=tr(key, s.lang) if key else _message_for(err, s.lang))
        return self._show(page="rated", message=tr("rate_thanks", s.lang))
