"""Check in for a booking without an ID card (预约签到), as a plain state machine (no Qt, clock
injected): type the booking code on the on-screen keypad, or show the booking's QR code (on the
citizen's phone) to the kiosk's camera.

    closed -> entry <-> scanning
              entry -> looking -> found -> checking_in -> (the ticket, printed like any other)
                                        -> refused (used, cancelled, too early, too late, another hall)
                                                  \\-> a normal ticket (too late)
           -> message (not found, a QR code that is no booking, the camera or the platform is down)

The ticket takes the booking's priority (the controller maps the platform's); the hall's rules
(hall_controller/core/appointments.py) decide early and late, and each refusal says what the
citizen can do. One check-in per booking, kiosk and day: a retry gets the same ticket.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import Callable

from config.schema import HallConfig
from drivers.core.clock import Clock
from drivers.core.errors import DeviceError
from hall_protocol import platform as bm
from hall_protocol.contract import TicketInfo
from kiosk_app.clients.backend import BackendUnavailable, KioskBackend, KioskBackendError, NotFound
from kiosk_app.flows import green
from kiosk_app.flows.booking_rules import booking_code_from, refusal_message
from kiosk_app.flows.citizen import check_in_request_id
from kiosk_app.flows.activity import Activity, left, quiet_for
from kiosk_app.flows.observe import notify
from kiosk_app.i18n import retranslate, tr

log = logging.getLogger(__name__)
MAX_CODE = 32
IDLE_PAGES = ("entry", "found", "refused", "message", "scanning")  # pages that close when left alone

@dataclass(frozen=True)
class BookingScreen:
    page: str = "closed"    # closed, entry, scanning, looking, found, checking_in, refused, message
    lang: str = "zh"
    entry: str = ""
    appointment: bm.Appointment | None = None
    code: str = ""          # the refusal's code
    message: str = ""
    can_scan: bool = False
    normal_ticket: str | None = None   # refused: the service of the normal ticket offered instead
    since: float = 0.0


class BookingFlow:
    def __init__(self, backend: KioskBackend, clock: Clock, hall: HallConfig, *, kiosk_id: str,
                 show_ticket: Callable[[TicketInfo], object], take_ticket: Callable[[str], object] | None = None,
                 scanner=None, idle_timeout_s: float = 60.0) -> None:
        self.backend, self.clock, self.hall, self.kiosk_id = backend, clock, hall, kiosk_id
        self.activity: Activity | None = None   # the citizen's last touch (kiosk_app/flows/activity.py)
        self.show_ticket, self.take_ticket, self.scanner = show_ticket, take_ticket, scanner
        self.idle_timeout_s = idle_timeout_s
        self.screen = BookingScreen(since=clock.monotonic())
        self.listeners: list[Callable[[BookingScreen], None]] = []
        self._lock = threading.RLock()

    def _show(self, **changes) -> BookingScreen:
        with self._lock:
            self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
            screen = self.screen
        return notify(self.listeners, screen)

    def set_lang(self, lang: str) -> BookingScreen:
        """The language switch above the page: the page in `lang`, its fixed instruction too."""
        s = self.screen
        return self._show(lang=lang, message=retranslate(s.message, s.lang, lang))

    @property
    def active(self) -> bool:
        return self.screen.page != "closed"

    def _tr(self, key: str, **kw) -> str:
        return tr(key, self.screen.lang, **kw)

    # -- intents ----------------------------------------------------------------------
    def open(self, lang: str = "zh") -> BookingScreen:
        self._stop_scan()
        return self._show(page="entry", lang=lang, entry="", appointment=None, code="", normal_ticket=None,
                          can_scan=self.scanner is not None, message=tr("bk_enter", lang))

    def key(self, char: str) -> BookingScreen:
        if self.screen.page != "entry" or len(char) != 1 or not char.isalnum() or not char.isascii():
            return self.screen
        return self._show(entry=(self.screen.entry + char.upper())[:MAX_CODE])

    def backspace(self) -> BookingScreen:
        return self._show(entry=self.screen.entry[:-1])

    def clear(self) -> BookingScreen:
        return self._show(entry="", message=self._tr("bk_enter"))

    def confirm_entry(self) -> BookingScreen:
        code = booking_code_from(self.screen.entry)
        if code is None:
            return self._show(message=self._tr("bk_bad_code"))
        return self.lookup(code)

    def scan(self) -> BookingScreen:
        if self.scanner is None:
            return self.screen
        self._show(page="scanning", message=self._tr("bk_scanning"))
        self.scanner.start(self.scanned, self._scan_failed)
        return self.screen

    def type_code(self) -> BookingScreen:
        self._stop_scan()
        return self._show(page="entry", message=self._tr("bk_enter"))

    def scanned(self, text: str) -> BookingScreen:
        """A QR code was read (the scanner's thread), or a hand scanner typed one."""
        if self.screen.page not in ("scanning", "entry"):
            return self.screen
        code = booking_code_from(text)
        if code is None:
            return self._show(page="entry", message=self._tr("bk_bad_qr"))
        return self.lookup(code)

    def _scan_failed(self, err: DeviceError) -> None:
        if self.screen.page == "scanning":
            key = "bk_scan_timeout" if "no QR code" in str(err) else "bk_camera_down"
            self._show(page="entry", message=self._tr(key))

    def lookup(self, code: str) -> BookingScreen:
        with self._lock:
            self._show(page="looking", entry=code, message=self._tr("bk_looking"))
            try:
                appt = self.backend.appointment(code)
            except NotFound:
                return self._show(page="entry", message=self._tr("bk_not_found"))
            except KioskBackendError as err:
                return self._down(err)
            if not self.active:
                return self.screen
            code_now = {bm.AppointmentStatus.checked_in: "appointment_checked_in",
                        bm.AppointmentStatus.cancelled: "appointment_cancelled"}.get(appt.status)
            if code_now is not None:
                return self._refused(code_now, appt)
            return self._show(page="found", appointment=appt, message=self._tr("bk_found"))

    def check_in(self) -> BookingScreen:
        with self._lock:
            appt = self.screen.appointment
            if self.screen.page != "found" or appt is None:
                return self.screen
            lang = self.screen.lang
            self._show(page="checking_in", message=self._tr("bk_checking_in"))
            day = green.hall_today(self.clock, self.hall).isoformat()
            try:
                _, ticket = self.backend.check_in(appt.code, lang=lang,
                                                  request_id=check_in_request_id(self.kiosk_id, appt.code, day))
            except KioskBackendError as err:
                if refusal_message(err.code, appt, self.hall, lang) is not None:
                    return self._refused(err.code, appt)
                return self._down(err)
            log.info("booking checked in: ticket %s (%s)", ticket.number, ticket.priority)
            self.close()
            self.show_ticket(ticket)            # printed like any ticket, QR code without paper
            return self.screen

    def normal_ticket(self) -> BookingScreen:
        """Refused (late, cancelled, the platform down): a normal ticket for the booked service."""
        service = self.screen.normal_ticket
        if service is None or self.take_ticket is None:
            return self.screen
        self.close()
        self.take_ticket(service)
        return self.screen

    def close(self) -> BookingScreen:
        self._stop_scan()
        self.screen = BookingScreen(lang=self.screen.lang, since=self.clock.monotonic())
        return notify(self.listeners, self.screen)

    def remaining(self, limit: float | None = None) -> float | None:
        """Seconds before this page closes (None: it does not time out now)."""
        s = self.screen
        if s.page not in IDLE_PAGES:
            return None
        return left(self.clock, self.activity, s.since, limit or self.idle_timeout_s)

    def tick(self, limit: float | None = None) -> BookingScreen:
        s = self.screen
        if s.page in IDLE_PAGES and quiet_for(self.clock, self.activity, s.since) >= (limit or self.idle_timeout_s):
            return self.close()
        return s

    # -- helpers ----------------------------------------------------------------------
    def _stop_scan(self) -> None:
        if self.scanner is not None and self.scanner.running:
            self.scanner.stop()

    def _refused(self, code: str, appt: bm.Appointment) -> BookingScreen:
        offer = appt.service_code if code in ("appointment_late", "appointment_cancelled") and \
            any(s.code == appt.service_code for s in self.hall.services) else None
        return self._show(page="refused", code=code, appointment=appt, normal_ticket=offer,
                          message=refusal_message(code, appt, self.hall, self.screen.lang) or "")

    def _down(self, err: KioskBackendError) -> BookingScreen:
        appt = self.screen.appointment
        offer = appt.service_code if appt is not None else None
        key = "bk_backend_down" if isinstance(err, BackendUnavailable) else "backend_broken"
        return self._show(page="message", message=self._tr(key), normal_ticket=offer)
