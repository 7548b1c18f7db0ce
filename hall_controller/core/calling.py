"""Window operations: call next, call a ticket, recall, start, finish, no-show, transfer,
pause, resume, cancel, open, close, status. Each is one unit of work of the hall's queue
(memory first, its journal committed with it); the result says what to announce (a call or
a recall) so the controller can publish it once the unit is stored.

A command that changes state may carry a `request_id`: a retry with the same id (its answer
was lost) gets the answer of the first one's ticket and window instead of acting twice."""
from __future__ import annotations

from dataclasses import dataclass

from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import BadRequest, Conflict, NotFound
from hall_protocol.contract import WindowCommand

STATUS_LIMIT = 200  # waiting tickets listed by `status`


@dataclass
class Outcome:
    ticket: Ticket | None
    window_state: dict
    announce: str | None = None  # "call" or "recall"
    waiting: list[Ticket] | None = None  # for status: the window's waiting tickets in calling order
    repeated: bool = False  # a retry of a command already applied: nothing changed

    def to_data(self, q: HallQueue) -> dict:
        t = self.ticket
        ws = dict(self.window_state)
        ws["since"] = q.iso(ws.get("since"))
        ws.pop("hall", None)
        ws.pop("ticket_id", None)
        return {"ticket": ticket_data(q, t), "window_state": ws, "version": q.version, **({} if self.waiting is None else {"waiting": [
            {"number": w.number, "service": w.service, "priority": w.priority,
             "waited_min": round((q.now() - w.issued_at) / 60, 1)} for w in self.waiting]})}


def ticket_data(q: HallQueue, t: Ticket | None) -> dict | None:
    if t is None:
        return None
    return {"number": t.number, "service": t.service, "state": t.state, "priority": t.priority,
            "called_at": q.iso(t.called_at), "started_at": q.iso(t.started_at), "recalls": t.recalls,
            "issued_at": q.iso(t.issued_at)}


def apply(q: HallQueue, cmd: WindowCommand) -> Outcome:
    try:
        q.hall.window(cmd.window)
    except KeyError as err:
        raise NotFound(f"hall {q.hall.id} has no window {cmd.window}") from err
    handler = _HANDLERS.get(cmd.action)
    if handler is None:
        raise BadRequest(f"unknown action {cmd.action!r}")
    with q.unit():
        rid = cmd.request_id
        if rid and cmd.action != "status":
            seen = q.window_requests.get(rid)
            if seen is not None:
                action, number = seen
                if action != cmd.action:
                    raise Conflict(f"request id {rid} was already used for {action}")
                return Outcome(q.tickets.get(number) if number else None, q.window_state(cmd.window),
                               repeated=True)
        out = handler(q, cmd)
        if rid and cmd.action != "status":
            q.remember_request(rid, cmd.action, out.ticket.number if out.ticket is not None else None)
        return out


def _event(q: HallQueue, kind: str, t: Ticket | None, now: float, cmd: WindowCommand, data: dict | None = None) -> None:
    rid = cmd.request_id
    if rid:
        data = {**(data or {}), "request_id": rid}
    q.event(kind, t, now, cmd.window, cmd.clerk, data)


def _close_current(q: HallQueue, cmd: WindowCommand, now: float) -> None:
    """Calling the next ticket finishes the current one: clerks often skip "start", so a
    called ticket counts as served from its call. A no-show is only ever marked explicitly."""
    cur = q.current(cmd.window)
    if cur is None:
        return
    q.touch(cur, state="done", finished_at=now, clerk=cmd.clerk or cur.clerk,
            **({"started_at": cur.called_at} if cur.state == "called" else {}))
    q.event("finished", cur, now, cmd.window, cmd.clerk)


def _call(q: HallQueue, cmd: WindowCommand, t: Ticket) -> Outcome:
    now = q.now()
    _close_current(q, cmd, now)
    q.touch(t, state="called", window=cmd.window, called_at=now, clerk=cmd.clerk or t.clerk)
    _event(q, "called", t, now, cmd)
    q.set_window(cmd.window, "calling", t, clerk=cmd.clerk)
    return Outcome(t, q.window_state(cmd.window), "call")


def _paused(q: HallQueue, window: int) -> bool:
    return q.window_state(window)["state"] == "paused"


def _call_next(q: HallQueue, cmd: WindowCommand) -> Outcome:
    if _paused(q, cmd.window):
        raise Conflict(f"window {cmd.window} is paused; resume first")
    t = q.next_for(cmd.window)
    if t is None:
        now = q.now()
        _close_current(q, cmd, now)
        q.set_window(cmd.window, "idle", None, clerk=cmd.clerk)
        return Outcome(None, q.window_state(cmd.window))
    return _call(q, cmd, t)


def _call_specific(q: HallQueue, cmd: WindowCommand) -> Outcome:
    if not cmd.ticket:
        raise BadRequest("call needs a ticket number")
    t = q.ticket(cmd.ticket)
    if t.state not in ("waiting", "no_show"):  # a late citizen may still be served today
        raise Conflict(f"ticket {t.number} is {t.state}, not waiting")
    if _paused(q, cmd.window):
        raise Conflict(f"window {cmd.window} is paused; resume first")
    if t.service not in q.hall.window(cmd.window).services:
        raise Conflict(f"window {cmd.window} does not serve service {t.service}")
    return _call(q, cmd, t)


def _need_current(q: HallQueue, cmd: WindowCommand) -> Ticket:
    cur = q.current(cmd.window)
    if cur is None:
        raise Conflict(f"window {cmd.window} has no current ticket")
    return cur


def _recall(q: HallQueue, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, cmd)
    now = q.now()
    q.touch(cur, recalls=cur.recalls + 1, clerk=cmd.clerk or cur.clerk)
    _event(q, "recalled", cur, now, cmd, {"recall": cur.recalls})
    return Outcome(cur, q.window_state(cmd.window), "recall")


def _start(q: HallQueue, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, cmd)
    if cur.state == "serving":
        return Outcome(cur, q.window_state(cmd.window))
    now = q.now()
    q.touch(cur, state="serving", started_at=now, clerk=cmd.clerk or cur.clerk)
    _event(q, "started", cur, now, cmd)
    q.set_window(cmd.window, "serving", cur, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window))


def _finish(q: HallQueue, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, cmd)
    now = q.now()
    # served without pressing start: the call time is the start
    q.touch(cur, state="done", finished_at=now, clerk=cmd.clerk or cur.clerk,
            **({"started_at": cur.called_at} if cur.state == "called" else {}))
    _event(q, "finished", cur, now, cmd)
    q.set_window(cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window))


def _no_show(q: HallQueue, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, cmd)
    now = q.now()
    policy = q.hall.no_show
    wanted = {"never": False, "always": True}.get(policy.requeue, bool(cmd.requeue))
    if policy.requeue == "never" and cmd.requeue:
        raise Conflict(f"hall {q.hall.id} does not re-queue no-shows")
    _event(q, "no_show", cur, now, cmd)
    if wanted and cur.requeues < policy.max_requeues:
        # Back to the end of the queue, without its priority bonus; any window may call it.
        q.touch(cur, state="waiting", window=None, target_window=None, priority="normal", queued_at=now,
                called_at=None, started_at=None, requeues=cur.requeues + 1, clerk=cmd.clerk or cur.clerk)
        q.event("requeued", cur, now, cmd.window, cmd.clerk, {"requeues": cur.requeues})
    else:
        q.touch(cur, state="no_show", finished_at=now, clerk=cmd.clerk or cur.clerk)
    q.set_window(cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window))


def _transfer(q: HallQueue, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, cmd)
    service = cmd.to_service or cur.service
    try:
        q.hall.service(service)
    except KeyError as err:
        raise BadRequest(f"unknown service {service!r}") from err
    if cmd.to_window is not None:
        try:
            target = q.hall.window(cmd.to_window)
        except KeyError as err:
            raise NotFound(f"no window {cmd.to_window}") from err
        if service not in target.services:
            raise Conflict(f"window {cmd.to_window} does not serve service {service}")
    now = q.now()
    q.touch(cur, state="waiting", service=service, window=None, target_window=cmd.to_window,
            priority="front" if cmd.front else "returning", queued_at=now if not cmd.front else cur.issued_at,
            clerk=cmd.clerk or cur.clerk)
    _event(q, "transferred", cur, now, cmd, {"to_service": service, "to_window": cmd.to_window, "front": cmd.front})
    q.set_window(cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window))


def _pause(q: HallQueue, cmd: WindowCommand) -> Outcome:
    if not cmd.reason:
        raise BadRequest("pause needs a reason")
    if q.current(cmd.window) is not None:
        raise Conflict(f"window {cmd.window} is still serving; finish or transfer first")
    q.set_window(cmd.window, "paused", None, reason=cmd.reason, clerk=cmd.clerk)
    _event(q, "paused", None, q.now(), cmd, {"reason": cmd.reason})
    return Outcome(None, q.window_state(cmd.window))


def _resume(q: HallQueue, cmd: WindowCommand) -> Outcome:
    if not _paused(q, cmd.window):
        raise Conflict(f"window {cmd.window} is not paused")
    q.set_window(cmd.window, "idle", None, clerk=cmd.clerk)
    _event(q, "resumed", None, q.now(), cmd)
    return Outcome(None, q.window_state(cmd.window))


def _open(q: HallQueue, cmd: WindowCommand) -> Outcome:
    state = q.window_state(cmd.window)["state"]
    if state in ("closed", "paused") or not q.has_window_row(cmd.window):
        q.set_window(cmd.window, "idle", None, clerk=cmd.clerk)
        _event(q, "opened", None, q.now(), cmd)
    return Outcome(q.current(cmd.window), q.window_state(cmd.window))


def _close(q: HallQueue, cmd: WindowCommand) -> Outcome:
    if q.current(cmd.window) is not None:
        raise Conflict(f"window {cmd.window} is still serving; finish or transfer first")
    if q.window_state(cmd.window)["state"] != "closed":
        q.set_window(cmd.window, "closed", None, reason=cmd.reason, clerk=cmd.clerk)
        _event(q, "closed", None, q.now(), cmd)
    return Outcome(None, q.window_state(cmd.window))


def _cancel(q: HallQueue, cmd: WindowCommand) -> Outcome:
    if not cmd.ticket:
        raise BadRequest("cancel needs a ticket number")
    t = q.ticket(cmd.ticket)
    if t.state != "waiting":
        raise Conflict(f"ticket {t.number} is {t.state}; only waiting tickets can be cancelled")
    now = q.now()
    q.touch(t, state="cancelled", finished_at=now)
    _event(q, "cancelled", t, now, cmd)
    return Outcome(t, q.window_state(cmd.window))


def _status(q: HallQueue, cmd: WindowCommand) -> Outcome:
    return Outcome(q.current(cmd.window), q.window_state(cmd.window),
                   waiting=q.ordered_for(cmd.window, limit=STATUS_LIMIT))


_HANDLERS = {
    "call_next": _call_next, "call": _call_specific, "recall": _recall, "start": _start,
    "finish": _finish, "no_show": _no_show, "transfer": _transfer, "pause": _pause,
    "resume": _resume, "cancel": _cancel, "status": _status, "open": _open, "close": _close,
}


def auto_dispatch(q: HallQueue) -> list[Outcome]:
    """Call waiting tickets to open idle windows, the window idle longest first.

    Used when the hall has `auto_call`: after every change that can free a window or add a
    ticket. A window counts as open once its clerk has signed on (any window action, or
    `open`) and until `close`; paused windows are skipped. Each call is its own transition
    with clerk "auto", announced like any other call."""
    if not q.hall.auto_call:
        return []
    out: list[Outcome] = []
    with q.unit():
        idle = sorted((w for w in q.windows.values() if w.known and w.state == "idle" and q.current(w.number) is None),
                      key=lambda w: w.since or 0)
        for w in idle:
            t = q.next_for(w.number)
            if t is not None:
                clerk = w.clerk if q.hall.staff_member(w.clerk) is not None else "auto"  # a signed-in clerk stays
                out.append(_call(q, WindowCommand(window=w.number, action="call_next", clerk=clerk), t))
    return out
