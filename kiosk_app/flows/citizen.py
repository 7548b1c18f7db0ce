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
from kiosk_app.flows.booking_rules import refusal_message
from kiosk_app.flows.civic import CivicPages, Offer
from kiosk_app.flows.licence_print import LicencePrinting
from kiosk_app.flows.activity import Activity, left, quiet_for
from kiosk_app.flows.observe import notify
from kiosk_app.flows.messages import plain_message
from kiosk_app.i18n import retranslate, tr

if TYPE_CHECKING:    # kiosk_app.flows.identity loads the face stack (OpenCV): only when identification is configured
    from kiosk_app.flows.identity import Identity, IdentityFlow

log = logging.getLogger(__name__)
IDENTIFIED, IDLE = "identified", "idle"      # kiosk_app.flows.identity's states

# This page's words (cz_*, lic_*) are in kiosk_app/translations/kiosk_*.ts.


PASSIVE = ("closed", "take_ticket", "rating", "payment")   # the ticket, rating or payment pages are on screen


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
                 lang: Callable[[], str] | None = None, payment=None) -> None:
        """`payment`: kiosk_app/flows/payment.py's PaymentFlow, when this kiosk takes payments."""
        self.civic, self.lang, self.payment = civic, lang, payment
        if civic is not None:
            civic.listeners.append(self._civic_changed)
        if payment is not None:
            payment.listeners.append(self._payment_changed)
        self.backend, self.identity_flow, self.clock, self.hall = backend, identity, clock, hall
        self.activity: Activity | None = None   # the citizen's last touch (kiosk_app/flows/activity.py)
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
        s = self.screen
        return self._show(lang=lang, message=retranslate(s.message, s.lang, lang))

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
                   "not_found" if isinstance(err, NotFound) else None)
        if isinstance(err, BackendUnavailable):
            self.report_fault("backend", str(err))
        # any other refusal: its plain message (kiosk_app/flows/messages.py), never its text
        return self._show(page="message", message=tr(key, lang) if key else plain_message(err.code, lang))

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
            appt = next((a for a in self.screen.appointments if a.code == code), None)
            text = refusal_message(err.code, appt, self.hall, lang)   # too early, too late, another hall ...
            return self._show(page="message", message=text) if text else self._error(err)
        log.info("appointment checked in: ticket %s", ticket.number)
        self._show(page="take_ticket", message="")
        if self.show_ticket is not None:
            self.show_ticket(ticket)           # printed like any ticket, QR code without paper
        return self.screen

    def my_tickets(self) -> tuple[Offer, ...]:
        """The citizen's tickets of their bookings that may still be rated (today's, and
        yesterday's within the hall's window), each with its day and matter; rated ones left out."""
        who = self._citizen()
        if who is None:
            return ()
        try:
            items = self.backend.rateable(who)
        except KioskBackendError:
            return ()                # the citizen types the number instead
        return tuple(Offer(t.number, t.day, t.matter_id, t.matter_name) for t in items if not t.rated)

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

    def pay(self) -> CitizenScreen:
        """Open payment (缴费, kiosk_app/flows/payment.py) for the identified citizen."""
        who = self._citizen()
        if who is None or self.payment is None:
            return self.screen
        self._touch()
        self._show(page="payment", message="")
        self.payment.open(who, self.screen.lang)
        return self.screen

    def _payment_changed(self, payment_screen) -> None:
        if payment_screen.page == "closed" and self.screen.page == "payment":
            self.menu()
        elif self.screen.page == "payment":
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
        if had and self.payment is not None and self.payment.active:
            self.payment.close()          # an open order is cancelled (paid meanwhile: its receipt printed)
        if had:
            self.identity_flow.wipe()
            log.info("citizen session ended and wiped")
        return self._show()

    def _touch(self) -> None:
        self.identity_flow.touch()

    def remaining(self) -> float | None:
        """Seconds before this page wipes the session (None: it does not time out now)."""
        s = self.screen
        if s.page in PASSIVE + ("loading", "printing"):
            return None
        return left(self.clock, self.activity, s.since,
                    self.elderly_idle_timeout_s if self.elderly() else self.idle_timeout_s)

    def tick(self) -> CitizenScreen:
        s = self.screen
        if s.page in PASSIVE + ("loading", "printing"):
            return s
        limit = self.elderly_idle_timeout_s if self.elderly() else self.idle_timeout_s
        if quiet_for(self.clock, self.activity, s.since) >= limit:
            log.info("citizen session idle for %.0f s: wiped", limit)
            return self.finish()
        return s
