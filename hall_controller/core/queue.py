"""The queue of one hall: issuing tickets and every window operation.

All state lives in the database; every transition is committed together with its event
before the caller gets an answer, so a crash loses nothing that was acknowledged. Time
comes from an injected clock. The calling order is documented in docs/queue.md.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from config.schema import HallConfig
from drivers.core.clock import Clock
from hall_protocol.days import day_start, iso, service_day
from hall_controller.errors import BadRequest, Conflict, LimitReached, NotFound
from hall_controller.store import db

log = logging.getLogger(__name__)

# Seconds of waiting a priority class is worth when ordering calls (docs/queue.md).
PRIORITY_BONUS = {"normal": 0.0, "appointment": 600.0, "green": 900.0, "returning": 1200.0, "front": 1e9}
ACTIVE = ("called", "serving")


@dataclass
class Ticket:
    id: int
    number: str
    service: str
    priority: str
    state: str
    window: int | None
    issued_at: float
    queued_at: float
    called_at: float | None
    recalls: int
    day: str
    target_window: int | None = None
    started_at: float | None = None
    lang: str = "zh"

    @classmethod
    def from_row(cls, row) -> "Ticket":
        m = row._mapping
        return cls(id=m["id"], number=m["number"], service=m["service"], priority=m["priority"],
                   state=m["state"], window=m["window"], issued_at=m["issued_at"], queued_at=m["queued_at"],
                   called_at=m["called_at"], recalls=m["recalls"], day=m["day"],
                   target_window=m["target_window"], started_at=m["started_at"], lang=m["lang"])


class HallQueue:
    """Tickets and windows of one hall, over a shared engine (several halls may share it)."""

    def __init__(self, engine: Engine, hall: HallConfig, clock: Clock) -> None:
        self.engine, self.hall, self.clock = engine, hall, clock
        self._lock = threading.RLock()

    # -- time ----------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now().timestamp()

    def today(self) -> str:
        return service_day(self.clock.now(), self.hall.timezone, self.hall.day_starts_at)

    def iso(self, ts: float | None) -> str | None:
        return None if ts is None else iso(ts, self.hall.timezone)

    # -- issuing -------------------------------------------------------------------------
    def issue(self, service: str, request_id: str, *, source: str, priority: str = "normal",
              appointment_code: str | None = None, lang: str = "zh", guide: bool = False) -> tuple[Ticket, bool]:
        """Issue a ticket; returns (ticket, created). A repeated request_id returns the same ticket."""
        try:
            svc = self.hall.service(service)
        except KeyError as err:
            raise BadRequest(f"unknown service {service!r}") from err
        if priority not in ("normal", "appointment", "green"):
            raise BadRequest(f"unknown priority {priority!r}")
        with self._lock:
            for attempt in range(5):
                try:
                    with self.engine.begin() as conn:
                        existing = conn.execute(select(db.tickets).where(and_(
                            db.tickets.c.hall == self.hall.id, db.tickets.c.request_id == request_id))).first()
                        if existing is not None:
                            return Ticket.from_row(existing), False
                        now, day = self.now(), self.today()
                        seq = self._next_seq(conn, day, service)
                        if seq > svc.daily_limit:
                            raise LimitReached(f"service {service} has issued its {svc.daily_limit} tickets for today")
                        number = f"{service}{seq:03d}"
                        tid = conn.execute(insert(db.tickets).values(
                            hall=self.hall.id, day=day, service=service, seq=seq, number=number,
                            priority=priority, state="waiting", request_id=request_id, source=source,
                            lang=lang, issued_at=now, queued_at=now, recalls=0,
                            appointment_code=appointment_code)).inserted_primary_key[0]
                        self._event(conn, "issued", tid, number, service, day, now,
                                    data={"priority": priority, "source": source, **({"guide": True} if guide else {})})
                        row = conn.execute(select(db.tickets).where(db.tickets.c.id == tid)).one()
                        return Ticket.from_row(row), True
                except IntegrityError:
                    # Another controller process took the same number or request id: try again.
                    log.info("issue collided (attempt %d), retrying", attempt + 1)
            raise Conflict("could not issue a ticket, the database stays busy")

    def _next_seq(self, conn: Connection, day: str, service: str) -> int:
        key = and_(db.sequences.c.hall == self.hall.id, db.sequences.c.day == day, db.sequences.c.service == service)
        res = conn.execute(update(db.sequences).where(key).values(last_seq=db.sequences.c.last_seq + 1)
                           .returning(db.sequences.c.last_seq)).first()
        if res is not None:
            return res[0]
        conn.execute(insert(db.sequences).values(hall=self.hall.id, day=day, service=service, last_seq=1))
        return 1

    def _event(self, conn: Connection, kind: str, ticket_id: int | None, number: str | None,
               service: str | None, day: str, at: float, window: int | None = None,
               clerk: str | None = None, data: dict | None = None) -> None:
        conn.execute(insert(db.events).values(
            hall=self.hall.id, day=day, ticket_id=ticket_id, number=number, service=service, kind=kind,
            at=at, window=window, clerk=clerk, data=json.dumps(data, ensure_ascii=False) if data else None))

    # -- the day boundary ------------------------------------------------------------------
    def roll_over(self) -> int:
        """Close what the previous service days left open; safe to call at any time.

        Tickets of earlier days still waiting, called or serving become `expired` (with an
        event in their own day), and windows last touched before today's start are closed:
        their clerks sign on again. Returns the number of tickets expired."""
        today = self.today()
        start = day_start(today, self.hall.timezone, self.hall.day_starts_at).timestamp()
        with self._lock, self.engine.begin() as conn:
            stale = conn.execute(select(db.tickets).where(and_(
                db.tickets.c.hall == self.hall.id, db.tickets.c.day < today,
                db.tickets.c.state.in_(("waiting",) + ACTIVE)))).all()
            now = self.now()
            for row in stale:
                t = Ticket.from_row(row)
                conn.execute(update(db.tickets).where(db.tickets.c.id == t.id).values(state="expired", finished_at=now))
                self._event(conn, "expired", t.id, t.number, t.service, t.day, now, t.window,
                            data={"was": t.state})
            conn.execute(update(db.windows).where(and_(
                db.windows.c.hall == self.hall.id, db.windows.c.since < start, db.windows.c.state != "closed"))
                .values(state="closed", ticket_id=None, since=now, reason=None))
        if stale:
            log.info("hall %s: day %s begins, %d tickets of earlier days expired", self.hall.id, today, len(stale))
        return len(stale)

    # -- queries -------------------------------------------------------------------------
    def waiting(self, conn: Connection | None = None, services: list[str] | None = None) -> list[Ticket]:
        q = select(db.tickets).where(and_(db.tickets.c.hall == self.hall.id, db.tickets.c.day == self.today(),
                                          db.tickets.c.state == "waiting")).order_by(db.tickets.c.queued_at)
        if services is not None:
            q = q.where(db.tickets.c.service.in_(services))
        return [Ticket.from_row(r) for r in self._rows(q, conn)]

    def _rows(self, q, conn: Connection | None) -> list:
        """Run a query on the caller's transaction, or on a connection of its own."""
        if conn is not None:
            return conn.execute(q).all()
        with self.engine.connect() as c:
            return c.execute(q).all()

    def ticket(self, number: str, conn: Connection | None = None) -> Ticket:
        q = select(db.tickets).where(and_(db.tickets.c.hall == self.hall.id, db.tickets.c.day == self.today(),
                                          db.tickets.c.number == number))
        row = next(iter(self._rows(q, conn)), None)
        if row is None:
            raise NotFound(f"no ticket {number} today")
        return Ticket.from_row(row)

    def score(self, t: Ticket, window: int, now: float) -> float:
        weight = self.hall.window(window).services.get(t.service, 0.0)
        return (now - t.queued_at) * weight + PRIORITY_BONUS.get(t.priority, 0.0)

    def ordered_for(self, window: int, conn: Connection | None = None) -> list[Ticket]:
        """The waiting tickets this window may call, in the order it would call them."""
        services = list(self.hall.window(window).services)
        now = self.now()
        cands = [t for t in self.waiting(conn, services) if t.target_window in (None, window)]
        return sorted(cands, key=lambda t: (-self.score(t, window, now), t.queued_at, t.id))

    def people_ahead(self, t: Ticket) -> int:
        waiting = self.waiting(services=[t.service])
        return sum(1 for w in waiting if (w.queued_at, w.id) < (t.queued_at, t.id)
                   or PRIORITY_BONUS.get(w.priority, 0) > PRIORITY_BONUS.get(t.priority, 0))

    def window_state(self, window: int, conn: Connection | None = None) -> dict:
        q = select(db.windows).where(and_(db.windows.c.hall == self.hall.id, db.windows.c.window == window))
        row = next(iter(self._rows(q, conn)), None)
        if row is None:
            return {"window": window, "state": "idle", "ticket_id": None, "since": None, "reason": None, "clerk": None}
        return dict(row._mapping)

    def has_window_row(self, window: int, conn: Connection | None = None) -> bool:
        """Whether the window's clerk has ever signed on (any action); before that it is not open."""
        q = select(db.windows.c.window).where(and_(db.windows.c.hall == self.hall.id, db.windows.c.window == window))
        return bool(self._rows(q, conn))

    def _set_window(self, conn: Connection, window: int, state: str, ticket_id: int | None,
                    reason: str | None = None, clerk: str | None = None) -> None:
        key = and_(db.windows.c.hall == self.hall.id, db.windows.c.window == window)
        values = dict(state=state, ticket_id=ticket_id, since=self.now(), reason=reason, clerk=clerk)
        if conn.execute(update(db.windows).where(key).values(**values)).rowcount == 0:
            conn.execute(insert(db.windows).values(hall=self.hall.id, window=window, **values))

    def _current(self, conn: Connection, window: int) -> Ticket | None:
        row = conn.execute(select(db.tickets).where(and_(
            db.tickets.c.hall == self.hall.id, db.tickets.c.day == self.today(), db.tickets.c.window == window,
            db.tickets.c.state.in_(ACTIVE))).order_by(db.tickets.c.called_at.desc())).first()
        return None if row is None else Ticket.from_row(row)
