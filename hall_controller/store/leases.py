"""Who owns which hall, when several controller processes share one PostgreSQL database.

Each hall has at most one owner at a time: a row of `hall_leases` (hall, owner, token,
expires_at), renewed by its owner every second or so and expiring a few seconds after the
owner stops renewing (it died, hung, or lost the database). A process takes a hall whose
lease expired (or that it held itself before a restart) by raising the hall's token: the
fencing token. Every commit of a hall's journal checks, inside its own transaction and with
the lease rows locked, that this process still holds the hall with the token it took it
with (`fence`), so a process that was paused while another took its halls can never write
for them again: its commit fails, and it drops the halls.

Times are the database server's clock (`clock_timestamp()`), so the processes' own clocks
need not agree. Members (`controller_members`) announce themselves the same way, so that
each process can take its fair share of the halls.

On SQLite (one process by construction) there are no leases: `NoLeases` owns every hall.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import and_, delete, insert, literal_column, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from hall_controller.errors import HallError
from hall_controller.store import db

log = logging.getLogger(__name__)
TTL_S = 5.0


class LeaseLost(HallError):
    """A hall this process wrote for is owned by another process now."""

    code = "unavailable"

    def __init__(self, halls: set[str]) -> None:
        super().__init__(f"hall(s) {', '.join(sorted(halls))} moved to another controller process; please retry")
        self.halls = halls


class Leases:
    def __init__(self, engine: Engine, me: str, *, ttl_s: float = TTL_S) -> None:
        self.engine, self.me, self.ttl_s = engine, me, ttl_s
        self.tokens: dict[str, int] = {}      # the halls we hold, with the token we took them with
        self.started = time.time()

    # -- time --------------------------------------------------------------------------------
    @staticmethod
    def _now(conn: Connection) -> float:
        if conn.dialect.name == "postgresql":
            return float(conn.execute(text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one())
        return time.time()

    # -- members ------------------------------------------------------------------------------
    def heartbeat(self) -> list[str]:
        """Say we are alive; the ids of every live member, sorted (us included)."""
        m = db.controller_members
        with self.engine.begin() as c:
            now = self._now(c)
            if c.execute(update(m).where(m.c.id == self.me).values(expires_at=now + self.ttl_s)).rowcount == 0:
                c.execute(insert(m).values(id=self.me, expires_at=now + self.ttl_s, started_at=now))
            return sorted(r[0] for r in c.execute(select(m.c.id).where(m.c.expires_at > now)))

    def leave(self) -> None:
        m = db.controller_members
        with self.engine.begin() as c:
            c.execute(delete(m).where(m.c.id == self.me))

    # -- halls --------------------------------------------------------------------------------
    def table(self) -> dict[str, tuple[str, float]]:
        """hall -> (owner, seconds left) for every lease row (negative: expired)."""
        t = db.hall_leases
        with self.engine.connect() as c:
            now = self._now(c)
            return {r.hall: (r.owner, r.expires_at - now) for r in c.execute(select(t))}

    def renew(self) -> set[str]:
        """Extend our leases; returns the halls we lost (taken by another process)."""
        if not self.tokens:
            return set()
        t = db.hall_leases
        with self.engine.begin() as c:
            now = self._now(c)
            c.execute(update(t).where(and_(t.c.owner == self.me, t.c.expires_at > now))
                      .values(expires_at=now + self.ttl_s))
            held = {r.hall: r.token for r in c.execute(select(t.c.hall, t.c.token).where(and_(
                t.c.owner == self.me, t.c.expires_at > now)))}
        lost = {h for h, tok in self.tokens.items() if held.get(h) != tok}
        for h in lost:
            self.tokens.pop(h, None)
        return lost

    def claim(self, halls: list[str], limit: int | None = None) -> list[str]:
        """Take whichever of these halls is free (never owned, expired, or ours before a
        restart), in order, at most `limit` of them; returns those taken."""
        t = db.hall_leases
        taken: list[str] = []
        for hall in halls:
            if limit is not None and len(taken) >= limit:
                break
            try:
                with self.engine.begin() as c:
                    now = self._now(c)
                    row = c.execute(select(t.c.token).where(and_(t.c.hall == hall, or_(
                        t.c.expires_at <= now, t.c.owner == self.me))).with_for_update()).first()
                    if row is not None:
                        token = row.token + 1
                        c.execute(update(t).where(t.c.hall == hall).values(owner=self.me, token=token,
                                                                           expires_at=now + self.ttl_s))
                    elif c.execute(select(t.c.hall).where(t.c.hall == hall)).first() is None:
                        token = 1
                        c.execute(insert(t).values(hall=hall, owner=self.me, token=token, expires_at=now + self.ttl_s))
                    else:
                        continue  # owned by a live process
            except IntegrityError:  # another process inserted it first
                continue
            self.tokens[hall] = token
            taken.append(hall)
        return taken

    def release(self, halls: list[str]) -> None:
        """Give halls up at once (their next owner need not wait for the lease to expire)."""
        t = db.hall_leases
        with self.engine.begin() as c:
            for hall in halls:
                token = self.tokens.pop(hall, None)
                if token is not None:
                    c.execute(update(t).where(and_(t.c.hall == hall, t.c.owner == self.me, t.c.token == token))
                              .values(expires_at=0.0))

    def fence(self, conn: Connection, halls: set[str]) -> None:
        """Inside a commit: raise LeaseLost unless we still hold every one of `halls`. On
        PostgreSQL the rows come locked with the database's clock, in one round trip (the clock
        was a statement of its own in every commit)."""
        t = db.hall_leases
        query = select(t.c.hall, t.c.owner, t.c.token, t.c.expires_at)
        pg = conn.dialect.name == "postgresql"
        if pg:
            query = query.add_columns(literal_column("extract(epoch FROM clock_timestamp())").label("db_now"))
        rows = conn.execute(query.where(t.c.hall.in_(halls)).with_for_update()).all()
        now = (float(rows[0].db_now) if rows else 0.0) if pg else self._now(conn)
        held = {r.hall for r in rows if r.owner == self.me and r.token == self.tokens.get(r.hall)
                and r.expires_at > now}
        lost = set(halls) - held
        if lost:
            for h in lost:
                self.tokens.pop(h, None)
            raise LeaseLost(lost)


class NoLeases:
    """One process owns every hall (SQLite)."""

    def __init__(self) -> None:
        self.tokens: dict[str, int] = {}

    def heartbeat(self) -> list[str]:
        return []

    def leave(self) -> None:
        pass

    def renew(self) -> set[str]:
        return set()

    def table(self) -> dict[str, tuple[str, float]]:
        return {}

    def claim(self, halls: list[str], limit: int | None = None) -> list[str]:
        halls = list(halls)[:limit] if limit is not None else list(halls)
        self.tokens.update(dict.fromkeys(halls, 1))
        return halls

    def release(self, halls: list[str]) -> None:
        for h in halls:
            self.tokens.pop(h, None)

    fence = None
