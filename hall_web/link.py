"""The web service's side of MQTT: its own device identity (role web), what it reads of every
hall it shows (the retained board, statistics, ticket progress and device health), and its
requests to the controller for phones (hall_protocol/phone.py).

Retained state arrives on the MQTT thread and is kept per hall (the newer one wins, by the
contract's freshness rule); `on_progress(hall, progress)` is told of each new progress (the
live pages' hub). Requests run on a small thread pool so that the web server's event loop
never waits on the broker.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from pydantic import BaseModel, ValidationError

from hall_protocol import contract
from hall_protocol.alerts import AlertBoard
from hall_protocol.contract import Board, DeviceHealth
from hall_protocol.errors import MqttError
from hall_protocol.mqtt import Connection, Endpoint
from hall_protocol.presence import PresenceAnnouncer
from hall_protocol.phone import QueueProgress
from hall_protocol.stats import HallStats
from hall_web import alerts
from hall_web.errors import Unavailable, WebRefused

log = logging.getLogger(__name__)
REQUEST_TIMEOUT_S = 8.0


@dataclass
class HallState:
    """What the web service knows of one hall (from retained topics)."""

    board: Board | None = None
    stats: HallStats | None = None
    progress: QueueProgress | None = None
    devices: dict[str, DeviceHealth] = field(default_factory=dict)
    alerts: AlertBoard | None = None
    tickets: dict[str, object] = field(default_factory=dict)  # number -> TicketProgress of `progress`


class HallLink:
    def __init__(self, client_id: str, connection: Connection, halls: list[str], *, workers: int = 16) -> None:
        self.client_id, self.halls = client_id, list(halls)
        self.presence = PresenceAnnouncer(client_id, "web", self.halls)  # retained, last will offline
        self.endpoint = Endpoint.over(client_id, connection, will=self.presence.will())
        self.presence.attach(self.endpoint)
        self.state: dict[str, HallState] = {h: HallState() for h in halls}
        self.on_progress: Callable[[str, QueueProgress], None] | None = None
        self.on_stats: Callable[[str], None] | None = None
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="web-mqtt")
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        subs = [(contract.BOARD, self._board), (contract.STATS, self._stats), (contract.TICKETS_STATE, self._progress)]
        for topic, handler in subs:
            self.endpoint.subscribe_many([topic.format(hall=h) for h in self.halls], handler)
        self.endpoint.subscribe_many([contract.DEVICE_HEALTH.format(hall=h, client="+") for h in self.halls],
                                     self._device)
        self.endpoint.subscribe_many([alerts.TOPIC.format(hall=h) for h in self.halls], self._alerts)
        self.endpoint.start(timeout)

    def stop(self) -> None:
        try:
            self.presence.offline(self.endpoint)
        finally:
            self.endpoint.stop()
            self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def connected(self) -> bool:
        return self.endpoint.connected.is_set()

    # -- retained state (MQTT thread) ------------------------------------------------------
    def _hall_of(self, topic: contract.Topic, msg) -> HallState | None:
        parts = topic.match(msg.topic) or {}
        return self.state.get(parts.get("hall", ""))

    def _board(self, msg) -> None:
        hs, board = self._hall_of(contract.BOARD, msg), contract.read(msg, Board)
        if hs is not None and board is not None and board.is_newer_than(hs.board):
            hs.board = board

    def _stats(self, msg) -> None:
        hs, stats = self._hall_of(contract.STATS, msg), contract.read(msg, HallStats)
        if hs is not None and stats is not None and stats.is_newer_than(hs.stats):
            hs.stats = stats
            if self.on_stats is not None:
                self.on_stats(stats.hall)

    def _progress(self, msg) -> None:
        hs, progress = self._hall_of(contract.TICKETS_STATE, msg), contract.read(msg, QueueProgress)
        if hs is None or progress is None or not progress.is_newer_than(hs.progress):
            return
        hs.progress, hs.tickets = progress, {t.number: t for t in progress.tickets}
        if self.on_progress is not None:
            self.on_progress(progress.hall, progress)

    def _device(self, msg) -> None:
        if not msg.payload:  # an empty message is a broker check (hall-provision check)
            return
        hs, health = self._hall_of(contract.DEVICE_HEALTH, msg), contract.read(msg, DeviceHealth)
        if hs is not None and health is not None:
            hs.devices[health.device] = health

    def _alerts(self, msg) -> None:
        hall = msg.topic.split("/")[1] if msg.topic.count("/") == 3 else ""
        board = alerts.read_board(msg.payload) if msg.payload else None
        hs = self.state.get(hall)
        if hs is not None and board is not None and board.hall == hall and (hs.alerts is None or
                                                                              board.seq >= hs.alerts.seq):
            hs.alerts = board

    # -- requests ----------------------------------------------------------------------------
    def _request(self, hall: str, payload: dict) -> dict:
        try:
            return self.endpoint.request(contract.PHONE_REQUEST.format(hall=hall, client=self.client_id), payload,
                                         timeout=REQUEST_TIMEOUT_S)
        except MqttError as err:
            raise Unavailable(f"the hall {hall} did not answer ({err})") from err

    async def ask(self, hall: str, payload: dict, model: type[BaseModel]) -> BaseModel:
        """A PhoneRequest to the hall's controller; its answer as `model`, or WebRefused with the
        controller's code (or Unavailable when no answer came)."""
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(self._pool, self._request, hall, payload)
        if answer.get("status") != "ok":
            raise WebRefused(answer.get("error") or "refused", code=answer.get("code") or "error")
        try:
            return model.model_validate(answer.get("data") or {})
        except ValidationError as err:
            raise Unavailable(f"the hall {hall} answered something unreadable: {err.error_count()} errors") from err
