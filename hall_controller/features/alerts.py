"""The supervisor's alerts (hall_protocol/alerts.py): the hall watched against the thresholds of
its file (`[halls.alerts]`): at once after a change of the hall, its devices, ratings or help
calls, and every 30 s of its clock otherwise (a quiet hall costs nothing).

Conditions (core/alerting.py says what each one is): a service's longest wait over its target
(with a suggestion, or the emergency window opened where the hall allows it), a window calling
or serving one ticket too long, a device part that needs staff or a technician, an open help
call of a kiosk, a bad rating, an overdue follow-up case. A new condition raises its alert
(logged), a condition that has gone leaves it `active` false, and it stays on the retained
board until a supervisor acknowledges it; acknowledged ones whose condition has gone leave
after `keep_acknowledged_min`. Alerts live in memory; a restarted controller raises the
conditions again, and bad ratings whose case nobody has taken yet.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from typing import Callable

from hall_controller.core import calling
from hall_controller.core.alerting import Condition, conditions
from hall_controller.errors import Forbidden, NotFound
from hall_controller.features.followup import FollowUps
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.alerts import Alert, AlertAck, AlertBoard
from hall_protocol.contract import DeviceHealth, WindowCommand, encode
from hall_protocol.health import worst_part
from hall_protocol.help import HelpBoard
from hall_protocol.router import Request

log = logging.getLogger(__name__)
SEVERITY = {"critical": 0, "warning": 1, "info": 2}


class Alerts(Feature):
    TICK_S = 1.0    # a look at every hall per tick: a city of 350 halls twice a second cost more than their alerts
    RECHECK_S = 30.0  # a hall with no change is looked at again this often, on its clock (waits growing)

    def __init__(self, ctx: Context, *, help_board: Callable[[str], HelpBoard] | None = None,
                 followups: FollowUps | None = None) -> None:
        self.ctx, self.help_board, self.followups = ctx, help_board, followups
        self.alerts: dict[str, OrderedDict[str, Alert]] = {}
        self.devices: dict[str, dict[str, DeviceHealth]] = {}   # hall -> device -> its health
        self.ratings: dict[str, dict[str, Condition]] = {}      # hall -> alert id -> a bad rating
        self.emergency: dict[tuple[str, str], int] = {}         # (hall, service) -> window opened for it
        self.controller: dict[str, Condition] = {}              # the controller's own (a refused hall file)
        self._shown: dict[str, bytes] = {}
        self._seq = 0
        self._lock = threading.RLock()
        self._dirty: set[str] = set()     # halls whose devices, ratings or help calls changed since the last look
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.ctx.router.add(contract.ALERT_ACK, self.acknowledge, kind="alert_ack", halls=self.ctx.halls,
                            authorize=self.authorize)
        for hall in self.ctx.config.halls:
            self.ctx.endpoint.subscribe(contract.DEVICE_HEALTH.format(hall=hall.id, client="+"), self.on_health)
        self.ctx.hall.rating_hooks.append(self.on_rating)
        self.ctx.on_connect.append(self._shown.clear)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="alerts", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    # -- inputs ---------------------------------------------------------------------------------
    def on_health(self, msg) -> None:
        health = contract.read(msg, DeviceHealth) if msg.payload else None  # empty: a broker check
        if health is not None:
            with self._lock:
                self.devices.setdefault(health.hall, {})[health.device] = health
                self._dirty.add(health.hall)

    def on_rating(self, q, t, score: int, reasons: list[str]) -> None:
        if score > q.hall.alerts.bad_rating_max:
            return
        cond = Condition.bad_rating(q, t, score, reasons)
        with self._lock:
            self.ratings.setdefault(q.hall.id, {})[cond.id] = cond
            self._dirty.add(q.hall.id)

    def set_condition(self, key: str, cond: Condition | None) -> None:
        """A condition of the controller itself, raised on every hall's board until it is set to
        None (a hall file refused, then a good one read)."""
        with self._lock:
            if cond is None:
                self.controller.pop(key, None)
            else:
                self.controller[key] = cond

    # -- the loop -------------------------------------------------------------------------------
    def _run(self) -> None:
        days: dict[str, str] = {}
        looked: dict[str, tuple[int, float]] = {}   # hall -> (its change count, its clock) at the last look
        while not self._stop.wait(self.TICK_S):
            clocks: dict[int, float] = {}   # the clock read once per tick (it was read for every hall twice a second)
            for hall, q in list(self.ctx.queues.items()):
                try:
                    if self.followups is not None and days.get(hall) != q.day:  # a new day: cases may be overdue
                        self.followups.refresh(hall)
                        days[hall] = q.day
                    # at once after a change of the hall or of a device, a rating or a help call;
                    # otherwise (waits growing, acknowledged alerts ageing) every RECHECK_S of the hall's clock
                    now = clocks.get(id(q.clock))
                    if now is None:
                        now = clocks[id(q.clock)] = q.now()
                    last = looked.get(hall)
                    if (last is not None and last[0] == q.version and now - last[1] < self.RECHECK_S
                            and hall not in self._dirty):
                        continue   # (a hall marked meanwhile is looked at on the next tick)
                    with self._lock:
                        self._dirty.discard(hall)
                    looked[hall] = (q.version, now)
                    if not self._quiet(hall, q):
                        self.evaluate(hall)
                except Exception:  # noqa: BLE001 - one hall's failure must not end the watch
                    log.exception("alerts of %s not evaluated", hall)

    def mark(self, hall: str) -> None:
        """Something the alerts read changed in `hall` (a help call): look at it at the next tick."""
        with self._lock:
            self._dirty.add(hall)

    def _quiet(self, hall: str, q) -> bool:
        """Nothing in the hall can raise or change an alert, and its board is out and empty: no
        ticket waiting or at a window, no device part that needs anyone, no help call, no
        follow-up case, no bad rating (most of a city's halls, most of the night: they cost
        nothing twice a second)."""
        with self._lock:
            if hall not in self._shown or self.alerts.get(hall) or self.ratings.get(hall):
                return False
            parts = [worst_part(h) for h in self.devices.get(hall, {}).values()]
        if q.live or any(p is not None and (p.action != "none" or p.state not in ("online", "busy")) for p in parts):
            return False
        if self.help_board is not None and self.help_board(hall).calls:
            return False
        return not (self.followups is not None and self.followups.of(hall))

    def evaluate(self, hall: str) -> None:
        q = self.ctx.queues.get(hall)
        if q is None:
            return
        with self._lock:
            devices = dict(self.devices.get(hall, {}))
            ratings = dict(self.ratings.get(hall, {}))
            own = list(self.controller.values())
        helps = self.help_board(hall).calls if self.help_board else []
        cases = list(self.followups.of(hall).values()) if self.followups else []
        found = conditions(q, devices=[(d, worst_part(h)) for d, h in devices.items()], helps=helps, cases=cases)
        found += [c for c in ratings.values() if c.id not in {f.id for f in found}]
        found += own
        now = q.iso(q.now()) or ""
        with self._lock:
            board = self.alerts.setdefault(hall, OrderedDict())
            before = len(board), [id(a) for a in board.values()]
            seen = set()
            for c in found:
                seen.add(c.id)
                old = board.get(c.id)
                if c.kind == "wait_over_target":
                    c = self._emergency(q, c)
                if old is None or (not old.active and old.state == "acknowledged"):
                    board[c.id] = c.alert(now)
                    log.warning("alert raised in %s: %s (%s)", hall, c.title_en, c.id)
                elif c.differs(old):
                    board[c.id] = c.alert(old.raised_at, old).model_copy(update={"updated_at": now})
            keep = q.hall.alerts.keep_acknowledged_min * 60
            for aid, a in list(board.items()):
                if aid in seen:
                    continue
                if a.active:
                    board[aid] = a.model_copy(update={"active": False, "updated_at": now})
                    self.emergency.pop((hall, a.service or ""), None) if a.kind == "wait_over_target" else None
                    log.info("alert condition gone in %s: %s", hall, aid)
                elif a.state == "acknowledged" and q.now() - _ts(a.acknowledged_at) >= keep:
                    del board[aid]
                    self.ratings.get(hall, {}).pop(aid, None)
            for aid in [a for a, c in self.ratings.get(hall, {}).items() if a in board
                        and board[a].state == "acknowledged"]:
                self.ratings[hall].pop(aid, None)  # a bad rating's alert ends with its acknowledgement
            changed = before != (len(board), [id(a) for a in board.values()])
        if changed or hall not in self._shown:   # an unchanged board is not made again twice a second
            self.publish(hall)

    def _emergency(self, q, c: Condition) -> Condition:
        """Where the hall allows it, open its emergency window for a service over its target (once
        per episode of the alert); otherwise the alert suggests opening a window."""
        window = q.hall.alerts.emergency_window
        key = (q.hall.id, c.service or "")
        if window is None or c.service not in q.hall.window(window).services:
            return c
        if key not in self.emergency:
            if q.window_state(window)["state"] == "closed" or not q.windows[window].known:
                def open_window() -> None:
                    calling.apply(q, WindowCommand(window=window, action="open", clerk=None,
                                                   request_id=f"emergency-{uuid.uuid4().hex[:12]}"))
                    self.ctx.hall.changed(q)
                self.ctx.worker.submit(open_window)
                log.warning("emergency window %s opened in %s for service %s", window, q.hall.id, c.service)
            self.emergency[key] = window
        return c.with_emergency(self.emergency[key])

    # -- acknowledgement -----------------------------------------------------------------------------
    def authorize(self, req: Request) -> None:
        hall = self.ctx.queues[req.hall].hall
        if not any(d.id == req.client and d.role == "supervisor" for d in hall.devices):
            raise Forbidden(f"{req.client} is not a supervisor desk of hall {req.hall}")

    def acknowledge(self, req: Request) -> Alert:
        r: AlertAck = req.payload
        q = self.ctx.queues[req.hall]
        with self._lock:
            board = self.alerts.get(req.hall, OrderedDict())
            a = board.get(r.alert_id)
            if a is None:
                raise NotFound(f"no alert {r.alert_id} in hall {req.hall}")
            if a.state == "open":
                a = a.model_copy(update={"state": "acknowledged", "acknowledged_at": q.iso(q.now()),
                                         "acknowledged_by": req.client + (f" {r.by}" if r.by else "")})
                board[a.id] = a
                log.info("alert %s in %s acknowledged by %s", a.id, req.hall, a.acknowledged_by)
                self._dirty.add(req.hall)   # looked at again at once (one whose condition has gone leaves)
        self.publish(req.hall)
        return a

    # -- the board --------------------------------------------------------------------------------
    def board(self, hall: str) -> AlertBoard:
        q = self.ctx.queues[hall]
        with self._lock:
            alerts = sorted(self.alerts.get(hall, {}).values(),
                            key=lambda a: (a.state != "open", SEVERITY[a.severity], not a.active, a.raised_at))
            self._seq = max(self._seq + 1, int(q.now() * 1000))
            seq = self._seq
        return AlertBoard(hall=hall, seq=seq, at=q.iso(q.now()) or "", open=sum(a.state == "open" for a in alerts),
                          alerts=alerts)

    def publish(self, hall: str) -> None:
        b = self.board(hall)
        body = encode(b.model_copy(update={"seq": 0, "at": ""}))
        if self._shown.get(hall) == body:
            return
        self._shown[hall] = body
        self.ctx.endpoint.publish(contract.ALERTS.format(hall=hall), encode(b), qos=1, retain=True)


def _ts(iso: str | None) -> float:
    from datetime import datetime
    return datetime.fromisoformat(iso).timestamp() if iso else 0.0
