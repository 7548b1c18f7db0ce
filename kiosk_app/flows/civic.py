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
from typing import Callable, Protocol

from drivers.core.clock import Clock, SystemClock
from hall_protocol import platform as bm
from kiosk_app.clients.backend import BackendBroken, BackendUnavailable, KioskBackendError, NotFound
from kiosk_app.flows.observe import notify
from kiosk_app.i18n import STRINGS, tr

log = logging.getLogger(__name__)

STRINGS.update({
    "guide_title": {"zh": "办事指南", "en": "Service Guide"},
    "guide_choose": {"zh": "请选择要查询的事项", "en": "Please choose a matter"},
    "guide_documents": {"zh": "所需材料", "en": "Documents needed"},
    "guide_conditions": {"zh": "办理条件", "en": "Conditions"},
    "guide_fee": {"zh": "收费：{fee}", "en": "Fee: {fee}"},
    "guide_time": {"zh": "承诺时限：{n} 个工作日", "en": "Time limit: {n} working days"},
    "guide_on_the_spot": {"zh": "承诺时限：即办", "en": "Time limit: on the spot"},
    "guide_window": {"zh": "办理窗口：{area}", "en": "Where: {area}"},
    "backend_down": {"zh": "政务服务平台暂时无法连接，取号不受影响", "en": "The service platform cannot be reached now; "
                     "you can still take a ticket"},
    "backend_broken": {"zh": "平台返回的信息有误，请到服务台咨询", "en": "The platform sent wrong data; please ask at the help desk"},
    "not_found": {"zh": "未找到相关信息", "en": "Nothing found"},
    "rate_title": {"zh": "服务评价", "en": "Rate our service"},
    "rate_ticket": {"zh": "请为 {ticket} 号的服务评价", "en": "Please rate the service for ticket {ticket}"},
    "rate_1": {"zh": "非常不满意", "en": "Very dissatisfied"},
    "rate_2": {"zh": "不满意", "en": "Dissatisfied"},
    "rate_3": {"zh": "基本满意", "en": "Neutral"},
    "rate_4": {"zh": "满意", "en": "Satisfied"},
    "rate_5": {"zh": "非常满意", "en": "Very satisfied"},
    "rate_reasons": {"zh": "原因（可选）", "en": "Reasons (optional)"},
    "rate_submit": {"zh": "提交评价", "en": "Submit"},
    "rate_thanks": {"zh": "感谢您的评价！", "en": "Thank you for your rating!"},
    "rate_not_served": {"zh": "该号码尚未办结，办结后再评价", "en": "This ticket has not been served yet"},
    "rate_already": {"zh": "该号码已评价过", "en": "This ticket has already been rated"},
    "rate_offline": {"zh": "暂时无法提交评价，请稍后再试", "en": "The rating cannot be sent now, please try later"},
    "rate_enter": {"zh": "请输入或扫描号票上的号码", "en": "Type or scan the number on your ticket"},
    "rate_ok": {"zh": "确定", "en": "OK"},
    "rate_bad_ticket": {"zh": "号码有误，例如 A001", "en": "Not a ticket number (e.g. A001)"},
    "rate_comment": {"zh": "意见建议（可选）", "en": "Comment (optional)"},
    "rate_mine": {"zh": "您今天的号码", "en": "Your tickets today"},
    "reason_fast": {"zh": "办理快捷", "en": "Fast"},
    "reason_friendly": {"zh": "态度热情", "en": "Friendly"},
    "reason_clear": {"zh": "讲解清楚", "en": "Clear explanations"},
    "reason_slow": {"zh": "等候时间长", "en": "Long wait"},
    "reason_attitude": {"zh": "服务态度差", "en": "Unfriendly"},
    "reason_unclear": {"zh": "告知不清楚", "en": "Unclear information"},
    "reason_many_trips": {"zh": "多次跑动", "en": "Had to come back several times"},
})

GOOD_REASONS = ("fast", "friendly", "clear")
BAD_REASONS = ("slow", "attitude", "unclear", "many_trips")


class Backend(Protocol):
    def matters(self) -> list[bm.Matter]: ...
    def guide(self, matter_id: str) -> bm.Guide: ...
    def rate(self, ticket: str, score: int, *, reason_codes: list[str] | None = None, comment: str = "",
             matter_id: str | None = None, request_id: str | None = None): ...


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
    offers: tuple[str, ...] = ()         # the rating: tickets of the identified citizen
    comment: str = ""
    since: float = 0.0

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
    return str(err)


TICKET = re.compile(r"([A-Z]\d{3,4})$")


def ticket_from(text: str) -> str | None:
    """A ticket number typed (a001) or scanned from the ticket's QR link (.../q/hall/A001)."""
    match = TICKET.search(text.strip().upper().rstrip("/"))
    return match.group(1) if match else None


class CivicPages:
    def __init__(self, backend: Backend, clock: Clock | None = None, *, idle_timeout_s: float = 60.0) -> None:
        self.backend, self.clock = backend, clock or SystemClock()
        self.idle_timeout_s = idle_timeout_s
        self.screen = CivicScreen(since=self.clock.monotonic())
        self.listeners: list[Callable[[CivicScreen], None]] = []

    def _show(self, **changes) -> CivicScreen:
        self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
        screen = self.screen
        return notify(self.listeners, screen)

    @property
    def active(self) -> bool:
        return self.screen.page != "closed"

    def close(self) -> CivicScreen:
        """End the session: nothing stays."""
        self.screen = CivicScreen(lang=self.screen.lang)
        return self._show()

    def tick(self, limit: float | None = None) -> CivicScreen:
        if self.active and self.clock.monotonic() - self.screen.since >= (limit or self.idle_timeout_s):
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
        lines = [g.name, tr("guide_documents", lang)]
        lines += [f"· {d.name} ×{d.copies}" + ("（原件）" if d.original_required and lang == "zh" else
                                               " (original)" if d.original_required else "") for d in g.documents]
        lines += [tr("guide_conditions", lang)] + [f"· {c}" for c in g.conditions]
        lines.append(tr("guide_fee", lang, fee=g.fee.description))
        lines.append(tr("guide_time", lang, n=g.time_limit_days) if g.time_limit_days
                     else tr("guide_on_the_spot", lang))
        lines.append(tr("guide_window", lang, area=g.window_area))
        return lines

    # -- rating --------------------------------------------------------------------------
    def open_rating(self, lang: str = "zh", offers: tuple[str, ...] = ()) -> CivicScreen:
        """Ask for the ticket: typed on the keypad, scanned, or one of the identified citizen's."""
        return self._show(page="rate_entry", topic="rate", lang=lang, entry="", offers=tuple(offers), ticket=None,
                          score=None, reasons=(), choices=(), comment="", message=tr("rate_enter", lang))

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
        return self.start_rating(ticket, self.screen.lang)

    def start_rating(self, ticket: str, lang: str = "zh") -> CivicScreen:
        return self._show(page="rate", topic="rate", lang=lang, ticket=ticket, score=None, reasons=(), choices=(),
                          comment="", request_id=uuid.uuid4().hex, message=tr("rate_ticket", lang, ticket=ticket))

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
                              request_id=s.request_id)
        except KioskBackendError as err:
            code = err.code
            key = {"not_served": "rate_not_served", "already_rated": "rate_already"}.get(code or "")
            if key is None and isinstance(err, BackendUnavailable):
                key = "rate_offline"
            return self._show(page="message", message=tr(key, s.lang) if key else _message_for(err, s.lang))
        return self._show(page="rated", message=tr("rate_thanks", s.lang))
