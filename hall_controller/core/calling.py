"""Window operations: call next, call a ticket, recall, start, finish, no-show, transfer,
pause, resume, cancel. Each is one transaction with its event; the result says what to
announce (a call or a recall) so the controller can publish it after the commit."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Connection

from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import BadRequest, Conflict, NotFound
from hall_controller.store import db
from hall_protocol.contract import WindowCommand


@dataclass
class Outcome:
    ticket: Ticket | None
    window_state: dict
    announce: str | None = None  # "call" or "recall"
    waiting: list[Ticket] | None = None  # for status: the window's waiting tickets in calling order

    def to_data(self, q: HallQueue) -> dict:
        t = self.ticket
        ws = dict(self.window_state)
        ws["since"] = q.iso(ws.get("since"))
        ws.pop("hall", None)
        ws.pop("ticket_id", None)
        return {"ticket": None if t is None else {
            "number": t.number, "service": t.service, "state": t.state, "priority": t.priority,
            "called_at": q.iso(t.called_at), "started_at": q.iso(t.started_at), "recalls": t.recalls,
            "issued_at": q.iso(t.issued_at)},
            "window_state": ws, **({} if self.waiting is None else {"waiting": [
                {"number": w.number, "service": w.service, "priority": w.priority,
                 "waited_min": round((q.now() - w.issued_at) / 60, 1)} for w in self.waiting]})}


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
    if t.state not in ("waiting", "no_show"):  # a late citizen may still be served today
        raise Conflict(f"ticket {t.number} is {t.state}, not waiting")
    if q.window_state(cmd.window, conn)["state"] == "paused":
        raise Conflict(f"window {cmd.window} is paused; resume first")
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
        _touch(q, conn, cur, started_at=cur.called_at)
    _touch(q, conn, cur, state="done", finished_at=now)
    q._event(conn, "finished", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk)
    q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
    return Outcome(cur, q.window_state(cmd.window, conn))


def _no_show(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    cur = _need_current(q, conn, cmd)
    now = q.now()
    policy = q.hall.no_show
    wanted = {"never": False, "always": True}.get(policy.requeue, bool(cmd.requeue))
    if policy.requeue == "never" and cmd.requeue:
        raise Conflict(f"hall {q.hall.id} does not re-queue no-shows")
    done = conn.execute(select(func.count()).select_from(db.events).where(and_(
        db.events.c.ticket_id == cur.id, db.events.c.kind == "requeued"))).scalar_one()
    q._event(conn, "no_show", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk)
    if wanted and done < policy.max_requeues:
        # Back to the end of the queue, without its priority bonus; any window may call it.
        _touch(q, conn, cur, state="waiting", window=None, target_window=None, priority="normal",
               queued_at=now, called_at=None, started_at=None)
        q._event(conn, "requeued", cur.id, cur.number, cur.service, cur.day, now, cmd.window, cmd.clerk,
                 data={"requeues": done + 1})
    else:
        _touch(q, conn, cur, state="no_show", finished_at=now)
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


def _open(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    state = q.window_state(cmd.window, conn)["state"]
    if state in ("closed", "paused") or not q.has_window_row(cmd.window, conn):
        q._set_window(conn, cmd.window, "idle", None, clerk=cmd.clerk)
        q._event(conn, "opened", None, None, None, q.today(), q.now(), cmd.window, cmd.clerk)
    return Outcome(q._current(conn, cmd.window), q.window_state(cmd.window, conn))


def _close(q: HallQueue, conn: Connection, cmd: WindowCommand) -> Outcome:
    if q._current(conn, cmd.window) is not None:
        raise Conflict(f"window {cmd.window} is still serving; finish or transfer first")
    if q.window_state(cmd.window, conn)["state"] != "closed":
        q._set_window(conn, cmd.window, "closed", None, reason=cmd.reason, clerk=cmd.clerk)
        q._event(conn, "closed", None, None, None, q.today(), q.now(), cmd.window, cmd.clerk)
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
    return Outcome(q._current(conn, cmd.window), q.window_state(cmd.window, conn),
                   waiting=q.ordered_for(cmd.window, conn))


_HANDLERS = {
    "call_next": _call_next, "call": _call_specific, "recall": _recall, "start": _start,
    "finish": _finish, "no_show": _no_show, "transfer": _transfer, "pause": _pause,
    "resume": _resume, "cancel": _cancel, "status": _status, "open": _open, "close": _close,
}


def auto_dispatch(q: HallQueue) -> list[Outcome]:
    """Call waiting tickets to open idle windows, the window idle longest first.

    Used when the hall has `auto_call`: after every change that can free a window or add a
    ticket. A window counts as open once its clerk has signed on (any window action, or
    `open`) and until `close`; paused windows are skipped. Each call is its own committed
    transition with clerk "auto", announced like any other call."""
    if not q.hall.auto_call:
        return []
    out: list[Outcome] = []
    with q._lock, q.engine.begin() as conn:
        rows = conn.execute(select(db.windows).where(and_(
            db.windows.c.hall == q.hall.id, db.windows.c.state == "idle")).order_by(db.windows.c.since)).all()
        for row in rows:
            if row.window not in {w.number for w in q.hall.windows} or q._current(conn, row.window) is not None:
                continue
            order = q.ordered_for(row.window, conn)
            if order:
                out.append(_call(q, conn, WindowCommand(window=row.window, action="call_next", clerk="auto"),
                                 order[0]))
    return out
