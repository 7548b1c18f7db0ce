"""The durable log of the halls' memory: every transition appended to the database.

A hall (hall_controller/core/queue.py) changes its memory first and tells the journal what
changed: a new ticket, a changed ticket, a window, an event. `flush` writes all of it in one
transaction (new tickets, changed tickets, events, windows: four statements however many
requests took part, each prepared once) and commits; only then may anyone hear of it. A unit
of work outside a batch flushes at its end; the controller's request worker opens a batch,
runs many units and flushes them together (group commit: one fsync for a burst).

When a flush fails nothing of it is stored: every hall that took part is marked stale, its
memory is rebuilt from the database before its next unit, and the requests are answered
"unavailable" (retried with the same request id, they are applied once).

`fence` (set by the hall ownership, hall_controller/store/leases.py) runs inside the
transaction before the commit: a process that lost a hall to another one can never write
for it again.
"""
from __future__ import annotations

import json
import logging
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterator

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from hall_controller.store import db

log = logging.getLogger(__name__)
RECENT_CALLS = 16
WINDOW_REQUESTS = 2000
# The journal stores the queue's objects without knowing their module (it sits below it):
# a ticket has .id, .values() and .row(hall); a window .number, .state, .ticket, .since,
# .reason, .clerk; a hall .hall.id and .stale.
Ticket = Window = HallQueue = Any


@dataclass
class HallRows:
    """What a hall's memory is rebuilt from."""

    day: str
    tickets: list = field(default_factory=list)          # today's, and open ones of earlier days
    windows: list = field(default_factory=list)
    calls: list = field(default_factory=list)             # today's last calls, oldest first
    window_requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    ended: dict[str, tuple[str, str]] = field(default_factory=dict)  # the day before's request ids: (day, number)


UPDATE_TICKET = update(db.tickets).where(db.tickets.c.id == bindparam("b_id")).values(
    {c: bindparam(f"b_{c}") for c in db.TICKET_MUTABLE})


class Journal:
    """One per engine: the lock that orders the halls' units of work, and what they wait to commit."""

    _by_engine: "weakref.WeakKeyDictionary[Engine, Journal]" = weakref.WeakKeyDictionary()
    _registry_lock = threading.Lock()

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.RLock()
        self.fence: Callable[[Connection, set[str]], None] | None = None
        self.flushes = 0
        self._batch = 0
        self._depth = 0
        self._halls: dict[str, HallQueue] = {}
        self._log: list[tuple] = []  # every entry in order, so that a unit can be undone

    @classmethod
    def for_engine(cls, engine: Engine) -> "Journal":
        with cls._registry_lock:
            journal = cls._by_engine.get(engine)
            if journal is None:
                journal = cls._by_engine[engine] = cls(engine)
            return journal

    # -- what changed ------------------------------------------------------------------------
    def ticket_new(self, hall: str, t: Ticket) -> None:
        self._log.append(("new", hall, t))

    def ticket_changed(self, hall: str, t: Ticket) -> None:
        self._log.append(("changed", hall, t, t.values()))

    def event(self, hall: str, day: str, kind: str, t: Ticket | None, at: float, window: int | None,
              clerk: str | None, data: dict | None) -> None:
        row = {"hall": hall, "day": day, "number": None if t is None else t.number,
               "service": None if t is None else t.service, "kind": kind, "at": at, "window": window,
               "clerk": clerk, "data": json.dumps(data, ensure_ascii=False) if data else None}
        self._log.append(("event", hall, t, row))

    def row(self, hall: str, table, values: dict) -> None:
        """A row of another table, committed with the hall's unit (a remote ticket's phone row)."""
        self._log.append(("row", hall, table, values))

    def window_changed(self, hall: str, w: Window) -> None:
        self._log.append(("window", hall, w.number, {
            "hall": hall, "window": w.number, "state": w.state, "ticket": w.ticket, "since": w.since,
            "reason": w.reason, "clerk": w.clerk}))

    # -- units and batches --------------------------------------------------------------------
    def mark(self) -> int:
        return len(self._log)

    def undo(self, mark: int) -> None:
        del self._log[mark:]

    @property
    def pending(self) -> bool:
        return bool(self._log)

    @contextmanager
    def unit(self, q: HallQueue) -> Iterator[None]:
        with self.lock:
            self._halls[q.hall.id] = q
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            if self._depth == 0 and self._batch == 0:
                self.flush()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Units inside are committed together by `flush` (the caller's), not one by one."""
        with self.lock:
            self._batch += 1
            try:
                yield
            finally:
                self._batch -= 1

    def flush_if_pending(self) -> None:
        if self._log:
            self.flush()

    # -- writing -------------------------------------------------------------------------------
    def flush(self) -> set[str]:
        """Write and commit everything pending; returns the halls it touched. On failure the
        halls are marked stale and the database error is raised."""
        with self.lock:
            entries, self._log = self._log, []
            if not entries:
                return set()
            halls = {e[1] for e in entries}
            try:
                with self.engine.begin() as conn:
                    if self.fence is not None:
                        self.fence(conn, halls)
                    self._write(conn, entries)
            except BaseException:
                for h in halls:
                    q = self._halls.get(h)
                    if q is not None:
                        q.stale = True
                raise
            self.flushes += 1
            return halls

    def _write(self, conn: Connection, entries: list[tuple]) -> None:
        new: dict[int, tuple[str, Ticket]] = {}
        changed: dict[int, tuple[Ticket, dict]] = {}
        events: list[tuple[dict, Ticket | None]] = []
        windows: dict[tuple[str, int], dict] = {}
        others: list[tuple] = []  # rows of other tables, in order
        for e in entries:
            kind = e[0]
            if kind == "row":
                others.append((e[2], e[3]))
            elif kind == "new":
                new[id(e[2])] = (e[1], e[2])
            elif kind == "changed":
                if id(e[2]) in new:
                    continue  # inserted below with its newest values
                changed[id(e[2])] = (e[2], e[3])
            elif kind == "event":
                events.append((e[3], e[2]))
            else:
                windows[(e[1], e[2])] = e[3]
        if new:
            rows = [t.row(hall) for hall, t in new.values()]
            ids = conn.execute(insert(db.tickets).returning(db.tickets.c.id, sort_by_parameter_order=True),
                               rows).scalars().all()
            for (_, t), tid in zip(new.values(), ids):
                t.id = tid
        if changed:
            conn.execute(UPDATE_TICKET, [{"b_id": t.id, **{f"b_{k}": v for k, v in values.items()}}
                                            for t, values in changed.values()])
        if events:
            conn.execute(insert(db.events), [{**row, "ticket_id": None if t is None else t.id} for row, t in events])
        if windows:
            rows = []
            for w in windows.values():
                t = w["ticket"]
                rows.append({k: v for k, v in w.items() if k != "ticket"} | {"ticket_id": None if t is None else t.id})
            db.upsert_windows(conn, rows)
        for table, values in others:
            conn.execute(insert(table).values(**values))

    # -- reading a hall back -----------------------------------------------------------------------
    def load_hall(self, hall: str, day: str) -> HallRows:
        return self.load_halls({hall: day})[hall]

    def load_halls(self, days: dict[str, str]) -> dict[str, HallRows]:
        """What the halls' memories are rebuilt from, in a few queries however many halls:
        today's tickets (and open ones of earlier days), windows, last calls, and the window
        commands' request ids (retries)."""
        t, e, w = db.tickets.c, db.events.c, db.windows.c
        out = {h: HallRows(day=d) for h, d in days.items()}
        if not days:
            return out
        halls, first = list(days), min(days.values())
        with self.engine.connect() as c:
            for r in c.execute(select(db.tickets).where(and_(t.hall.in_(halls), or_(
                    t.day >= first, t.state.in_(("arriving", "waiting", "called", "serving"))))).order_by(t.id)):
                m = r._mapping
                rows = out[m["hall"]]
                if m["day"] == rows.day or (m["day"] < rows.day and m["state"] in ("arriving", "waiting", "called", "serving")):
                    rows.tickets.append(m)
            # the day before's request ids (a device's retry that crossed the day's start is told
            # its day ended, never given a second ticket under the same id)
            before = (date.fromisoformat(first) - timedelta(days=1)).isoformat()
            for r in c.execute(select(t.hall, t.day, t.number, t.request_id).where(and_(
                    t.hall.in_(halls), t.day >= before, t.day < max(days.values())))):
                if r.day < out[r.hall].day:
                    out[r.hall].ended[r.request_id] = (r.day, r.number)
            for r in c.execute(select(db.windows).where(w.hall.in_(halls))):
                out[r.hall].windows.append(r._mapping)
            calls: dict[str, list] = {h: [] for h in halls}
            requests: dict[str, list] = {h: [] for h in halls}
            for r in c.execute(select(e.hall, e.day, e.number, e.window, e.service, e.at, e.kind, e.data).where(and_(
                    e.hall.in_(halls), e.day >= first, or_(e.kind.in_(("called", "recalled")),
                                                           e.data.like('%"request_id"%')))).order_by(e.id)):
                if r.day != out[r.hall].day:
                    continue
                if r.kind in ("called", "recalled"):
                    calls[r.hall].append(r._mapping)
                if r.data and '"request_id"' in r.data:
                    try:
                        rid = json.loads(r.data).get("request_id")
                    except ValueError:
                        continue
                    if rid:
                        requests[r.hall].append((rid, r.kind, r.number))
        for h, rows in out.items():
            rows.calls = calls[h][-RECENT_CALLS:]
            rows.window_requests = requests[h][-WINDOW_REQUESTS:]
        return out

    def max_ticket_id(self) -> int:
        with self.engine.connect() as c:
            return int(c.execute(select(func.max(db.tickets.c.id))).scalar() or 0)
