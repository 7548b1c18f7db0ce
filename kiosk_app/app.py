"""Assemble a kiosk from its configuration: MQTT endpoint, ticket client, printer, flow, window."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import replace

from config.schema import HallConfig, KioskConfig
from drivers.core.clock import SystemClock
from drivers.escpos.printer import ReceiptPrinter
from hall_controller import contract
from hall_controller.contract import Presence, encode
from hall_controller.device_health import HealthPublisher
from hall_controller.mqtt import Endpoint
from kiosk_app.flow import KioskFlow
from kiosk_app.ticketing import TicketClient

log = logging.getLogger(__name__)


class Kiosk:
    def __init__(self, config: KioskConfig, hall: HallConfig, *, password: str | None = None) -> None:
        self.config, self.hall = config, hall
        presence = contract.PRESENCE.format(client=config.id)
        self.endpoint = Endpoint(config.id, config.broker.host, config.broker.port,
                                 username=config.broker.username or config.id,
                                 password=password or os.environ.get("HALL_MQTT_PASSWORD") or config.broker.password,
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
        # ID card + face verification (kiosk_app/identity.py); StartupError for a missing model
        self.identity = None
        if config.idcard_url:
            from kiosk_app.identity_setup import IdentityService   # OpenCV and the models only when used
            self.identity = IdentityService(config, SystemClock(), self._fault)
        # each part's status on the kiosk's retained health topic (hall_controller/device_health.py)
        self.health = HealthPublisher.on_endpoint(self.endpoint, hall.id, config.id, "kiosk")
        self.health.watch("printer", self.printer)
        if self.identity is not None:
            self.health.watch("idcard", self.identity.reader)
            self.health.watch("camera", self.identity.worker and self.identity.worker.camera)
        self.board_listeners: list = []
        self.endpoint.subscribe(contract.BOARD.format(hall=hall.id), self._on_board)

    def _fault(self, device: str, message: str) -> None:
        self.faults.append((device, message))
        log.warning("kiosk %s fault on %s: %s", self.config.id, device, message)

    def _on_board(self, msg) -> None:
        try:
            board = json.loads(msg.payload)
        except ValueError:
            return
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
        if self.identity is not None:
            self.identity.start()
        self.endpoint.start(timeout)

    def stop(self) -> None:
        if self.identity is not None:
            self.identity.stop()
        self.endpoint.stop()
        if self.printer is not None:
            self.printer.close()
