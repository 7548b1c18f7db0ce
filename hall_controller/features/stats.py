"""The halls' statistics of today, retained on `hall/<hall>/state/stats` (hall_protocol/stats.py).

The queue keeps the counts as tickets move (core/tally.py); this feature publishes a hall's
figures when they changed, at most every `MIN_INTERVAL_S`, and again every `REFRESH_S` while
tickets wait (the longest wait grows by itself). A loop compares a few integers per hall per
second: a city of halls where nothing happens costs next to nothing. Today's ratings are
seeded from the outbox once per hall and day (they are counted as they are stored after that).
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.core.stats import build_stats
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import encode
from hall_protocol.days import day_start

log = logging.getLogger(__name__)


class Stats(Feature):
    MIN_INTERVAL_S = 2.0
    REFRESH_S = 60.0
    TICK_S = 1.0    # each tick looks at every hall: a city's 350 halls twice a second cost more than their figures

    def __init__(self, ctx: Context, outbox=None) -> None:
        """`outbox`: where today's ratings are seeded from (None: counted from now on)."""
        self.ctx, self.outbox = ctx, outbox
        self.published = 0
        self._shown: dict[str, tuple] = {}       # hall -> (day, version, changes) last published
        self._at: dict[str, float] = {}          # hall -> monotonic time of its last publication
        self._seeded: dict[str, str] = {}        # hall -> the day its ratings were seeded for
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.ctx.on_connect.append(self.republish)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="stats", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def republish(self) -> None:
        """After a (re)connect: every hall's figures again (a restarted broker lost them)."""
        self._shown.clear()
        self._at.clear()

    # -- the loop --------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.TICK_S):
            try:
                self.tick(time.monotonic())  # pacing of publications, not logic: wall time
            except Exception:  # noqa: BLE001 - the figures must outlive any surprise; it is logged
                log.exception("statistics")

    def tick(self, now: float) -> int:
        """Publish the halls whose figures are due; returns how many went out."""
        if not self.ctx.endpoint.connected.is_set():
            return 0
        halls = list(self.ctx.queues.items())
        todo = {h: q for h, q in halls if self._seeded.get(h) != q.day}
        if todo:
            self._seed(todo)
        sent = 0
        for hall, q in halls:
            key = (q.day, q.version, q.tally.changes)
            last = self._at.get(hall)
            changed = self._shown.get(hall) != key
            due = last is None or (changed and now - last >= self.MIN_INTERVAL_S) or (
                now - last >= self.REFRESH_S and any(q.lines.values()))
            if not due:
                continue
            self.publish(hall)
            self._shown[hall], self._at[hall] = key, now
            sent += 1
        return sent

    def publish(self, hall: str) -> None:
        q = self.ctx.queues.get(hall)
        if q is None:
            return
        try:
            stats = build_stats(q, self.ctx.hall.next_seq())
        except SQLAlchemyError as err:  # a rebuild from the database failed; the next tick retries
            log.warning("statistics of %s not published: %s", hall, err)
            return
        self.ctx.endpoint.publish(contract.STATS.format(hall=hall), encode(stats), qos=1, retain=True)
        self.published += 1

    def _seed(self, todo: dict) -> None:
        """Today's ratings of the halls `todo` (not seeded for their day yet), in one query."""
        if self.outbox is not None:
            starts = {h: day_start(q.day, q.hall.timezone, q.hall.day_starts_at).timestamp() for h, q in todo.items()}
            try:
                items = self.outbox.payloads("rating", min(starts.values()))
            except SQLAlchemyError as err:
                log.warning("today's ratings not read yet: %s", err)
                return
            for key, item in items:
                q = todo.get(item.get("hall_id"))
                if q is None or not isinstance(item.get("score"), int):
                    continue
                try:
                    at = datetime.fromisoformat(item.get("rated_at") or "").timestamp()
                except ValueError:
                    continue
                if at >= starts[q.hall.id]:
                    with q.journal.lock:
                        q.tally.rated(q.day, key, item["score"])
        for h, q in todo.items():
            self._seeded[h] = q.day
