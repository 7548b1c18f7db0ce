"""The hall controller: the one place where the features are composed.

It owns the queues of its halls, the MQTT endpoint and the request router, and builds each
feature from configuration with a small `Context` (hall_controller/hall.py): tickets,
windows, the platform link (gateway, outbox, feed, health), the guide robot, the window
displays and the loudspeaker. No feature imports this module.

Each request is validated against its payload model; a malformed or unauthorised one is
answered with an error Response, counted, and never changes state. State changes are
committed before the answer, then the retained board and the call event are published.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from pathlib import Path

from config.schema import HallSuiteConfig
from drivers.core.clock import Clock, SystemClock
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.features.backend_link import BackendLink
from hall_controller.features.displays import WindowDisplays
from hall_controller.features.help import Help
from hall_controller.features.reports import Reports
from hall_controller.features.robot import RobotCoordinator
from hall_controller.features.tickets import Tickets, ticket_info
from hall_controller.features.voice import Announcer
from hall_controller.features.windows import Windows
from hall_controller.hall import Context, Feature, HallPublisher
from hall_controller.ownership import Ownership
from hall_controller.store.journal import Journal
from hall_controller.worker import RequestWorker
from hall_protocol import contract
from hall_protocol.contract import Presence, TicketInfo, encode
from hall_protocol.mqtt import Endpoint
from hall_protocol.router import Router

log = logging.getLogger(__name__)


class HallController:
    HOUSEKEEPING_S = 15.0  # how often the day boundary is checked

    def __init__(self, config: HallSuiteConfig, engine, *, clock: Clock | None = None,
                 password: str | None = None, speaker: bool = False, announce_dir: Path | None = None,
                 identity: str | None = None) -> None:
        """`speaker`: announce calls through the hall PC's audio output; `announce_dir`: into
        WAV files there instead (the demo, tests). Without either, calls are not spoken here.
        `identity`: which of the file's controller processes this is (default the first)."""
        self.config = config
        self.clock = clock or SystemClock()
        cid = identity or config.controller_id
        if cid not in config.controller_ids:
            raise ValueError(f"{cid!r} is not a controller of this file ({', '.join(config.controller_ids)})")
        self.id = cid
        self.journal = Journal.for_engine(engine)
        # Halls are shared through leases on PostgreSQL (one owner each, taken over when one
        # dies); on SQLite this process owns them all.
        shared = engine.dialect.name == "postgresql"
        self.queues: dict[str, HallQueue] = {}
        if not shared:
            days = {h.id: HallQueue.service_day(h, self.clock) for h in config.halls}
            rows = self.journal.load_halls(days)
            self.queues.update({h.id: HallQueue(engine, h, self.clock, self.journal, rows[h.id])
                                for h in config.halls})
        self._days: dict[str, str] = {}
        self._stopping = threading.Event()
        self.presence_topic = contract.PRESENCE.format(client=cid)
        offline = Presence(state="offline", role="controller", halls=[])
        self.endpoint = Endpoint.over(cid, config.broker.connection(cid, password),
                                      will=(self.presence_topic, encode(offline)))
        self.endpoint.on_connection_change = self._connection_changed
        limits = config.limits
        self.router = Router(self.endpoint, rate_per_s=limits.requests_per_s, burst=limits.burst)
        self.hall = HallPublisher(self.endpoint, self.queues, self.clock, cid)
        self.worker = RequestWorker(self.router, self.journal, after=self.hall.flush,
                                    per_client=limits.queued_per_device, on_lost=self._lost)
        self.hall.wake = self.worker.wake
        self.ctx = Context(config, engine, self.clock, self.endpoint, self.router, self.queues, self.hall,
                           self.journal, self.worker)
        self.ownership = Ownership(self.ctx, cid, shared=shared)
        # -- the features, in start order ------------------------------------------------
        self.tickets = Tickets(self.ctx)
        self.windows = Windows(self.ctx)
        self.backend = BackendLink(self.ctx)
        self.robot = RobotCoordinator(self.ctx)  # the guide robot (docs/robot.md)
        self.reports = Reports(self.ctx)  # statistics for supervisor desks
        self.help = Help(self.ctx)  # kiosks' help button, acknowledged by clerks
        self.displays = WindowDisplays.from_context(self.ctx)
        self.announcer = Announcer.from_context(self.ctx, announce_dir) if (speaker or announce_dir) else None
        self.features: list[Feature] = [f for f in (self.tickets, self.windows, self.backend, self.robot,
                                                    self.reports, self.help, self.displays, self.announcer)
                                         if f is not None]

    # -- what tests and tools read -------------------------------------------------------
    @property
    def rejected(self) -> Counter[str]:
        return self.router.rejected

    @property
    def handled(self) -> int:
        return self.router.handled

    def publish_board(self, hall: str) -> None:
        self.hall.publish_board(hall)

    def publish_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        self.hall.publish_call(q, t, window)

    def ticket_info(self, q: HallQueue, t: Ticket) -> TicketInfo:
        return ticket_info(q, t)

    # -- lifecycle -----------------------------------------------------------------------
    def housekeeping(self) -> None:
        """At start and whenever a hall's service day changes: close the old day, show the new."""
        for hall, q in list(self.queues.items()):
            day = q.today()
            if self._days.get(hall) == day:
                continue
            q.roll_over()
            self._days[hall] = day
            if self.endpoint.connected.is_set():
                self.hall.mark(hall)

    def _housekeeping_loop(self) -> None:
        while not self._stopping.wait(self.HOUSEKEEPING_S):
            try:
                self.worker.call(self.housekeeping)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                log.exception("housekeeping failed")

    def _lost(self, halls: set[str]) -> None:
        self.ownership.lost(halls)

    def start(self, timeout: float = 10.0) -> None:
        self.ownership.start()
        self.housekeeping()
        self.worker.start()
        threading.Thread(target=self._housekeeping_loop, name="housekeeping", daemon=True).start()
        for feature in self.features:
            feature.start()
        self.endpoint.start(timeout)

    def stop(self) -> None:
        self._stopping.set()
        for feature in reversed(self.features):
            feature.stop()
        self.worker.stop()
        self.ownership.stop()
        self.endpoint.publish(self.presence_topic, encode(Presence(state="offline", role="controller",
                                                                    halls=list(self.queues))), retain=True)
        self.endpoint.stop()

    def _connection_changed(self, up: bool) -> None:
        if not up:
            return
        # After every (re)connect: say we are here and republish every board, so screens
        # that connected meanwhile, or a broker that restarted empty, have the state at once.
        self.endpoint.publish(self.presence_topic, encode(Presence(
            state="online", role="controller", halls=list(self.queues), at=self.clock.now().isoformat())),
            retain=True)
        for hall in list(self.queues):
            self.publish_board(hall)
        for hook in list(self.ctx.on_connect):
            hook()
