"""Waiting-time estimates, with what the controller knows at issue time and nothing else.

This module reads that knowledge from the database into a `forecast.Snapshot`; the replay of
the calling order itself is `forecast.forecast` (pure, documented there and in docs/queue.md):
- the waiting tickets of every service, one line per service, priority and reservation;
- the open windows (signed on, neither paused nor closed) and when each clerk will be free:
  the window's current ticket has already taken part of its expected time;
- per service, the time a ticket occupies a window (call to finish, no-shows included),
  an exponentially weighted mean of today's last RECENT tickets, from the configured figure;
- per service and priority, today's recent arrival rate of the tickets still to come.
"""
from __future__ import annotations

from sqlalchemy import and_, func, select

from hall_controller.core.forecast import Snapshot, forecast, free_at, learn_occupancy
from hall_controller.core.queue import ACTIVE, HallQueue, Ticket
from hall_controller.store import db

RECENT = 20              # finished tickets per service that count
RATE_SPAN_S = 1800.0     # arrivals over this much recent time give the rate of tickets to come


def occupancy_s(q: HallQueue, conn) -> dict[str, float]:
    t = db.tickets.c
    means = {s.code: s.avg_service_min * 60.0 for s in q.hall.services}
    rows = conn.execute(select(t.service, t.called_at, t.finished_at).where(and_(
        t.hall == q.hall.id, t.day == q.today(), t.state.in_(("done", "no_show")), t.called_at.is_not(None),
        t.finished_at.is_not(None))).order_by(t.finished_at.desc()).limit(RECENT * len(means))).all()
    recent: dict[str, list[float]] = {}
    for service, called, finished in rows:
        if service in means and len(recent.setdefault(service, [])) < RECENT:
            recent[service].append(finished - called)
    for service, spans in recent.items():
        for span in reversed(spans):
            means[service] = learn_occupancy(means[service], span)
    return means


def arrival_rates(q: HallQueue, conn, now: float) -> dict[tuple[str, str], float]:
    t = db.tickets.c
    today = and_(t.hall == q.hall.id, t.day == q.today())
    first = conn.execute(select(func.min(t.issued_at)).where(today)).scalar()
    if first is None:
        return {}
    span = max(min(RATE_SPAN_S, now - first), 600.0)
    rows = conn.execute(select(t.service, t.priority, func.count()).where(and_(today, t.issued_at > now - span))
                        .group_by(t.service, t.priority)).all()
    return {(s, p): n / span for s, p, n in rows}


def snapshot(q: HallQueue) -> Snapshot:
    now = q.now()
    t = db.tickets.c
    with q.engine.connect() as conn:
        waiting = q.waiting(conn)
        occupancy = occupancy_s(q, conn)
        states = {r.window: r.state for r in conn.execute(select(db.windows.c.window, db.windows.c.state)
                                                          .where(db.windows.c.hall == q.hall.id))}
        current = conn.execute(select(t.window, t.service, t.called_at).where(and_(
            t.hall == q.hall.id, t.day == q.today(), t.state.in_(ACTIVE)))).all()
        rates = arrival_rates(q, conn, now)
    # A window counts once its clerk has signed on (it has a row), until it pauses or closes.
    open_windows = [w.number for w in q.hall.windows if states.get(w.number, "closed") not in ("paused", "closed")]
    busy = {window: (service, called) for window, service, called in current}
    return Snapshot.of(now, waiting, free_at(now, open_windows, busy, occupancy), occupancy, rates)


def estimate_wait_min(q: HallQueue, ticket: Ticket) -> float | None:
    """Minutes until `ticket` is likely to be called, or None when no open window serves it."""
    seconds = forecast(q.hall, snapshot(q), ticket)
    return None if seconds is None else round(seconds / 60.0, 1)
