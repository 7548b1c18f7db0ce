"""The kiosk's ticket flow as a plain state machine: no Qt here, so tests drive it directly.

home -> (choose service) -> ticket (printed, or shown as a QR code when the printer cannot
print) -> home after a timeout; errors show what still works. Personal data never enters
this flow's state beyond the session, and `reset()` wipes the session.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Protocol

from drivers.core.clock import Clock
from drivers.core.errors import DeviceError
from drivers.escpos.templates import TicketReceipt
from hall_protocol.contract import TicketInfo
from kiosk_app.clients.ticketing import TicketRefused, TicketUnavailable
from kiosk_app.i18n import tr

log = logging.getLogger(__name__)
PRIORITY_NOTES = {"green": "green_notice", "appointment": "appointment_notice"}


class TicketSource(Protocol):
    def request(self, service: str, *, priority: str = "normal", lang: str = "zh",
                appointment_code: str | None = None) -> TicketInfo: ...


@dataclass(frozen=True)
class Screen:
    page: str = "home"                 # home, issuing, ticket, error
    lang: str = "zh"
    elderly: bool = False
    ticket: TicketInfo | None = None
    printed: bool = False
    message: str = ""
    show_qr: bool = False
    since: float = 0.0
    faults: tuple[str, ...] = field(default_factory=tuple)


class KioskFlow:
    def __init__(self, tickets: TicketSource, print_ticket: Callable[[TicketReceipt], None] | None,
                 clock: Clock, *, idle_timeout_s: float = 60, elderly_idle_timeout_s: float = 120,
                 ticket_timeout_s: float = 20, report_fault: Callable[[str, str], None] | None = None) -> None:
        self.tickets, self.print_ticket, self.clock = tickets, print_ticket, clock
        self.idle_timeout_s, self.elderly_idle_timeout_s = idle_timeout_s, elderly_idle_timeout_s
        self.ticket_timeout_s = ticket_timeout_s
        self.report_fault = report_fault or (lambda device, message: None)
        self.screen = Screen(since=clock.monotonic())
        self.listeners: list[Callable[[Screen], None]] = []
        # Hooks for the identified citizen (kiosk_app/flows/citizen.py): the priority a new ticket
        # gets (the green channel), and who to tell when the session ends.
        self.priority_for: Callable[[], str] = lambda: "normal"
        self.session_end: list[Callable[[], None]] = []

    def _show(self, **changes) -> Screen:
        self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
        for listener in list(self.listeners):
            try:
                listener(self.screen)
            except RuntimeError:  # its window is gone (Qt deleted it): forget it
                self.listeners.remove(listener)
        return self.screen

    # -- intents ----------------------------------------------------------------------
    def toggle_language(self) -> Screen:
        return self._show(lang="en" if self.screen.lang == "zh" else "zh")

    def toggle_elderly(self) -> Screen:
        return self._show(elderly=not self.screen.elderly)

    def choose_service(self, service: str, priority: str = "normal") -> Screen:
        lang = self.screen.lang
        self._show(page="issuing", message=tr("issuing", lang))
        if priority == "normal":
            priority = self.priority_for()
        try:
            info = self.tickets.request(service, priority=priority, lang=lang)
        except TicketRefused as err:
            return self._show(page="error", message=tr("refused", lang, reason=str(err)))
        except TicketUnavailable:
            self.report_fault("controller", "no answer to ticket request")
            return self._show(page="error", message=tr("offline", lang))
        return self.show_ticket(info)

    def show_ticket(self, info: TicketInfo) -> Screen:
        """Print a ticket and show it (QR code when it cannot be printed); also for tickets
        issued elsewhere, such as an appointment check-in."""
        printed, message = self._print(info, self.screen.lang)
        return self._show(page="ticket", ticket=info, printed=printed, show_qr=not printed, message=message)

    def _print(self, info: TicketInfo, lang: str) -> tuple[bool, str]:
        if self.print_ticket is None:
            return False, tr("no_paper", lang)
        receipt = TicketReceipt(
            hall_name=info.hall_name if lang == "zh" else (info.hall_name_en or info.hall_name),
            number=info.number,
            service_name=info.service_name if lang == "zh" else info.service_name_en,
            people_ahead=info.people_ahead,
            estimated_wait_min=None if info.estimated_wait_min is None else int(round(info.estimated_wait_min)),
            window_area=info.area if lang == "zh" else (info.area_en or info.area),
            issued_at=datetime.fromisoformat(info.issued_at), qr_url=info.qr_url, lang=lang,
            notice=tr(PRIORITY_NOTES[info.priority], lang) if info.priority in PRIORITY_NOTES else None)
        try:
            self.print_ticket(receipt)
        except DeviceError as err:
            # The ticket exists; the citizen keeps it on the phone instead of on paper.
            log.warning("ticket %s not printed: %s", info.number, err)
            self.report_fault("printer", f"{type(err).__name__}: {err} (action: {err.action.value})")
            return False, tr("no_paper", lang)
        return True, tr("take_ticket", lang)

    def done(self) -> Screen:
        return self.reset()

    def reset(self) -> Screen:
        """End the session: nothing of it stays on screen or in memory."""
        screen = self._show(page="home", ticket=None, printed=False, message="", show_qr=False)
        for end in list(self.session_end):
            end()
        return screen

    def tick(self) -> Screen:
        """Called periodically: return home after the page's timeout."""
        age = self.clock.monotonic() - self.screen.since
        page = self.screen.page
        limit = self.ticket_timeout_s if page == "ticket" else (
            self.elderly_idle_timeout_s if self.screen.elderly else self.idle_timeout_s)
        if page in ("ticket", "error") and age >= limit:
            return self.reset()
        if page == "home" and self.screen.elderly and age >= limit:
            return self._show(elderly=False)
        return self.screen
