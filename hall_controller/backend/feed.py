"""Ticket events into the outbox: every row the queue appends to the controller's `events`
table becomes one outbox item, in id order, exactly once.

The feed keeps a cursor (the last event id fed) in the same database and moves it in the
same transaction that writes the outbox items, so a crash either fed an event or did not.
Each event's `event_id` is `<origin>-<events.id>` (origin: random per database, made with
the cursor) so the platform can deduplicate even across databases.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select, update

from drivers.core.clock import Clock, SystemClock
from hall_controller.store import db
from hall_protocol import platform as m

from .outbox import Outbox

log = logging.getLogger(__name__)
KINDS = {k.value for k in m.TicketEventKind}


def local(kind: str) -> bool:
    """The hall's own records in the event log, never sent to the platform: clerks signing in and
    out, follow-up cases of bad ratings (the platform has the rating itself)."""
    return kind in ("signed_in", "signed_out") or kind.startswith("followup_")


class _CursorMoved(Exception):
    """Another process fed the same events meanwhile: roll back and try again later."""


class EventFeed:
    def __init__(self, engine: Engine, outbox: Outbox, timezones: dict[str, str] | None = None, *,
                 batch: int = 500, gap_wait_s: float = 5.0, schema: str | None = None,
                 clock: Clock | None = None) -> None:
        self.engine, self.outbox, self.batch, self.gap_wait_s = engine, outbox, batch, gap_wait_s
        self.clock = clock or SystemClock()
        self.timezones = dict(timezones or {})
        self.cursor = Table("backend_event_feed", MetaData(schema=schema),
                            Column("name", String(32), primary_key=True),
                            Column("last_id", Integer, nullable=False),
                            Column("origin", String(32), nullable=False))
        self.cursor.metadata.create_all(engine)
        self._gap_since: dict[int, float] = {}

    def _position(self, conn) -> tuple[int, str]:
        row = conn.execute(select(self.cursor).where(self.cursor.c.name == "events")).first()
        if row is not None:
            return row.last_id, row.origin
        origin = uuid.uuid4().hex[:12]
        conn.execute(insert(self.cursor).values(name="events", last_id=0, origin=origin))
        return 0, origin

    def pump(self) -> int:
        """Feed the events not fed yet; returns how many."""
        try:
            with self.engine.begin() as conn:
                last, origin = self._position(conn)
                rows = conn.execute(select(db.events).where(db.events.c.id > last)
                                    .order_by(db.events.c.id).limit(self.batch)).fetchall()
                rows = self._contiguous(last, rows)
                if not rows:
                    return 0
                for row in rows:
                    payload = self.event(row, origin)
                    if payload is None:
                        if not local(row.kind):
                            log.warning("event %d has kind %r, unknown to the platform: not sent", row.id, row.kind)
                        continue
                    self.outbox.enqueue("ticket_event", payload, conn=conn)
                moved = conn.execute(update(self.cursor).where(
                    self.cursor.c.name == "events", self.cursor.c.last_id == last).values(
                    last_id=rows[-1].id)).rowcount
                if moved != 1:
                    raise _CursorMoved()
        except _CursorMoved:
            return 0
        self.outbox.wake()
        return len(rows)

    def _contiguous(self, last: int, rows: list) -> list:
        """Stop at a gap in the ids (a transaction still open on PostgreSQL could fill it)
        unless the gap has stayed open for `gap_wait_s` (then it was a rollback)."""
        out, expect = [], last + 1
        for row in rows:
            if row.id != expect and last > 0:
                now = self.clock.monotonic()
                first_seen = self._gap_since.setdefault(expect, now)
                if now - first_seen < self.gap_wait_s:
                    break
                log.info("event ids %d..%d never appeared; going on", expect, row.id - 1)
                self._gap_since.pop(expect, None)
            out.append(row)
            expect = row.id + 1
        return out

    def pending(self) -> int:
        with self.engine.connect() as conn:
            row = conn.execute(select(self.cursor.c.last_id).where(self.cursor.c.name == "events")).first()
            last = row.last_id if row else 0
            return int(conn.execute(select(func.count()).where(db.events.c.id > last)).scalar_one())

    def event(self, row, origin: str) -> dict | None:
        if row.kind not in KINDS:
            return None
        tz = self.timezones.get(row.hall)
        at = datetime.fromtimestamp(row.at, ZoneInfo(tz) if tz else timezone.utc)
        return {"event_id": f"{origin}-{row.id}", "hall_id": row.hall, "ticket_no": row.number,
                "kind": row.kind, "at": at.isoformat(), "service_code": row.service,
                "window_id": None if row.window is None else str(row.window), "clerk_id": row.clerk}
