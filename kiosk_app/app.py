"""Assemble a kiosk from its configuration: MQTT endpoint, ticket client, printer, flow, window."""
from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import Callable

from config.schema import HallConfig, KioskConfig
from drivers.a4printer.printer import A4Printer
from drivers.core.clock import SystemClock
from drivers.escpos.printer import ReceiptPrinter
from hall_protocol import contract
from hall_protocol.contract import Board, Presence, encode
from hall_protocol.health import HealthPublisher
from hall_protocol.mqtt import Endpoint
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.citizen import CitizenServices
from kiosk_app.flows.civic import CivicPages
from kiosk_app.flows.licence_print import LicencePrinting
from kiosk_app.flows.ticket import KioskFlow

log = logging.getLogger(__name__)


class Kiosk:
    def __init__(self, config: KioskConfig, hall: HallConfig, *, password: str | None = None) -> None:
        self.config, self.hall = config, hall
        presence = contract.PRESENCE.format(client=config.id)
        self.endpoint = Endpoint.over(
            config.id, config.broker.connection(config.id, password or os.environ.get("HALL_MQTT_PASSWORD")),
            will=(presence, encode(Presence(state="offline", role="kiosk", halls=[hall.id]))))
        self.endpoint.on_connection_change = lambda up: up and self.endpoint.publish(
            presence, encode(Presence(state="online", role="kiosk", halls=[hall.id])), retain=True)
        self.printer = ReceiptPrinter(config.printer_url, device_id=f"{config.id}-printer") if config.printer_url else None
        self.tickets = TicketClient(self.endpoint, hall.id)
        self.faults: list[tuple[str, str]] = []
        self.flow = KioskFlow(self.tickets, self.printer.print_ticket if self.printer else None, SystemClock(),
                              idle_timeout_s=config.idle_timeout_s,
                              elderly_idle_timeout_s=config.elderly_idle_timeout_s,
                              report_fault=self._fault)
        self.flow.screen = replace(self.flow.screen, lang=config.language)
        # ID card + face verification (kiosk_app/flows/identity.py); StartupError for a missing model
        self.identity = None
        if config.idcard_url:
            from kiosk_app.identity_setup import IdentityService  # OpenCV and the models only when used
            self.identity = IdentityService(config, SystemClock(), self._fault)
        self._build_services(config, hall)
        # each part's status on the kiosk's retained health topic (hall_protocol/health.py)
        self.health = HealthPublisher.on_endpoint(self.endpoint, hall.id, config.id, "kiosk")
        self.health.watch("printer", self.printer)
        if self.a4 is not None:
            self.health.watch("a4printer", self.a4)
        if self.identity is not None:
            self.health.watch("idcard", self.identity.reader)
            self.health.watch("camera", self.identity.worker and self.identity.worker.camera)
        self.board: Board | None = None   # the newest board; each listener gets every newer one
        self.board_listeners: list[Callable[[Board], None]] = []
        self.endpoint.subscribe(contract.BOARD.format(hall=hall.id), self._on_board)

    def _build_services(self, config: KioskConfig, hall: HallConfig) -> None:
        """The guide and rating (no ID needed); with identification, the citizen's services."""
        self.backend = KioskBackend(self.endpoint, hall.id)
        self.civic = CivicPages(self.backend, SystemClock(), idle_timeout_s=config.idle_timeout_s)
        self.a4 = A4Printer(config.a4_printer_url, clock=SystemClock()) if config.a4_printer_url else None
        self.citizen = None
        if self.identity is not None:
            self.citizen = CitizenServices(
                self.backend, self.identity.flow, SystemClock(), hall, kiosk_id=config.id,
                show_ticket=self.flow.show_ticket, licences=LicencePrinting(self.backend, self.a4, config.id),
                idle_timeout_s=config.idle_timeout_s, elderly_idle_timeout_s=config.elderly_idle_timeout_s,
                elderly=lambda: self.flow.screen.elderly, report_fault=self._fault, civic=self.civic,
                lang=lambda: self.flow.screen.lang)
            self.flow.priority_for = self.citizen.ticket_priority
            self.flow.session_end.append(self.citizen.finish)

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

    def stop(self) -> None:
        if self.identity is not None:
            self.identity.stop()
        self.endpoint.stop()
        if self.printer is not None:
            self.printer.close()
