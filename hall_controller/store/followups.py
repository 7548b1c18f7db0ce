"""The follow-up cases' events, read back from the event log (a restarted controller, hall-report)."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Engine

from hall_controller.store.db import events


def load_followup_events(engine: Engine, hall: str, day_from: str, day_to: str | None = None) -> list[dict]:
    """Every followup_* event of a hall whose case's day is in the range, in the order written."""
    q = select(events.c.kind, events.c.day, events.c.data).where(
        events.c.hall == hall, events.c.kind.like("followup_%"), events.c.day >= day_from)
    if day_to is not None:
        q = q.where(events.c.day <= day_to)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(events.c.id)).all()
    return [{"kind": r.kind, "day": r.day, "data": json.loads(r.data) if r.data else {}} for r in rows]
