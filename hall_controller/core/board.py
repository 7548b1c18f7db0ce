"""Build the retained calling board of a hall from the database."""
from __future__ import annotations

from sqlalchemy import and_, func, select

from hall_controller.core.queue import HallQueue
from hall_controller.store import db
from hall_protocol.contract import Board, CallInfo, WindowState

RECENT_CALLS = 8


def build_board(q: HallQueue, seq: int) -> Board:
    day = q.today()
    hall = q.hall
    names = {s.code: s.name for s in hall.services}
    with q.engine.connect() as c:
        waiting = dict(c.execute(select(db.tickets.c.service, func.count()).where(and_(
            db.tickets.c.hall == hall.id, db.tickets.c.day == day, db.tickets.c.state == "waiting"))
            .group_by(db.tickets.c.service)).all())
        active = {r.window: r for r in c.execute(select(db.tickets).where(and_(
            db.tickets.c.hall == hall.id, db.tickets.c.day == day, db.tickets.c.state.in_(("called", "serving")))))}
        recent_rows = c.execute(select(db.events).where(and_(
            db.events.c.hall == hall.id, db.events.c.day == day, db.events.c.kind.in_(("called", "recalled"))))
            .order_by(db.events.c.id.desc()).limit(RECENT_CALLS * 2)).all()
    windows, current = [], []
    for w in hall.windows:
        ws = q.window_state(w.number)
        t = active.get(w.number)
        state = ws["state"] if ws["state"] != "calling" or t is not None else "idle"
        windows.append(WindowState(window=w.number, state=state, ticket=t.number if t is not None else None,
                                   since=q.iso(ws["since"]), reason=ws["reason"]))
        if t is not None:
            current.append(CallInfo(window=w.number, ticket=t.number, service=t.service,
                                    service_name=names[t.service], at=q.iso(t.called_at), recall=t.recalls))
    recent, seen = [], set()
    for e in recent_rows:
        key = (e.number, e.window)
        if key in seen:
            continue
        seen.add(key)
        recent.append(CallInfo(window=e.window, ticket=e.number, service=e.service,
                               service_name=names.get(e.service, e.service), at=q.iso(e.at)))
        if len(recent) >= RECENT_CALLS:
            break
    return Board(hall=hall.id, hall_name=hall.name, day=day, seq=seq, updated_at=q.iso(q.now()),
                 windows=windows, current=current, recent=recent,
                 waiting={s.code: int(waiting.get(s.code, 0)) for s in hall.services},
                 services=names, notice=hall.notice)
