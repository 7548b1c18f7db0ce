"""The controller's robot coordinator: the only part of the suite that talks to the guide robot.

It sends `RobotTask`s, follows their progress on the robot's retained state topic, fails a
task that makes no progress within the hall's `robot.task_timeout_s` (and cancels it on the
robot), and publishes what it sees on `hall/<hall>/state/robot`. It never blocks anything
else: the call hook only puts a job on a bounded queue that a worker thread of its own
handles, a missing, offline, slow or failing robot only makes tasks fail or be skipped, and
nothing waits for the robot. The robot does one task at a time; a task for a robot that is
busy, charging, in error or offline is not sent (nothing is queued for later). docs/robot.md.
"""
from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass
from typing import Callable

import paho.mqtt.client as paho
from pydantic import ValidationError

from config.schema import RobotConfig
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import HallError
from hall_controller.features.tickets import kiosk_only
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import (Presence, RobotBoard, RobotHelpRequest, RobotState, RobotTask, RobotTaskStatus,
                                    RobotView, encode)
from hall_protocol.phrasing import guide_text
from hall_protocol.router import Request

log = logging.getLogger(__name__)

FINAL = ("done", "failed")


class RobotUnavailable(HallError):
    code = "robot_unavailable"


@dataclass
class TaskRecord:
    hall: str
    robot: str
    task: RobotTask
    progress: str = "sent"  # sent, then the robot's RobotProgress
    reason: str | None = None
    last_change: float = 0.0  # monotonic

    @property
    def status(self) -> RobotTaskStatus:
        return RobotTaskStatus(task_id=self.task.task_id, progress="accepted" if self.progress == "sent"
                               else self.progress, reason=self.reason)


@dataclass
class RobotSeen:
    presence: str | None = None  # online / offline / None (never seen)
    state: RobotState | None = None


class RobotCoordinator(Feature):
    TICK_S = 0.25
    JOBS = 100  # call hooks waiting for the worker; beyond that a guide is skipped, never a call

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.endpoint, self.clock = ctx.endpoint, ctx.clock
        self.robots: dict[str, RobotConfig] = {h.id: h.robot for h in ctx.config.halls if h.robot}
        self.seen: dict[str, RobotSeen] = {hall: RobotSeen() for hall in self.robots}
        self.current: dict[str, TaskRecord | None] = {hall: None for hall in self.robots}
        self.history: deque[TaskRecord] = deque(maxlen=200)
        self.rejected: Counter[str] = Counter()  # malformed robot states, refused help requests
        self.skipped: Counter[str] = Counter()  # tasks not sent, by reason
        self._help: OrderedDict[str, str] = OrderedDict()  # kiosk:request_id -> task id
        self._changed = threading.Condition(threading.RLock())
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue(self.JOBS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="robot-coordinator", daemon=True)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Before the endpoint starts: subscribe; then the worker runs."""
        halls = list(self.robots)
        for hall, cfg in self.robots.items():
            self.endpoint.subscribe(contract.ROBOT_STATE.format(hall=hall, robot=cfg.device), self._on_state)
            self.endpoint.subscribe(contract.PRESENCE.format(client=cfg.device), self._on_presence)
        if halls:
            self.ctx.router.add(contract.ROBOT_REQUEST, self._on_help, kind="robot", halls=halls,
                                authorize=kiosk_only(self.ctx), on_refused=lambda code: self.rejected.update(["help"]))
        self.ctx.hall.call_hooks.append(self.on_call)
        # after every (re)connect the supervisor gets the robots at once
        self.ctx.on_connect.append(lambda: [self.publish_board(h) for h in self.robots])
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._jobs.get(timeout=self.TICK_S)
            except queue.Empty:
                job = None
            try:
                if job is not None:
                    job()
                self.tick()
            except Exception:  # the robot must never take the controller down; it is logged
                log.exception("robot coordinator")

    # -- what the controller asks --------------------------------------------------------
    def on_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        """The hook after a call is published: returns at once, whatever the robot does."""
        cfg = self.robots.get(q.hall.id)
        if cfg is None or cfg.guide_on_call == "never" or t.recalls:
            return
        try:
            self._jobs.put_nowait(lambda: self._guide_for_call(q, cfg, t, window))
        except queue.Full:
            self._skip(q.hall.id, "overloaded", t.number)

    def _guide_for_call(self, q: HallQueue, cfg: RobotConfig, t: Ticket, window: int) -> None:
        wanted = self.asked_for_guide(q, t) or (cfg.guide_on_call == "asked_or_green" and t.priority == "green")
        if not wanted:
            return
        zh, en = guide_text(t.number, window, "zh"), guide_text(t.number, window, "en")
        try:
            self.send(q.hall.id, "guide", window=window, ticket=t.number, text_zh=zh, text_en=en,
                      priority="high" if t.priority == "green" else "normal")
        except RobotUnavailable as err:
            self._skip(q.hall.id, str(err), t.number)

    def asked_for_guide(self, q: HallQueue, t: Ticket) -> bool:
        """Whether the ticket was taken with guide = true."""
        return t.guide

    def _skip(self, hall: str, reason: str, ticket: str | None = None) -> None:
        self.skipped[reason.split(":")[0]] += 1
        log.info("hall %s: robot task%s not sent: %s", hall, f" for {ticket}" if ticket else "", reason)

    def availability(self, hall: str) -> str | None:
        """None when the robot can take a task now, else why not."""
        seen, cur = self.seen[hall], self.current[hall]
        if seen.presence != "online" or seen.state is None or seen.state.state == "offline":
            return "offline: the robot is not connected"
        if cur is not None:
            return f"busy: task {cur.task.task_id} in progress"
        if seen.state.state != "idle":
            return f"{seen.state.state}: the robot says it is {seen.state.state}"
        return None

    def send(self, hall: str, kind: str, **fields) -> TaskRecord:
        """Send a task now or raise RobotUnavailable; nothing is queued for later."""
        cfg = self.robots.get(hall)
        if cfg is None:
            raise RobotUnavailable(f"hall {hall} has no robot")
        task = RobotTask(task_id=uuid.uuid4().hex, kind=kind, issued_at=self.clock.now().isoformat(), **fields)
        with self._changed:
            why = self.availability(hall)
            if why is not None:
                raise RobotUnavailable(why)
            rec = TaskRecord(hall, cfg.device, task, last_change=self.clock.monotonic())
            self.current[hall] = rec
            self._changed.notify_all()
        self._publish_task(hall, task)
        log.info("hall %s: robot %s task %s %s sent", hall, cfg.device, task.kind, task.task_id)
        self.publish_board(hall)
        return rec

    def _publish_task(self, hall: str, task: RobotTask) -> None:
        self.endpoint.publish(contract.ROBOT_TASK.format(hall=hall, robot=self.robots[hall].device),
                              encode(task), qos=1)

    # -- a kiosk's help button ------------------------------------------------------------
    def _on_help(self, req: Request) -> dict:
        """A routed help request; the router answers (and counts here) every refusal."""
        task_id = self.help(req.hall, req.client, req.payload)
        return {"task_id": task_id, "robot": self.view(req.hall).model_dump()}

    def help(self, hall: str, kiosk: str, req: RobotHelpRequest) -> str:
        key = f"{kiosk}:{req.request_id}"
        with self._changed:
            if key in self._help:
                return self._help[key]
            cfg = self.robots.get(hall)
            if cfg is None:
                raise RobotUnavailable(f"hall {hall} has no robot")
            if req.kind == "guide":
                rec = self.send(hall, "guide", window=req.window, area=req.area,
                                text_zh="请跟我来", text_en="Please follow me")
            else:
                rec = self.send(hall, "greet", area=req.area or cfg.home_area, text_zh=cfg.greeting_zh,
                                text_en=cfg.greeting_en)
            self._help[key] = rec.task.task_id
            while len(self._help) > 500:
                self._help.popitem(last=False)
            return rec.task.task_id

    # -- what the robot says -------------------------------------------------------------
    def _hall_of(self, robot: str) -> str | None:
        return next((h for h, cfg in self.robots.items() if cfg.device == robot), None)

    def _on_presence(self, msg: paho.MQTTMessage) -> None:
        hall = self._hall_of(msg.topic.split("/")[1])
        try:
            p = Presence.model_validate_json(msg.payload)
        except ValidationError as err:
            self.rejected["robot_presence"] += 1
            log.warning("robot presence on %s rejected: %s", msg.topic, err.errors()[0]["msg"])
            return
        with self._changed:
            self.seen[hall].presence = p.state
            if p.state == "offline":
                self._fail_current(hall, "robot offline")
            self._changed.notify_all()
        self.publish_board(hall)

    def _on_state(self, msg: paho.MQTTMessage) -> None:
        hall = msg.topic.split("/")[1]
        if not msg.payload:  # a retained state cleared by a technician
            return
        try:
            st = RobotState.model_validate_json(msg.payload)
        except ValidationError as err:
            self.rejected["robot_state"] += 1
            text = contract.describe(err)
            log.warning("robot state on %s rejected (%d so far): %s", msg.topic, self.rejected["robot_state"], text)
            return
        with self._changed:
            self.seen[hall].state = st
            cur = self.current[hall]
            if st.state == "offline":
                self._fail_current(hall, "robot offline")
            elif cur is not None and st.task is not None and st.task.task_id == cur.task.task_id:
                if st.task.progress != cur.progress:
                    log.info("hall %s: robot task %s %s%s", hall, cur.task.task_id, st.task.progress,
                             f" ({st.task.reason})" if st.task.reason else "")
                cur.progress, cur.reason = st.task.progress, st.task.reason
                cur.last_change = self.clock.monotonic()
                if cur.progress in FINAL:
                    self._finish(hall)
            self._changed.notify_all()
        self.publish_board(hall)

    def _fail_current(self, hall: str, reason: str) -> None:
        cur = self.current[hall]
        if cur is not None:
            cur.progress, cur.reason = "failed", reason
            log.warning("hall %s: robot task %s failed: %s", hall, cur.task.task_id, reason)
            self._finish(hall)

    def _finish(self, hall: str) -> None:
        self.history.append(self.current[hall])
        self.current[hall] = None

    def tick(self) -> None:
        """Fail (and cancel on the robot) every task without progress in time."""
        now = self.clock.monotonic()
        for hall, cfg in self.robots.items():
            with self._changed:
                cur = self.current[hall]
                if cur is None or now - cur.last_change < cfg.task_timeout_s:
                    continue
                self._fail_current(hall, f"timeout: no progress for {cfg.task_timeout_s:g} s")
                self._changed.notify_all()
            self._publish_task(hall, RobotTask(task_id=uuid.uuid4().hex, kind="cancel", cancels=cur.task.task_id,
                                               issued_at=self.clock.now().isoformat()))
            self.publish_board(hall)

    # -- what the supervisor sees -------------------------------------------------------
    def view(self, hall: str) -> RobotView:
        cfg, seen = self.robots[hall], self.seen[hall]
        with self._changed:
            cur = self.current[hall] or next((r for r in reversed(self.history) if r.hall == hall), None)
            st = seen.state
            online = seen.presence == "online" and st is not None and st.state != "offline"
            state = (st.state if st else "unknown") if seen.presence != "offline" else "offline"
            return RobotView(id=cfg.device, online=online, state=state, battery=st.battery if st else None,
                             position=st.position if st else None, task=cur.status if cur else None,
                             at=st.at if st else None)

    def publish_board(self, hall: str) -> None:
        board = RobotBoard(hall=hall, robots=[self.view(hall)], at=self.clock.now().isoformat())
        self.endpoint.publish(contract.ROBOT_BOARD.format(hall=hall), encode(board), qos=1, retain=True)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """For tests and tools: wait until `predicate()` holds after some change."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)
