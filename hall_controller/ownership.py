"""Which halls this controller process serves, and taking them over.

With one process (SQLite, or PostgreSQL without peers) the process owns every hall of its
file. With peers (`controller_peers`, PostgreSQL), each process takes a fair share of the
halls through leases (store/leases.py): every second it renews its leases and its
membership; a hall whose owner stopped renewing is taken by another process within the
lease's life (a few seconds), rebuilt from the log and served; a process that joins gets
its share as the others give halls up. Each hall prefers one process by rendezvous hashing,
so the processes rarely compete for the same hall.

Taking a hall: claim its lease (raising its fencing token), rebuild its memory from the
database, subscribe its request topics, publish its board (naming this process as its
controller). Giving one up: stop taking its requests, store what is pending, release.
"""
from __future__ import annotations

import hashlib
import logging
import math
import threading

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.core.queue import HallQueue
from hall_controller.hall import Context
from hall_controller.store.leases import Leases, NoLeases

log = logging.getLogger(__name__)
TICK_S = 1.0


def preferred(hall: str, members: list[str]) -> str:
    """The member a hall prefers (rendezvous hashing: stable as members come and go)."""
    return max(members, key=lambda m: hashlib.sha256(f"{hall}|{m}".encode()).digest())


class Ownership:
    def __init__(self, ctx: Context, me: str, *, shared: bool, tick_s: float = TICK_S) -> None:
        self.ctx, self.me, self.tick_s = ctx, me, tick_s
        self.leases = Leases(ctx.engine, me) if shared else NoLeases()
        self.halls = {h.id: h for h in ctx.config.halls}
        self.members: list[str] = [me]
        self.taken = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if shared:
            ctx.journal.fence = self.leases.fence

    # -- start and stop ---------------------------------------------------------------------
    def start(self) -> None:
        """Before the endpoint connects: take what we may now (every hall for one process)."""
        self.members = self.leases.heartbeat() or [self.me]
        self._balance()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ownership", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        try:
            with self.ctx.journal.lock:
                self.ctx.journal.flush_if_pending()
            self.leases.release(list(self.leases.tokens))
            self.leases.leave()
        except SQLAlchemyError as err:
            log.warning("could not give the halls up cleanly (they expire by themselves): %s", err)

    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            try:
                self.members = self.leases.heartbeat() or [self.me]
                lost = self.leases.renew()
                if lost:
                    self.lost(lost)
                self._balance()
            except SQLAlchemyError as err:
                log.warning("ownership: database error (leases expire unless renewed): %s", err)
            except Exception:  # noqa: BLE001 - the loop must outlive any surprise; it is logged
                log.exception("ownership loop")

    # -- balance ------------------------------------------------------------------------------
    def share(self) -> int:
        return math.ceil(len(self.halls) / max(1, len(self.members)))

    def _balance(self) -> None:
        mine = set(self.leases.tokens)
        share = self.share()
        if len(mine) > share:  # a new member joined: give up halls that prefer another member
            extra = sorted(mine, key=lambda h: preferred(h, self.members) == self.me)[:len(mine) - share]
            self.give_up(extra)
            return
        if len(mine) >= share:
            return
        # Halls nobody holds (never leased, expired, released, or ours before a restart): our
        # preferred ones first, then any, up to our share. One query for every hall's lease.
        leases = self.leases.table()
        free = [h for h in self.halls if h not in mine and (h not in leases or leases[h][1] <= 0
                                                            or leases[h][0] == self.me)]
        free.sort(key=lambda h: preferred(h, self.members) != self.me)
        taken = self.leases.claim(free, limit=share - len(mine))
        if taken:
            self.take(taken)

    def take(self, halls: list[str]) -> None:
        ctx = self.ctx
        with ctx.journal.lock:
            fresh = [h for h in halls if h not in ctx.queues]
            rows = ctx.journal.load_halls({h: HallQueue.service_day(self.halls[h], ctx.clock) for h in fresh})
            for h in fresh:
                ctx.queues[h] = HallQueue(ctx.engine, self.halls[h], ctx.clock, ctx.journal, rows[h])
        ctx.router.open_halls(halls)
        for hall in halls:
            ctx.hall.mark(hall)
        self.taken += len(halls)
        if len(halls) < len(self.halls) or self.taken > len(halls):
            log.info("%s took over hall(s) %s", self.me, ", ".join(sorted(halls)))

    def give_up(self, halls: list[str]) -> None:
        ctx = self.ctx
        ctx.router.close_halls(halls)
        with ctx.journal.lock:
            ctx.journal.flush_if_pending()
            for hall in halls:
                ctx.queues.pop(hall, None)
                ctx.hall.forget(hall)
        self.leases.release(halls)
        log.info("%s gave hall(s) %s to the other controller processes", self.me, ", ".join(sorted(halls)))

    def lost(self, halls: set[str]) -> None:
        """Halls another process owns now (found on renewal or by a fenced commit)."""
        ctx = self.ctx
        ctx.router.close_halls(list(halls))
        with ctx.journal.lock:
            for hall in halls:
                ctx.queues.pop(hall, None)
                ctx.hall.forget(hall)
        for hall in halls:
            self.leases.tokens.pop(hall, None)
        log.warning("%s lost hall(s) %s to another controller process", self.me, ", ".join(sorted(halls)))
