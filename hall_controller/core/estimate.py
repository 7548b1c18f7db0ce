"""Waiting-time estimates, with what the controller knows at issue time and nothing else.

This module reads that knowledge from the hall's memory (core/queue.py keeps it up to date at
every transition) into a `forecast.Snapshot`; the replay of the calling order itself is
`forecast.forecast` (pure, bounded, documented there and in docs/queue.md):
- the waiting tickets of every service, one line per service, priority and reservation (the
  queue's own lines, read in place);
- the open windows (signed on, neither paused nor closed) and when each clerk will be free:
  the window's current ticket has already taken part of its expected time;
- per service, the time a ticket occupies a window (call to finish, no-shows included),
  an exponentially weighted mean of today's last tickets, from the configured figure;
- per service and priority at issue, today's recent arrival rate of the tickets still to come.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from hall_controller.core.forecast import Entry, Snapshot, forecast, forecast_all, free_at, learn_occupancy
from hall_controller.core.queue import HallQueue, Ticket


class _Entries(Sequence):
    """One of the queue's lines as the forecast reads it: (queued_at, order), no copy."""

    __slots__ = ("line",)

    def __init__(self, line: list[Ticket]) -> None:
        self.line = line

    def __len__(self) -> int:
        return len(self.line)

    def __getitem__(self, i) -> Entry:
        if isinstance(i, slice):
            return [(t.queued_at, t.order) for t in self.line[i]]
        t = self.line[i]
        return t.queued_at, t.order


def occupancy_s(q: HallQueue) -> dict[str, float]:
    """Per service, the mean time a ticket occupies a window: the configured figure, then a
    running mean over today's last finished tickets (no-shows included)."""
    means = {s.code: s.avg_service_min * 60.0 for s in q.hall.services}
    for service, spans in q.learned.spans.items():
        if service in means:
            for span in spans:
                means[service] = learn_occupancy(means[service], span)
    return means


def snapshot(q: HallQueue, copy: bool = False) -> Snapshot:
    """What the hall knows now, from its memory (call it under the hall's lock or not: it
    takes the lock; the lines are read in place while it is held, or with `copy` copied, so
    that the forecast can run after the lock is let go)."""
    with q.journal.lock:
        q.fresh()
        now = q.now()
        occupancy = occupancy_s(q)
        # A window counts once its clerk has signed on, until it pauses or closes.
        open_windows = [n for n, w in q.windows.items() if w.known and w.state not in ("paused", "closed")]
        busy = {n: (t.service, t.called_at) for n in open_windows if (t := q.current(n)) is not None
                and t.called_at is not None}
        return Snapshot(now, {k: _Entries(list(line) if copy else line) for k, line in q.lines.items()},
                        free_at(now, open_windows, busy, occupancy), occupancy, q.arrival_rates(now))


def estimate_wait_min(q: HallQueue, ticket: Ticket) -> float | None:
    """Minutes until `ticket` is likely to be called, or None when no open window serves it."""
    with q.journal.lock:
        seconds = forecast(q.hall, snapshot(q), ticket)
    return None if seconds is None else round(seconds / 60.0, 1)


def estimates_min(q: HallQueue, snap: Snapshot | None = None, *,
                  pause: Callable[[], None] | None = None) -> dict[str, float | None]:
    """Every waiting ticket's estimate from one replay: number -> minutes (or None). The hall's
    lock is held to copy what the replay reads (`snapshot(q, copy=True)`, or `snap`, taken so),
    not for the replay (a hall with thousands waiting held its requests that long)."""
    if snap is None:
        snap = snapshot(q, copy=True)
    numbers = {t.order: t.number for entries in snap.lines.values() for t in entries.line}
    by_order = forecast_all(q.hall, snap, pause=pause)
    return {numbers[o]: (None if s is None else round(s / 60.0, 1)) for o, s in by_order.items() if o in numbers}
