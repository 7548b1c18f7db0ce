"""The kiosk's one composition: from its configuration, everything a self-service terminal runs.
`kiosk` (kiosk_app/__main__.py), the tests and the demo all build a kiosk here.

    MQTT endpoint (presence, last will) -> ticket client -> ticket flow (+ receipt printer)
    camera (shared: face verification, booking QR)        -> booking check-in (keypad, QR)
    ID card reader (SAM) and/or social security card reader (PC/SC) -> identity flow
    backend client -> guide and rating; for the identified citizen: appointments, progress,
                      licences (A4 printer), payment
    each part's health on the kiosk's retained health topic

Heavy parts (OpenCV, the face models) are loaded only when the configuration names a camera
or a card reader.
"""
from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import Callable

from config.schema import HallConfig, KioskConfig
from drivers.a4printer.printer import A4Printer
from drivers.core.clock import Clock, SystemClock
from drivers.core.watch import DeviceWatch
from drivers.escpos.printer import ReceiptPrinter
from hall_protocol import contract
from hall_protocol.contract import Board
from hall_protocol.health import HealthPublisher
from hall_protocol.mqtt import Endpoint
from hall_protocol.presence import PresenceAnnouncer
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.payments import PaymentClient
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.activity import Activity
from kiosk_app.flows.booking import BookingFlow
from kiosk_app.flows.citizen import CitizenServices
from kiosk_app.flows.civic import CivicPages
from kiosk_app.flows.licence_print import LicencePrinting
from kiosk_app.flows.payment import PaymentFlow
from kiosk_app.flows.ticket import KioskFlow
from kiosk_app.hall_source import LiveHall
from kiosk_app.help_setup import build_help, build_voice

log = logging.getLogger(__name__)


def kiosk_password(config: KioskConfig) -> str | None:
    """The kiosk's MQTT password: its credential file (`password_file`, from hall-provision), else
    HALL_MQTT_PASSWORD, else the file's [broker] password. StartupError naming the file when it
    cannot be read."""
    if config.password_file:
        from kiosk_app.identity_setup import StartupError
        try:
            with open(config.password_file, encoding="utf-8") as f:
                password = f.read().strip()
        except OSError as err:
            raise StartupError(f"password_file {config.password_file}: {err.strerror or err}") from None
        if not password:
            raise StartupError(f"password_file {config.password_file} is empty")
        return password
    return os.environ.get("HALL_MQTT_PASSWORD")


class Kiosk:
    def __init__(self, config: KioskConfig, hall: HallConfig | None = None, *, password: str | None = None,
                 clock: Clock | None = None) -> None:
        """`hall`: only for tests and the deprecated `--hall-config`; a kiosk learns its hall from the
        controller's retained configuration (kiosk_app/hall_source.py) and shows "connecting" until then."""
        if hall is not None and hall.id != config.hall:
            from kiosk_app.identity_setup import StartupError
            raise StartupError(f"the hall file's hall is {hall.id!r}, the kiosk's is {config.hall!r}")
        self.config = config
        self.hall = LiveHall(config.hall, hall)   # every flow and page reads the hall through it
        self.clock = clock or SystemClock()
        self.presence = PresenceAnnouncer(config.id, "kiosk", [config.hall])  # retained, last will offline
        self.endpoint = Endpoint.over(
            config.id, config.broker.connection(config.id, password or kiosk_password(config)),
            will=self.presence.will())
        self.presence.attach(self.endpoint)
        self.printer = ReceiptPrinter(config.printer_url, device_id=f"{config.id}-printer") if config.printer_url else None
        hall = self.hall
        self.tickets = TicketClient(self.endpoint, hall.id)
        self.faults: list[tuple[str, str]] = []
        self.flow = KioskFlow(self.tickets, self.printer.print_ticket if self.printer else None, self.clock,
                              idle_timeout_s=config.idle_timeout_s,
                              elderly_idle_timeout_s=config.elderly_idle_timeout_s,
                              report_fault=self._fault, hall=hall, attract_after_s=config.attract_after_s,
                              no_paper_timeout_s=config.no_paper_timeout_s)
        self.flow.screen = replace(self.flow.screen, lang=config.language)
        self.flow.default_lang = config.language   # the attract screen starts the next citizen in it
        self._build_devices(config)
        self._build_services(config, hall)
        # each part's status on the kiosk's retained health topic (hall_protocol/health.py)
        self.health = HealthPublisher.on_endpoint(self.endpoint, hall.id, config.id, "kiosk")
        self.health.watch("printer", self.printer)
        if self.a4 is not None:
            self.health.watch("a4printer", self.a4)
        if self.camera is not None:
            self.health.watch("camera", self.camera)
        if self.identity is not None:
            if self.identity.reader is not None:
                self.health.watch("idcard", self.identity.reader)
            if self.identity.social is not None:
                self.health.watch("smartcard", self.identity.social.reader)
        self._build_watch(config)
        self.board: Board | None = None   # the newest board; each listener gets every newer one
        self.board_listeners: list[Callable[[Board], None]] = []
        self.endpoint.subscribe(contract.BOARD.format(hall=hall.id), self._on_board)
        self._share_activity()
        # voice guidance on the terminal's loudspeaker, and help on every page
        self.voice = build_voice(config)
        self.help = build_help(self.endpoint, hall, self.clock)
        # the hall as the controller says it is now (services, names, hours, timeouts), retained
        self.hall.listeners.append(self._hall_changed)
        self.endpoint.subscribe(contract.HALL_CONFIG.format(hall=hall.id), self.hall.on_message)
        if self.hall.ready:
            self._hall_changed(self.hall)

    def _hall_changed(self, hall: LiveHall) -> None:
        """What the flows took at start from the hall: the timeouts (the hall's, else the kiosk
        file's), whether a robot can come, the hall's name on payment receipts."""
        policy = hall.kiosk
        idle = policy.idle_timeout_s or self.config.idle_timeout_s
        elderly = policy.elderly_idle_timeout_s or self.config.elderly_idle_timeout_s
        for flow in (self.flow, self.civic, self.booking, self.citizen, self.payment,
                     self.identity and self.identity.flow):
            if flow is not None and hasattr(flow, "idle_timeout_s"):
                flow.idle_timeout_s = idle
            if flow is not None and hasattr(flow, "elderly_idle_timeout_s"):
                flow.elderly_idle_timeout_s = elderly
        self.help.robot = hall.robot is not None
        if self.payment is not None:
            self.payment.hall_name = hall.name

    def _build_devices(self, config: KioskConfig) -> None:
        """The camera (shared by face verification and the booking QR scanner) and the card readers;
        StartupError for a missing face model or a URL that cannot be the device it names."""
        self.camera = self.scanner = self.identity = None
        if config.camera_url or config.idcard_url or config.smartcard_url:
            from kiosk_app.identity_setup import IdentityService, kiosk_camera  # OpenCV only when used
            self.camera = kiosk_camera(config, self.clock)
            if config.idcard_url or config.smartcard_url:
                self.identity = IdentityService(config, self.clock, self._fault, camera=self.camera)
        if self.camera is not None:
            from kiosk_app.devices.qr_scanner import QrScanner
            self.scanner = QrScanner(self.camera)

    def _build_services(self, config: KioskConfig, hall: HallConfig) -> None:
        """The guide, rating and booking check-in (no ID needed); with identification, the
        citizen's services (appointments, progress, licences, payment)."""
        self.backend = KioskBackend(self.endpoint, hall.id)
        self.civic = CivicPages(self.backend, self.clock, idle_timeout_s=config.idle_timeout_s, hall=hall)
        self.booking = BookingFlow(self.backend, self.clock, hall, kiosk_id=config.id, show_ticket=self.flow.show_ticket,
                                   take_ticket=self.flow.choose_service, scanner=self.scanner,
                                   idle_timeout_s=config.idle_timeout_s)
        # the A4 printer follows its CUPS jobs in real time, whatever clock the flows are given
        self.a4 = A4Printer(config.a4_printer_url, clock=SystemClock()) if config.a4_printer_url else None
        self.citizen = self.payment = None
        if self.identity is not None:
            self.payment = PaymentFlow(PaymentClient(self.backend), self.clock, hall_name=hall.name,
                                       print_receipt=self.printer.print_blocks if self.printer else None,
                                       idle_timeout_s=config.idle_timeout_s, report_fault=self._fault)
            self.citizen = CitizenServices(
                self.backend, self.identity.flow, self.clock, hall, kiosk_id=config.id,
                show_ticket=self.flow.show_ticket, licences=LicencePrinting(self.backend, self.a4, config.id),
                idle_timeout_s=config.idle_timeout_s, elderly_idle_timeout_s=config.elderly_idle_timeout_s,
                elderly=lambda: self.flow.screen.elderly, report_fault=self._fault, civic=self.civic,
                lang=lambda: self.flow.screen.lang, payment=self.payment)
            self.flow.priority_for = self.citizen.ticket_priority
            self.flow.session_end.append(self.citizen.finish)

    def _share_activity(self) -> None:
        """One record of the citizen's last touch (the window's event filter feeds it): every
        flow's idle time counts from it; no attract screen while a service page is open."""
        self.activity = Activity(self.clock)
        flows = [self.flow, self.civic, self.booking, self.citizen, self.payment,
                 self.identity.flow if self.identity is not None else None]
        for flow in flows:
            if flow is not None:
                flow.activity = self.activity
        services = [f for f in flows[1:] if f is not None]
        self.flow.busy = lambda: any(f.active for f in services)

    def _build_watch(self, config: KioskConfig) -> None:
        """Each device checked on its schedule ([watch]); the printer's state also on the home page."""
        w = config.watch
        self.watch = DeviceWatch()
        self.watch.add("printer", self.printer, w.printer_s)
        self.watch.add("a4printer", self.a4, w.a4printer_s)
        self.watch.add("camera", self.camera, w.camera_s)
        if self.identity is not None:
            self.watch.add("idcard", self.identity.reader, w.idcard_s)
            self.watch.add("smartcard", self.identity.social and self.identity.social.reader, w.smartcard_s)
        if self.printer is not None:
            self.printer.subscribe(lambda _dev, status: self.flow.device_changed("printer", status.usable,
                                                                                 status.details))

    def _fault(self, device: str, message: str) -> None:
        self.faults.append((device, message))
        log.warning("kiosk %s fault on %s: %s", self.config.id, device, message)

    def _on_board(self, msg) -> None:
        """The retained board, read as the model; an unreadable or older one is ignored
        (`Board.is_newer_than`). Called on the MQTT thread only."""
        board = contract.read(msg, Board)
        if board is None or not board.is_newer_than(self.board):
            return
        self.board = board
        for listener in list(self.board_listeners):
            try:
                listener(board)
            except RuntimeError:  # its window is gone
                self.board_listeners.remove(listener)

    def start(self, timeout: float = 10.0) -> None:
        if self.printer is not None:
            try:
                self.printer.start()
            except Exception as err:  # noqa: BLE001 - a missing printer must not stop the kiosk
                self._fault("printer", str(err))
        if self.a4 is not None:
            try:
                self.a4.start()
            except Exception as err:  # noqa: BLE001 - licences wait; everything else works
                self._fault("a4printer", str(err))
        if self.identity is not None:
            self.identity.start()
        self.endpoint.start(timeout)
        self.watch.start()

    def stop(self) -> None:
        # offline before an orderly disconnect, which discards the last will (SIGTERM: lockdown.quit_on_sigterm)
        self.presence.offline(self.endpoint, wait_s=3)
        self.watch.stop()
        self.voice.close()
        if self.payment is not None and self.payment.active:
            self.payment.close()
        if self.scanner is not None:
            self.scanner.stop()
        if self.identity is not None:
            self.identity.stop()
        self.endpoint.stop()
        if self.printer is not None:
            self.printer.close()
