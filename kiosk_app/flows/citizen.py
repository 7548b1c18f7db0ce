"""What an identified citizen can do at the kiosk, as a plain state machine (no Qt, clock
injected): my appointments today -> check in (the ticket is printed like any other, QR code
when there is no paper); progress of my applications (办件进度); my licences -> print one on
the A4 printer (kiosk_app/flows/licence_print.py); take a ticket (green channel for the elderly,
kiosk_app/flows/green.py); rate a served ticket.

    closed -> menu -> appointments | progress | licences -> confirm_print -> printing -> result
                   -> take_ticket (the ticket flow's pages; the session ends with the ticket)
                   -> message (what went wrong, and what still works)

The session holds the `Identity` of kiosk_app/flows/identity.py; `finish()` (the citizen's "done",
the ticket flow's end, or the idle timeout in `tick`) wipes it and everything shown here.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from config.schema import HallConfig
from drivers.core.clock import Clock
from hall_protocol import platform as bm
from hall_protocol.contract import TicketInfo
from kiosk_app.clients.backend import BackendBroken, BackendUnavailable, KioskBackend, KioskBackendError, NotFound
from kiosk_app.flows import green
from kiosk_app.flows.civic import CivicPages
from kiosk_app.flows.licence_print import LicencePrinting
from kiosk_app.flows.observe import notify
from kiosk_app.i18n import STRINGS, tr

if TYPE_CHECKING:    # kiosk_app.flows.identity loads the face stack (OpenCV): only when identification is configured
    from kiosk_app.flows.identity import Identity, IdentityFlow

log = logging.getLogger(__name__)
IDENTIFIED, IDLE = "identified", "idle"      # kiosk_app.flows.identity's states

STRINGS.update({
    "cz_title": {"zh": "个人办事", "en": "My services"},
    "cz_hello": {"zh": "您好，证件号 {id}", "en": "Hello, ID {id}"},
    "cz_appointments": {"zh": "我的预约 · 签到", "en": "My appointments: check in"},
    "cz_progress": {"zh": "办件进度", "en": "Progress of my applications"},
    "cz_licences": {"zh": "我的证照 · 打印", "en": "My licences: print"},
    "cz_ticket": {"zh": "取号", "en": "Take a ticket"},
    "cz_ticket_green": {"zh": "取号（绿色通道 优先办理）", "en": "Take a ticket (green channel, priority)"},
    "cz_rate": {"zh": "服务评价", "en": "Rate a service"},
    "cz_back": {"zh": "返回", "en": "Back"},
    "cz_finish": {"zh": "结束并退出", "en": "Finish and leave"},
    "cz_loading": {"zh": "正在查询，请稍候…", "en": "Looking it up, please wait…"},
    "cz_none_appointments": {"zh": "您今天没有预约", "en": "You have no appointment today"},
    "cz_none_progress": {"zh": "没有查到您的办件", "en": "No application found"},
    "cz_none_licences": {"zh": "没有可打印的证照", "en": "No licence found"},
    "cz_slot": {"zh": "{start}–{end}", "en": "{start}–{end}"},
    "cz_check_in": {"zh": "签到", "en": "Check in"},
    "cz_checked_in": {"zh": "已签到", "en": "Checked in"},
    "cz_cancelled": {"zh": "已取消", "en": "Cancelled"},
    "cz_checking_in": {"zh": "正在签到，请稍候…", "en": "Checking in, please wait…"},
    "cz_already_checked_in": {"zh": "该预约已签到，请留意叫号", "en": "This appointment is already checked in"},
    "cz_not_today": {"zh": "该预约不是今天的", "en": "This appointment is not for today"},
    "cz_print": {"zh": "打印", "en": "Print"},
    "cz_printed_times": {"zh": "已打印 {n} 次", "en": "printed {n}×"},
    "cz_window_only": {"zh": "窗口领取", "en": "at the window"},
    "lic_confirm": {"zh": "《{title}》已打印过 {n} 次。确定要再打印一份吗？",
                    "en": "“{title}” has been printed {n} time(s). Print another copy?"},
    "lic_yes": {"zh": "确定打印", "en": "Yes, print"},
    "lic_printing": {"zh": "正在打印《{title}》，请稍候…", "en": "Printing “{title}”, please wait…"},
    "lic_done": {"zh": "打印完成，请在出证口取走您的证照", "en": "Printed. Please take your licence from the tray"},
    "lic_not_printable": {"zh": "该证照不能自助打印，请到窗口领取", "en": "This licence is issued at the window only"},
    "lic_already": {"zh": "该证照刚刚已打印过，不能重复打印", "en": "This licence has just been printed; it is not printed twice"},
    "lic_printer_down": {"zh": "证照打印机暂不可用。取号、预约签到、办件进度仍可使用；证照可到窗口打印",
                         "en": "The licence printer is unavailable. Tickets, check-in and progress still work; "
                               "the window can print your licence"},
    "lic_print_failed": {"zh": "打印未完成，已通知工作人员。取号、预约签到、办件进度仍可使用",
                         "en": "The print did not finish; staff have been told. Tickets, check-in and progress "
                               "still work"},
})


PASSIVE = ("closed", "take_ticket", "rating")      # the ticket or the rating pages are on screen


@dataclass(frozen=True)
class CitizenScreen:
    page: str = "closed"   # closed, menu, loading, appointments, progress, licences, confirm_print, printing,
    #                        printed, message, take_ticket, rating
    lang: str = "zh"
    masked_id: str = ""
    green: bool = False
    appointments: tuple[bm.Appointment, ...] = ()
    applications: tuple[bm.Application, ...] = ()
    licences: tuple[bm.Licence, ...] = ()
    licence: bm.Licence | None = None
    message: str = ""
    since: float = 0.0


def check_in_request_id(kiosk_id: str, code: str, day: str) -> str:
    """One check-in per appointment, kiosk and day: a retry (also after a crash) gets the same ticket."""
    return hashlib.sha256(f"{kiosk_id}|{code}|{day}".encode()).hexdigest()[:32]


class CitizenServices:
    def __init__(self, backend: KioskBackend, identity: IdentityFlow, clock: Clock, hall: HallConfig, *,
                 kiosk_id: str, show_ticket: Callable[[TicketInfo], object] | None = None,
                 licences: LicencePrinting | None = None, idle_timeout_s: float = 60.0,
                 elderly_idle_timeout_s: float = 120.0, elderly: Callable[[], bool] = lambda: False,
                 report_fault: Callable[[str, str], None] | None = None, civic: CivicPages | None = None,
                 lang: Callable[[], str] | None = None) -> None:
        self.civic, self.lang = civic, lang
        if civic is not None:
            civic.listeners.append(self._civic_changed)
        self.backend, self.identity_flow, self.clock, self.hall = backend, identity, clock, hall
        self.kiosk_id, self.show_ticket, self.licence_printing = kiosk_id, show_ticket, licences
        self.idle_timeout_s, self.elderly_idle_timeout_s, self.elderly = idle_timeout_s, elderly_idle_timeout_s, elderly
        self.report_fault = report_fault or (lambda device, message: None)
        self.identity: Identity | None = None
        self.screen = CitizenScreen(since=clock.monotonic())
        self.listeners: list[Callable[[CitizenScreen], None]] = []
        self._lock = threading.RLock()
        identity.outcome_listeners.append(self._identified)
        identity.listeners.append(self._identity_view)

    # -- state ------------------------------------------------------------------------
    def _show(self, **changes) -> CitizenScreen:
        with self._lock:
            self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
            screen = self.screen
        return notify(self.listeners, screen)

    @property
    def active(self) -> bool:
        return self.screen.page not in PASSIVE

    @property
    def session(self) -> bool:
        return self.screen.page != "closed"

    def _identified(self, identity: Identity) -> None:
        if self.identity_flow.view.state == IDENTIFIED:
            self.open(identity)

    def _identity_view(self, view) -> None:
        if view.state == IDLE and self.identity is not None:
            self.finish()          # the identity was wiped (its own timeout, its "finish" button)

    def open(self, identity: Identity, lang: str | None = None) -> CitizenScreen:
        self.identity = identity
        is_green = green.ticket_priority(identity.birth_date, self.clock, self.hall) == green.GREEN
        log.info("citizen session opened for %s (green=%s)", identity.masked_id, is_green)
        lang = lang or (self.lang() if self.lang is not None else self.screen.lang)
        return self._show(page="menu", lang=lang, masked_id=identity.masked_id,
                          green=is_green, message="")

    def set_lang(self, lang: str) -> CitizenScreen:
        return self._show(lang=lang)

    def ticket_priority(self) -> str:
        """The ticket flow's hook: green for an identified elderly citizen."""
        identity = self.identity
        if identity is None or not identity.id_number:
            return green.NORMAL
        return green.ticket_priority(identity.birth_date, self.clock, self.hall)

    def _error(self, err: KioskBackendError) -> CitizenScreen:
        lang = self.screen.lang
        key = {"appointment_checked_in": "cz_already_checked_in", "not_today": "cz_not_today",
               "appointment_cancelled": "cz_cancelled", "already_printed": "lic_already",
               "not_printable": "lic_not_printable"}.get(err.code or "")
        if key is None:
            key = ("backend_down" if isinstance(err, BackendUnavailable) else
                   "backend_broken" if isinstance(err, BackendBroken) else
                   "not_found" if isinstance(err, NotFound) else "backend_broken")
        if isinstance(err, BackendUnavailable):
            self.report_fault("backend", str(err))
        return self._show(page="message", message=tr(key, lang))

    def _citizen(self) -> Identity | None:
        identity = self.identity
        return identity if identity is not None and identity.id_number else None

    # -- intents ----------------------------------------------------------------------
    def menu(self) -> CitizenScreen:
        if self._citizen() is None:
            return self.screen
        self._touch()
        return self._show(page="menu", message="", licence=None)

    def show_appointments(self) -> CitizenScreen:
        return self._load("appointments", lambda who: self.backend.appointments(who), "cz_none_appointments")

    def show_progress(self) -> CitizenScreen:
        return self._load("applications", lambda who: self.backend.progress(who), "cz_none_progress",
                          page="progress")

    def show_licences(self) -> CitizenScreen:
        return self._load("licences", lambda who: self.backend.licences(who), "cz_none_licences")

    def _load(self, field: str, fetch, empty_key: str, page: str | None = None) -> CitizenScreen:
        who = self._citizen()
        if who is None:
            return self.screen
        self._touch()
        self._show(page="loading", message=tr("cz_loading", self.screen.lang))
        try:
            items = tuple(fetch(who))
        except KioskBackendError as err:
            return self._error(err)
        if self._citizen() is None:       # wiped meanwhile: show nothing
            return self.screen
        return self._show(page=page or field, message="" if items else tr(empty_key, self.screen.lang),
                          **{field: items})

    def check_in(self, code: str) -> CitizenScreen:
        if self._citizen() is None or code not in {a.code for a in self.screen.appointments}:
            return self.screen
        lang = self.screen.lang
        self._touch()
        self._show(page="loading", message=tr("cz_checking_in", lang))
        day = green.hall_today(self.clock, self.hall).isoformat()
        try:
            _, ticket = self.backend.check_in(code, lang=lang, request_id=check_in_request_id(self.kiosk_id, code, day))
        except KioskBackendError as err:
            return self._error(err)
        log.info("appointment checked in: ticket %s", ticket.number)
        self._show(page="take_ticket", message="")
        if self.show_ticket is not None:
            self.show_ticket(ticket)           # printed like any ticket, QR code without paper
        return self.screen

    def my_tickets(self) -> tuple[str, ...]:
        """Today's tickets of the citizen's checked-in appointments, to offer for a rating. The
        check-in's request id is derived, so asking again returns the ticket it issued (at this
        kiosk; the contract has no query for a citizen's tickets)."""
        who = self._citizen()
        if who is None:
            return ()
        day = green.hall_today(self.clock, self.hall).isoformat()
        try:
            appointments = self.backend.appointments(who)
        except KioskBackendError:
            return ()
        numbers = []
        for a in appointments:
            if a.status.value != "checked_in":
                continue
            try:
                _, ticket = self.backend.check_in(a.code, lang=self.screen.lang,
                                                  request_id=check_in_request_id(self.kiosk_id, a.code, day))
            except KioskBackendError:
                continue            # checked in elsewhere: the citizen types the number
            numbers.append(ticket.number)
        return tuple(numbers)

    def rate(self) -> CitizenScreen:
        """Open the rating page (kiosk_app/flows/civic.py) with the citizen's tickets offered."""
        if self._citizen() is None or self.civic is None:
            return self.screen
        self._touch()
        self._show(page="loading", message=tr("cz_loading", self.screen.lang))
        offers = self.my_tickets()
        self._show(page="rating", message="")
        self.civic.open_rating(self.screen.lang, offers)
        return self.screen

    def _civic_changed(self, civic_screen) -> None:
        if civic_screen.page == "closed" and self.screen.page == "rating":
            self.menu()
        elif self.screen.page == "rating":
            self._touch()

    def take_ticket(self) -> CitizenScreen:
        """Back to the services: the ticket flow asks `ticket_priority` (green for the elderly)."""
        if self._citizen() is None:
            return self.screen
        self._touch()
        return self._show(page="take_ticket", message="")

    def print_licence(self, licence_id: str, *, confirmed: bool = False) -> CitizenScreen:
        lic = next((x for x in self.screen.licences if x.licence_id == licence_id), None)
        if self._citizen() is None or lic is None:
            return self.screen
        lang = self.screen.lang
        self._touch()
        if self.licence_printing is None:
            return self._show(page="message", licence=lic, message=tr("lic_printer_down", lang))
        if self.licence_printing.needs_confirmation(lic) and not confirmed:
            return self._show(page="confirm_print", licence=lic,
                              message=tr("lic_confirm", lang, title=lic.title, n=lic.print_count))
        self._show(page="printing", licence=lic, message=tr("lic_printing", lang, title=lic.title))
        outcome = self.licence_printing.print_licence(lic, confirmed=confirmed)
        if outcome.status == "failed" and outcome.message.startswith("lic_"):
            self.report_fault("a4printer", outcome.detail or outcome.message)
        self._touch()
        page = "printed" if outcome.printed else "message"
        if outcome.printed and self.screen.licences:   # what the platform now says: one more print
            self._show(licences=tuple(x.model_copy(update={"print_count": x.print_count + 1})
                                      if x.licence_id == licence_id else x for x in self.screen.licences))
        return self._show(page=page, message=tr(outcome.message, lang))

    def confirm_print(self) -> CitizenScreen:
        lic = self.screen.licence
        if self.screen.page != "confirm_print" or lic is None:
            return self.screen
        return self.print_licence(lic.licence_id, confirmed=True)

    def finish(self) -> CitizenScreen:
        """End the session: the identity is wiped (for every holder), the screen emptied."""
        with self._lock:
            had = self.identity is not None
            self.identity = None
            lang = self.screen.lang
            self.screen = CitizenScreen(lang=lang, since=self.clock.monotonic())
        if had and self.civic is not None and self.civic.active:
            self.civic.close()
        if had:
            self.identity_flow.wipe()
            log.info("citizen session ended and wiped")
        return self._show()

    def _touch(self) -> None:
        self.identity_flow.touch()

    def tick(self) -> CitizenScreen:
        s = self.screen
        if s.page in PASSIVE + ("loading", "printing"):
            return s
        limit = self.elderly_idle_timeout_s if self.elderly() else self.idle_timeout_s
        if self.clock.monotonic() - s.since >= limit:
            log.info("citizen session idle for %.0f s: wiped", limit)
            return self.finish()
        return s
