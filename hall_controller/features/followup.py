"""Follow-up cases of bad ratings (差评回访整改, hall_protocol/followup.py).

A rating of `alerts.bad_rating_max` or less opens a case, written to the event log before the
rating is answered (a restart rebuilds every case from its events, core/followup.py). A
supervisor desk moves it on (assign, contact, rectify, close) on `request/case/<desk>`; each step
is an event too. The cases of each hall go out retained on `state/cases`, the overdue ones
flagged (checked again as days pass, `refresh`). Nothing here is personal: ticket, window,
clerk's staff number, score, reasons, and staff's notes masked like every free text.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from hall_controller.core.followup import Deadlines, StepRefused, open_case, overdue, replay, step
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import Conflict, Forbidden, NotFound
from hall_controller.hall import Context, Feature
from hall_controller.store.followups import load_followup_events
from hall_protocol import contract
from hall_protocol.contract import encode
from hall_protocol.followup import CaseBoard, CaseUpdate, FollowUpCase
from hall_protocol.router import Request

log = logging.getLogger(__name__)
KEEP_DAYS = 90        # cases rebuilt at start (older ones are in hall-report only)
SHOW_CLOSED_DAYS = 7  # closed cases stay on the board this long


class FollowUps(Feature):

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cases: dict[str, dict[str, FollowUpCase]] = {}
        self.listeners: list = []  # called with (hall) after a change (the alerts)
        self._applied: dict[str, FollowUpCase] = {}  # request id -> the case it made
        self._seq = 0
        self._lock = threading.RLock()
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="followup")
        self.ctx.router.add(contract.CASE_REQUEST, self.update, kind="case", halls=self.ctx.halls,
                            authorize=self.authorize, executor=lambda: self._pool)
        self.ctx.hall.rating_hooks.append(self.on_rating)
        self.ctx.on_connect.append(lambda: [self.publish(h) for h in list(self.ctx.queues)])

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    @staticmethod
    def deadlines(q: HallQueue) -> Deadlines:
        f = q.hall.followup
        return Deadlines(f.contact_working_days, f.deadline_working_days, frozenset(f.holidays),
                         frozenset(f.workdays))

    def of(self, hall: str) -> dict[str, FollowUpCase]:
        """The hall's cases, rebuilt from the event log the first time they are needed."""
        with self._lock:
            if hall not in self.cases:
                q = self.ctx.queues[hall]
                since = (date.fromisoformat(q.day) - timedelta(days=KEEP_DAYS)).isoformat()
                self.cases[hall] = replay(load_followup_events(self.ctx.engine, hall, since), self.deadlines(q), q.day)
            return self.cases[hall]

    # -- a bad rating opens a case ------------------------------------------------------------------
    def on_rating(self, q: HallQueue, t: Ticket, score: int, reasons: list[str]) -> None:
        if score > q.hall.alerts.bad_rating_max:
            return
        case = open_case(q.hall.id, t.day, t.number, t.service, t.window, t.clerk, score, reasons,
                         q.iso(q.now()) or "", self.deadlines(q))
        with self._lock:
            if case.id in self.of(q.hall.id):
                return
            self._write(q, "followup_opened", case.day, case.model_dump(exclude={"overdue", "history"}))
            self.cases[q.hall.id][case.id] = case
        log.warning("bad rating %d of %s (window %s, clerk %s): follow-up case %s, due %s", score, t.number, t.window,
                    t.clerk, case.id, case.due)
        self._changed(q.hall.id)

    def _write(self, q: HallQueue, kind: str, day: str, data: dict) -> None:
        """The event, committed before the caller goes on (a restart finds it)."""
        def write() -> None:
            with q.unit():
                q.event(kind, None, q.now(), None, None, data, day=day)
        self.ctx.worker.call(write)

    # -- a supervisor moves a case on -------------------------------------------------------------------
    def authorize(self, req: Request) -> None:
        hall = self.ctx.queues[req.hall].hall
        if not any(d.id == req.client and d.role == "supervisor" for d in hall.devices):
            raise Forbidden(f"{req.client} is not a supervisor desk of hall {req.hall}")

    def update(self, req: Request) -> FollowUpCase:
        r: CaseUpdate = req.payload
        q = self.ctx.queues[req.hall]
        if q.hall.staff and q.hall.staff_member(r.by) is None:
            raise Forbidden(f"{r.by} is not a member of the staff of hall {req.hall}")
        with self._lock:
            if r.request_id in self._applied:
                return self._applied[r.request_id]
            case = self.of(req.hall).get(r.case_id)
            if case is None:
                raise NotFound(f"no follow-up case {r.case_id} in hall {req.hall}")
            at = q.iso(q.now()) or ""
            try:
                new = step(case, r.step, at, r.by, r.assignee, r.note)
            except StepRefused as err:
                raise Conflict(str(err)) from err
            self._write(q, f"followup_{r.step}", case.day, {"case_id": case.id, "at": at, "by": r.by,
                                                              "assignee": r.assignee, "note": r.note})
            new = new.model_copy(update={"overdue": overdue(new, q.day)})
            self.cases[req.hall][case.id] = new
            self._applied[r.request_id] = new
        log.info("follow-up case %s: %s by %s", case.id, r.step, r.by)
        self._changed(req.hall)
        return new

    # -- the board ---------------------------------------------------------------------------------------
    def refresh(self, hall: str) -> None:
        """Flag cases that became overdue as days pass (called by the alerts' loop)."""
        q = self.ctx.queues.get(hall)
        if q is None:
            return
        with self._lock:
            cases = self.of(hall)
            flips = {k: c.model_copy(update={"overdue": overdue(c, q.day)}) for k, c in cases.items()
                     if overdue(c, q.day) != c.overdue}
            cases.update(flips)
        if flips:
            self._changed(hall)

    def board(self, hall: str) -> CaseBoard:
        q = self.ctx.queues[hall]
        shown_from = (date.fromisoformat(q.day) - timedelta(days=SHOW_CLOSED_DAYS)).isoformat()
        with self._lock:
            self._seq = max(self._seq + 1, int(q.now() * 1000))
            cases = [c for c in self.of(hall).values() if c.state != "closed" or (c.closed_at or "")[:10] >= shown_from]
            seq = self._seq
        cases.sort(key=lambda c: (c.state == "closed", not c.overdue, c.due, c.id))
        return CaseBoard(hall=hall, seq=seq, at=q.iso(q.now()) or "", open=sum(c.state != "closed" for c in cases),
                         overdue=sum(c.overdue and c.state != "closed" for c in cases), cases=cases)

    def publish(self, hall: str) -> None:
        if hall in self.ctx.queues:
            self.ctx.endpoint.publish(contract.CASES.format(hall=hall), encode(self.board(hall)), qos=1, retain=True)

    def _changed(self, hall: str) -> None:
        self.publish(hall)
        for listener in list(self.listeners):
            listener(hall)
