"""The kiosk's ticket flow as a plain state machine: no Qt here, so tests drive it directly.

home -> (choose service) -> ticket (printed, or shown as a QR code when the printer cannot
print) -> home after a timeout; errors show what still works. Personal data never enters
this flow's state beyond the session, and `reset()` wipes the session.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Protocol

from config.schema import HallConfig
from drivers.core.clock import Clock
from drivers.core.errors import DeviceError
from drivers.escpos.templates import TicketReceipt, wait_text
from hall_protocol.contract import TicketInfo
from hall_protocol.words import PROBLEMS
from kiosk_app.flows.activity import Activity, left, quiet_for
from kiosk_app.clients.ticketing import TicketRefused, TicketUnavailable
from kiosk_app.flows.messages import format_hours, plain_message
from kiosk_app.i18n import tr

log = logging.getLogger(__name__)
PRIORITY_NOTES = {"green": "green_notice", "appointment": "appointment_notice"}


def estimate_text(info: TicketInfo, lang: str) -> str:
    """The wait as the screen and the paper say it: "you are next" when nobody is ahead, "no
    estimate yet" when unknown, at least one minute otherwise, never "about 0 min"."""
    return wait_text(info.people_ahead, info.estimated_wait_min, lang)


def _code(code: str | None, default: str) -> str:
    """A refusal's code as a help call's problem, in words staff read (hall_protocol/words.py
    PROBLEMS: ticket_limit_reached, ...); `default` for any other code."""
    problem = f"ticket_{(code or '').strip().lower()}"
    return problem if problem in PROBLEMS else default


class TicketSource(Protocol):
    def request(self, service: str, *, priority: str = "normal", lang: str = "zh",
                appointment_code: str | None = None, guide: bool = False) -> TicketInfo: ...


@dataclass(frozen=True)
class Screen:
    page: str = "home"                 # home, issuing, ticket, error, attract (nobody there)
    lang: str = "zh"
    elderly: bool = False
    ticket: TicketInfo | None = None
    printed: bool = False
    message: str = ""
    show_qr: bool = False
    since: float = 0.0
    faults: tuple[str, ...] = field(default_factory=tuple)  # parts that cannot work now: "printer", ...
    paper_out: bool = False  # the receipt printer's paper is out (the home page says so)
    guide: bool = False                # "需要引导 / Guide me": the next ticket asks for the guide robot
    problem: str | None = None         # the error code of what failed on this page (sent with a help call)


class KioskFlow:
    def __init__(self, tickets: TicketSource, print_ticket: Callable[[TicketReceipt], None] | None,
                 clock: Clock, *, idle_timeout_s: float = 60, elderly_idle_timeout_s: float = 120,
                 ticket_timeout_s: float = 20, report_fault: Callable[[str, str], None] | None = None,
                 hall: HallConfig | None = None, attract_after_s: float = 90,
                 no_paper_timeout_s: float = 120) -> None:
        self.tickets, self.print_ticket, self.clock = tickets, print_ticket, clock
        self.hall = hall  # for the details of a refusal (a service's ticket hours)
        self.idle_timeout_s, self.elderly_idle_timeout_s = idle_timeout_s, elderly_idle_timeout_s
        self.ticket_timeout_s = ticket_timeout_s
        # the home page left alone this long shows the attract screen; the number shown as a QR
        # (no paper) stays until 完成 / Done or this long
        self.attract_after_s, self.no_paper_timeout_s = attract_after_s, no_paper_timeout_s
        self.activity: Activity | None = None   # the citizen's last touch (kiosk_app/flows/activity.py)
        self.busy: Callable[[], bool] = lambda: False   # a service page is open over home (no attract screen)
        self.default_lang: str | None = None   # the kiosk file's language: the next citizen starts in it
        self.report_fault = report_fault or (lambda device, message: None)
        self.screen = Screen(since=clock.monotonic())
        self._screen_lock = threading.Lock()
        self.listeners: list[Callable[[Screen], None]] = []
        # Hooks for the identified citizen (kiosk_app/flows/citizen.py): the priority a new ticket
        # gets (the green channel), and who to tell when the session ends.
        self.priority_for: Callable[[], str] = lambda: "normal"
        self.session_end: list[Callable[[], None]] = []
        self._printer_problem = "printer_error"

    def _show(self, **changes) -> Screen:
        with self._screen_lock:
            self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
        return self._notify()

    def _notify(self) -> Screen:
        for listener in list(self.listeners):
            try:
                listener(self.screen)
            except RuntimeError:  # its window is gone (Qt deleted it): forget it
                self.listeners.remove(listener)
        return self.screen

    def device_changed(self, part: str, usable: bool, details: tuple[str, ...] = ()) -> Screen:
        """A device's status changed (its own status events, the scheduled device watch): the home
        page says what does not work before a citizen chooses (no paper: the number as a QR code).
        The page and its timeout stay as they are."""
        with self._screen_lock:  # a device thread and the UI thread never lose each other's change
            faults = tuple(sorted((set(self.screen.faults) - {part}) | (set() if usable else {part})))
            paper_out = (not usable and "paper_out" in details) if part == "printer" else self.screen.paper_out
            if (faults, paper_out) == (self.screen.faults, self.screen.paper_out):
                return self.screen
            self.screen = replace(self.screen, faults=faults, paper_out=paper_out)
        return self._notify()

    # -- intents ----------------------------------------------------------------------
    def toggle_language(self) -> Screen:
        return self._show(lang="en" if self.screen.lang == "zh" else "zh")

    def toggle_elderly(self) -> Screen:
        return self._show(elderly=not self.screen.elderly)

    def toggle_guide(self) -> Screen:
        return self._show(guide=not self.screen.guide)

    def choose_service(self, service: str, priority: str = "normal") -> Screen:
        lang = self.screen.lang
        self._show(page="issuing", message=tr("issuing", lang), problem=None)
        if priority == "normal":
            priority = self.priority_for()
        try:
            info = (self.tickets.request(service, priority=priority, lang=lang, guide=True) if self.screen.guide
                    else self.tickets.request(service, priority=priority, lang=lang))
        except TicketRefused as err:
            # the controller's text is for the log; the citizen reads what to do next
            log.info("ticket for service %s refused (%s): %s", service, err.code, err)
            return self._show(page="error", message=plain_message(err.code, lang, hours=self._hours(service, lang)),
                              problem=_code(err.code, "ticket_refused"))
        except TicketUnavailable:
            self.report_fault("controller", "no answer to ticket request")
            return self._show(page="error", message=plain_message("controller_unavailable", lang),
                              problem="controller_unavailable")
        return self.show_ticket(info)

    def _hours(self, service: str, lang: str) -> str | None:
        svc = next((s for s in self.hall.services if s.code == service), None) if self.hall else None
        return format_hours(svc.hours, lang) if svc is not None and svc.hours else None

    def show_ticket(self, info: TicketInfo) -> Screen:
        """Print a ticket and show it (QR code when it cannot be printed); also for tickets
        issued elsewhere, such as an appointment check-in."""
        printed, message = self._print(info, self.screen.lang)
        return self._show(page="ticket", ticket=info, printed=printed, show_qr=not printed, message=message,
                          problem=None if printed else self._printer_problem)

    def _print(self, info: TicketInfo, lang: str) -> tuple[bool, str]:
        self._printer_problem = "printer_error"
        if self.print_ticket is None:
            return False, tr("no_paper", lang)
        receipt = TicketReceipt(
            hall_name=info.hall_name, hall_name_en=info.hall_name_en, number=info.number,
            service_name=info.service_name, service_name_en=info.service_name_en,
            people_ahead=info.people_ahead, estimated_wait_min=info.estimated_wait_min,
            window_area=info.area, window_area_en=info.area_en,
            issued_at=datetime.fromisoformat(info.issued_at), qr_url=info.qr_url, lang=lang,
            notice=tr(PRIORITY_NOTES[info.priority], lang) if info.priority in PRIORITY_NOTES else None)
        try:
            self.print_ticket(receipt)
        except DeviceError as err:
            # The ticket exists; the citizen keeps it on the phone instead of on paper.
            log.warning("ticket %s not printed: %s", info.number, err)
            self.report_fault("printer", f"{type(err).__name__}: {err} (action: {err.action.value})")
            self._printer_problem = "printer_paper_out" if "paper" in str(err).lower() else "printer_error"
            return False, tr("no_paper", lang)
        return True, tr("take_ticket", lang)

    def done(self) -> Screen:
        return self.reset()

    def reset(self) -> Screen:
        """End the session: nothing of it stays on screen or in memory."""
        screen = self._show(page="home", ticket=None, printed=False, message="", show_qr=False, guide=False,
                            problem=None)
        for end in list(self.session_end):
            end()
        return screen

    def wake(self) -> Screen:
        """A touch on the attract screen: the home page."""
        if self.screen.page != "attract":
            return self.screen
        return self._show(page="home")

    def _limit(self) -> float:
        s = self.screen
        if s.page == "ticket":
            return self.no_paper_timeout_s if s.show_qr else self.ticket_timeout_s
        return self.elderly_idle_timeout_s if s.elderly else self.idle_timeout_s

    def remaining(self) -> float | None:
        """Seconds before this page gives up (None: it does not)."""
        if self.screen.page not in ("ticket", "error"):
            return None
        return left(self.clock, self.activity, self.screen.since, self._limit())

    def tick(self) -> Screen:
        """Called periodically: return home after the page's timeout, counted from the later of
        the page's change and the last touch; the attract screen when home is left alone."""
        page = self.screen.page
        age = quiet_for(self.clock, self.activity, self.screen.since)
        if page in ("ticket", "error") and age >= self._limit():
            return self.reset()
        if page == "home" and self.screen.elderly and age >= self._limit():
            return self._show(elderly=False)
        if page == "home" and not self.screen.elderly and age >= self.attract_after_s and not self.busy():
            return self._show(page="attract", guide=False, lang=self.default_lang or self.screen.lang)
        return self.screen
