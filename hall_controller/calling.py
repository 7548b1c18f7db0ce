"""Window operations: call next, call a ticket, recall, start, finish, no-show, transfer,
pause, resume, cancel. Each is one transaction with its event; the result says what to
announce (a call or a recall) so the controller can publish it after the commit."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, update
from sqlalchemy.engine import Connection

from hall_controller import db
from hall_controller.contract import WindowCommand
from hall_controller.errors import BadRequest, Conflict, NotFound
from hall_controller.queue import HallQueue, Ticket


@dataclass
class Outcome:
    ticket: Ticket | None
    window_state: dict
    announce: str | None = None  # "call" or "recall"

    def to_data(self, q: HallQueue) -> dict:
        t = self.ticket
        ws = dict(self.window_state)
        ws["since"] = q.iso(ws.get("since"))
        ws.pop("hall", None)
        ws.pop("ticket_id", None)
        return {"ticket": None if t is None else {
            "number": t.number, "service": t.service, "state": t.state, "priority": t.priority,
            "called_at": q.iso(t.called_at), "recalls": t.recalls, "issued_at": q.iso(t.issued_at)},
            "window_state": ws}


def apply(q: HallQueue, cmd: WindowCommand) -> Outcome:
    try:
        q.hall.window(cmd.window)
    except KeyError as err:
        raise NotFound(f"hall {q.hall.id} has no window {cmd.window}") from err
    handler = _HANDLERS.get(cmd.action)
    if handler is None:
        raise BadRequest(f"unknown action {cmd.action!r}")
    with q._lock, q.engine.begin() as conn:
        return handler(q, conn, cmd)


def _touch(q: HallQueue, conn: Connection, t: Ticket, **values) -> Ticket:
    conn.execute(update(db.tickets).where(db.tickets.c.id == t.id).values(**values))
    for k, v in values.items():
        setattr(t, k, v)
    return t


def _close_current(q: HallQueue, conn: Connection, cmd: WindowCommand, now: float) -> None:
    """Calling the next ticket finishes the current one: clerks often skip "start", so a
    called ticket counts as served from its call. A no-show is only ever marked explicitly."""
    cur = q._current(conn, cmd.window)
    if cur is None:
        return
    if cur.state == "called":
        _touch(q, conn, cur, started_at=cur.called_at)
    _touch(q, conn, cur, state="done", finished_at=now)
    q._event(conn, "finished", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk)


def _call(q: HallQueue, conn: Connection, cmd: WindowCommand, t: Ticket) -> Outcome:
    now = q.now()
    _close_current(q, conn, cmd, now)
    _touch(q, conn, t, state="called", window=cmd.window, called_at=now)
    q._event(conn, "called", t.id, t.number, t.service, t.day, now, cmd.window, cmd.clerk)
    q._set_window(conn, cmd.window, "calling", t.id, clerk=cmd.clerk)
    return Outcome(t, q.window_state(cmd.window, conn), "call")


def _call_next(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    if q.window_state(cmd.window, conn)["state"] == "paused":
        raise Conflict(f"window {cmd.window} is paused; resume first")
    order = q.ordered_for(cmd.window, conn)
    if not order:
        now = q.now()
        _close_current(q, conn, cmd, now)
        q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
        return Outcome(None, q.window_state(cmd.window, conn))
    return _call(q, conn, cmd, order[0])


def _call_specific(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    if not cmd.ticket:
        raise BadRequest("call needs a ticket number")
    t = q.ticket(cmd.ticket, conn)
    if t.state != "waiting":
        raise Conflict(f"ticket {t.number} is {t.state}, not waiting")
    if t.service not in q.hall.window(cmd.window).services:
        raise Conflict(f"window {cmd.window} does not serve service {t.service}")
    return _call(q, conn, cmd, t)


def _need_current(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Ticket:
    cur = q._current(conn, cmd.window)
    if cur is None:
        raise Conflict(f"window {cmd.window} has no current ticket")
    return cur


def _recall(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, conn, cmd)
    now = q.now()
    _touch(q, conn, cur, recalls=cur.recalls + 1)
    q._event(conn, "recalled", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk,
             data={"recall": cur.recalls})
    return Outcome(cur, q.window_state(cmd.window, conn), "recall")


def _start(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, conn, cmd)
    if cur.state == "serving":
        return Outcome(cur, q.window_state(cmd.window, conn))
    now = q.now()
    _touch(q, conn, cur, state="serving", started_at=now)
    q._event(conn, "started", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk)
    q._set_window(conn, cmd.window, "serving", cur.id, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window, conn))


def _finish(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, conn, cmd)
    now = q.now()
    if cur.state == "called":  # served without pressing start: the call time is the start
        _touch(q, conn, cur, started_at=now)
    _touch(q, conn, cur, state="done", finished_at=now)
    q._event(conn, "finished", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk)
    q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window, conn))


def _no_show(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, conn, cmd)
    now = q.now()
    _touch(q, conn, cur, state="no_show", finished_at=now)
    q._event(conn, "no_show", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk)
    q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window, conn))


def _transfer(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, conn, cmd)
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
    _touch(q, conn, cur, state="waiting", service=service, window=None, target_window=cmd.to_window,
           priority="front" if cmd.front else "returning", queued_at=now if not cmd.front else cur.issued_at)
    q._event(conn, "transferred", cur.id, cur.number, service, cur.day, now, cmd.window, cmd.clerk,
             data={"to_service": service, "to_window": cmd.to_window, "front": cmd.front})
    q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window, conn))


def _pause(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    if not cmd.reason:
        raise BadRequest("pause needs a reason")
    if q._current(conn, cmd.window) is not None:
        raise Conflict(f"window {cmd.window} is still serving; finish or transfer first")
    q._set_window(conn, cmd.window, "paused", None, reason=cmd.reason, clerk=cmd.clerk)
    q._event(conn, "paused", None, None, None, q.today(), q.now(), cmd.window, cmd.clerk, data={"reason": cmd.reason})
    return Outcome(None, q.window_state(cmd.window, conn))


def _resume(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    if q.window_state(cmd.window, conn)["state"] != "paused":
        raise Conflict(f"window {cmd.window} is not paused")
    q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
    q._event(conn, "resumed", None, None, None, q.today(), q.now(), cmd.window, cmd.clerk)
    return Outcome(None, q.window_state(cmd.window, conn))


def _cancel(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    if not cmd.ticket:
        raise BadRequest("cancel needs a ticket number")
    t = q.ticket(cmd.ticket, conn)
    if t.state != "waiting":
        raise Conflict(f"ticket {t.number} is {t.state}; only waiting tickets can be cancelled")
    now = q.now()
    _touch(q, conn, t, state="cancelled", finished_at=now)
    q._event(conn, "cancelled", t.id, t.number, t.service, t.day, now, cmd.window, cmd.clerk)
    return Outcome(t, q.window_state(cmd.window, conn))


def _status(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    return Outcome(q._current(conn, cmd.window), q.window_state(cmd.window, conn))


_HANDLERS = {
    "call_next": _call_next, "call": _call_specific, "recall": _recall, "start": _start,
    "finish": _finish, "no_show": _no_show, "transfer": _transfer, "pause": _pause,
    "resume": _resume, "cancel": _cancel, "status": _status,
}
