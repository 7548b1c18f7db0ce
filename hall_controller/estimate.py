"""Waiting-time estimates learned from the hall's own recent service times.

The hall's capacity for a service is the sum, over the open windows that serve it, of the
share of each window's time that goes to it (its weight over the window's total weight).
The mean service time is an exponentially weighted mean of today's finished tickets of the
service, starting from the configured figure.
"""
from __future__ import annotations

from sqlalchemy import and_, select

from hall_controller import db
from hall_controller.queue import HallQueue

RECENT = 20      # finished tickets that count
ALPHA = 0.3      # weight of the newest service time


def mean_service_s(q: HallQueue, service: str) -> float:
    mean = q.hall.service(service).avg_service_min * 60.0
    with q.engine.connect() as c:
        rows = c.execute(select(db.tickets.c.started_at, db.tickets.c.finished_at).where(and_(
            db.tickets.c.hall == q.hall.id, db.tickets.c.day == q.today(), db.tickets.c.service == service,
            db.tickets.c.state == "done", db.tickets.c.started_at.is_not(None)))
            .order_by(db.tickets.c.finished_at.desc()).limit(RECENT)).all()
    for started, finished in reversed(rows):
        mean = (1 - ALPHA) * mean + ALPHA * max(30.0, finished - started)
    return mean


def capacity(q: HallQueue, service: str) -> float:
    total = 0.0
    for w in q.hall.windows:
        if service not in w.services:
            continue
        if q.window_state(w.number)["state"] in ("paused", "closed"):
            continue
        total += w.services[service] / sum(w.services.values())
    return total


def estimate_wait_min(q: HallQueue, service: str, people_ahead: int) -> float | None:
    cap = capacity(q, service)
    if cap <= 0:
        return None  # no open window serves it now: say so rather than guess
    return round(people_ahead * mean_service_s(q, service) / cap / 60.0, 1)
