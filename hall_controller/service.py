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
from hall_controller.core import reconfig
from hall_controller.core.alerting import Condition
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.features.alerts import Alerts
from hall_controller.features.backend_link import BackendLink
from hall_controller.features.displays import WindowDisplays
from hall_controller.features.followup import FollowUps
from hall_controller.features.hall_config import HallConfigPublisher
from hall_controller.features.help import Help
from hall_controller.features.phone import Phones
from hall_controller.features.progress import Progress
from hall_controller.features.rating_pads import RatingPads
from hall_controller.features.reports import Reports
from hall_controller.features.robot import RobotCoordinator
from hall_controller.features.staff import Staff
from hall_controller.features.stats import Stats
from hall_controller.features.tickets import Tickets, ticket_info
from hall_controller.features.voice import Announcer
from hall_controller.features.windows import Windows
from hall_controller.hall import Context, Feature, HallPublisher
from hall_controller.ownership import Ownership
from hall_controller.store import db
from hall_controller.store.journal import Journal
from hall_controller.worker import RequestWorker
from hall_protocol import contract
from hall_protocol.contract import Presence, TicketInfo, encode
from hall_protocol.mqtt import Endpoint
from hall_protocol.ops import OpsResponder
from hall_protocol.presence import PROCESS_STARTED, suite_version
from hall_protocol.router import Router
from servicekit import Heartbeat

log = logging.getLogger(__name__)


class HallController:
    HOUSEKEEPING_S = 15.0  # how often the day boundary is checked

    def __init__(self, config: HallSuiteConfig, engine, *, clock: Clock | None = None,
                 password: str | None = None, speaker: bool = False, announce_dir: Path | None = None,
                 identity: str | None = None) -> None:
        """`speaker`: announce calls through the hall's loudspeakers (`[halls.audio]`, a sink per
        zone); `announce_dir`: also into WAV files there (the demo, tests). Without either, calls
        are not spoken here.
        `identity`: which of the file's controller processes this is (default the first)."""
        self.config = config
        self.clock = clock or SystemClock()
        cid = identity or config.controller_id
        if cid not in config.controller_ids:
            raise ValueError(f"{cid!r} is not a controller of this file ({', '.join(config.controller_ids)})")
        self.id = cid
        self.journal = Journal.for_engine(engine)
        self.checkpoints = db.Checkpoints(engine)   # SQLite's log copied back off the commits
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
        self.runs = {"version": suite_version(), "started_at": PROCESS_STARTED}  # on its presence: version, uptime
        offline = Presence(state="offline", role="controller", halls=[], **self.runs)
        self.endpoint = Endpoint.over(cid, config.broker.connection(cid, password),
                                      will=(self.presence_topic, encode(offline)))
        self.endpoint.on_connection_change = self._connection_changed
        limits = config.limits
        self.router = Router(self.endpoint, rate_per_s=limits.requests_per_s, burst=limits.burst)
        self.hall = HallPublisher(self.endpoint, self.queues, self.clock, cid)
        # a technician's info, log and request counts (hall_protocol/ops.py); __main__ gives it `restart`
        self.ops = OpsResponder(self.endpoint, cid, "controller", [h.id for h in config.halls],
                                counters=self._request_counts).attach()
        self.worker = RequestWorker(self.router, self.journal, after=self.hall.flush,
                                    per_client=limits.queued_per_device, on_lost=self._lost,
                                    idle=self.hall.publish_views)
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
        self.stats = Stats(self.ctx, self.backend.outbox)  # today's figures, retained per hall
        # citizens' phones through the public web service: remote tickets, reminders, rating, check-in
        self.phones = Phones(self.ctx, self.backend.gateway, self.backend.outbox)
        self.progress = Progress(self.ctx, self.phones.book, self.backend.outbox)
        self.phones.on_change = self.progress.changed
        self.staff = Staff(self.ctx)  # clerks sign in at the callers; the clerk card of every window
        self.pads = RatingPads(self.ctx, self.backend.outbox)  # the rating pad at each window (好差评)
        self.followups = FollowUps(self.ctx)  # bad ratings followed up (差评回访整改)
        self.alerts = Alerts(self.ctx, help_board=self.help.board, followups=self.followups)  # the supervisor warned
        self.help.listeners.append(self.alerts.mark)
        self.displays = WindowDisplays.from_context(self.ctx)
        self.kiosk_config = HallConfigPublisher(self.ctx)  # what the kiosks know of their hall, retained
        self.announcer = (Announcer.from_context(self.ctx, announce_dir, loudspeaker=speaker)  # calls heard, per zone
                          if (speaker or announce_dir) else None)
        self.features: list[Feature] = [f for f in (self.tickets, self.windows, self.backend, self.robot,
                                                    self.reports, self.help, self.stats, self.staff,
                                                    self.pads, self.followups, self.alerts, self.phones,
                                                    self.progress, self.displays, self.announcer, self.kiosk_config)
                                         if f is not None]

    # -- what tests and tools read -------------------------------------------------------
    @property
    def rejected(self) -> Counter[str]:
        return self.router.rejected

    @property
    def handled(self) -> int:
        return self.router.handled

    def _request_counts(self) -> dict[str, int]:
        """Requests answered since start, and those refused by code (a technician's `counters`)."""
        return {"requests_handled": self.router.handled,
                **{f"refused_{code}": n for code, n in self.router.rejected.items()}}

    def publish_board(self, hall: str) -> None:
        self.hall.publish_board(hall)

    def publish_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        self.hall.publish_call(q, t, window)

    def ticket_info(self, q: HallQueue, t: Ticket) -> TicketInfo:
        return ticket_info(q, t)

    # -- lifecycle -----------------------------------------------------------------------
    def housekeeping(self) -> None:
        """At start and whenever a hall's service day changes: close the old day, show the new."""
        days: dict[tuple, str] = {}   # one reading of the clock per clock, zone and day start (not per hall)
        for hall, q in list(self.queues.items()):
            key = (id(q.clock), q.hall.timezone, q.hall.day_starts_at)
            day = days.get(key)
            if day is None:
                day = days[key] = q.today()
            if self._days.get(hall) == day:
                continue
            q.roll_over()
            self._days[hall] = day
            if self.endpoint.connected.is_set():
                self.hall.mark(hall)
        self.hall.refresh_views()

    def _housekeeping_loop(self) -> None:
        while not self._stopping.wait(self.HOUSEKEEPING_S):
            try:
                self.worker.call(self.housekeeping)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                log.exception("housekeeping failed")

    def _lost(self, halls: set[str]) -> None:
        self.ownership.lost(halls)

    def start(self, timeout: float = 10.0) -> None:
        self.checkpoints.start()
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
        self.endpoint.publish(self.presence_topic, encode(Presence(state="offline", role="controller", **self.runs,
                                                                    halls=list(self.queues))), retain=True)
        self.endpoint.stop()
        self.checkpoints.stop()
        self.ctx.engine.dispose()   # its pooled connections close (a stopped controller holds no file open)

    # -- reload (SIGHUP) and liveness ----------------------------------------------------------
    def reload(self, config: HallSuiteConfig) -> list[str]:
        """A hall file read again and validated: applied to the running halls where it can be
        (core/reconfig.py says what), on the worker's thread, then every board is published.
        Returns what waits for a restart. A refused file's alert ends here."""
        merged, later = reconfig.merge(self.config, config)

        def apply() -> None:
            for hall in merged.halls:
                q = self.queues.get(hall.id)
                if q is not None:
                    q.reconfigure(hall)
            self.config = self.ctx.config = merged
            self.ownership.halls = {h.id: h for h in merged.halls}

        self.worker.call(apply)
        self.kiosk_config.file_read(config)   # the kiosks are offered the file's services
        self.alerts.set_condition("config", None)
        for hook in list(self.ctx.on_reload):  # features that publish what the file says (ctx.config is new)
            try:
                hook()
            except Exception:  # noqa: BLE001 - one feature's failure must not undo the reload; it is logged
                log.exception("after the reload")
        if self.endpoint.connected.is_set():
            for hall in list(self.queues):
                self.worker.submit(lambda hall=hall: self.hall.publish_board(hall))
        return later

    def reload_refused(self, source: str, problems: str) -> None:
        """A hall file read again that is not valid: the running configuration stays, and the
        supervisor desks see an alert naming the file and the key until a good file is read."""
        self.alerts.set_condition("config", Condition.config_rejected(self.id, source, problems))

    def heartbeats(self, stale_s: float) -> list[Heartbeat]:
        """What the watchdog probes: the request worker runs a no-op job, and the MQTT loop
        receives a message to itself (while the broker is reachable)."""
        def worker_probe(done) -> None:
            self.worker.submit(lambda: None).add_done_callback(lambda _: done())

        def broker_away() -> str | None:
            return None if self.endpoint.connected.is_set() else "the broker is not connected"

        return [Heartbeat("the request worker", worker_probe, stale_s=stale_s),
                Heartbeat("the MQTT loop", self.endpoint.ping, stale_s=stale_s, exempt=broker_away)]

    def _connection_changed(self, up: bool) -> None:
        if not up:
            return
        # After every (re)connect: say we are here and republish every board, so screens
        # that connected meanwhile, or a broker that restarted empty, have the state at once.
        self.endpoint.publish(self.presence_topic, encode(Presence(
            state="online", role="controller", halls=list(self.queues), at=self.clock.now().isoformat(), **self.runs)),
            retain=True)
        for hall in list(self.queues):
            self.publish_board(hall)
        for hook in list(self.ctx.on_connect):
            hook()
