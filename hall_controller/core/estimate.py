"""Waiting-time estimates learned from the hall's own recent history.

The estimate replays the hall's calling order forward from now, with what the controller
knows at issue time and nothing else:
- the waiting tickets of every service, with their priorities and reservations;
- the open windows (signed on, neither paused nor closed), their weights, and when each
  clerk will be free: the window's current ticket has already taken part of its expected time;
- per service, the time a ticket occupies a window (call to finish, no-shows included),
  an exponentially weighted mean of today's tickets, starting from the configured figure;
- the tickets still to come: per service and priority, today's recent arrival rate, since a
  later priority ticket, or another service's ticket at a window that weighs it more, can
  be called first.
Each free window takes the waiting ticket with the highest score (queue.HallQueue.score:
waiting time x weight + priority bonus); the estimate is the time until the new ticket is
taken. None when no open window serves the ticket now (the hall cannot say).
"""
from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from config.schema import HallConfig
from hall_controller.core.queue import PRIORITY_BONUS, HallQueue, Ticket

ALPHA = 0.25             # weight of the newest occupancy in the running mean
MIN_OCCUPANCY_S = 20.0   # a recorded occupancy below this is a slip of the finger
RESIDUAL_FLOOR = 0.25    # a current ticket past its mean still needs this share of the mean
HORIZON_S = 8 * 3600.0   # do not look further ahead than a working day
MAX_STEPS = 20000        # bound on calls replayed for one estimate
MAX_TO_COME = 2000       # bound on tickets to come replayed for one estimate (a big hall's day)


@dataclass
class Snapshot:
    """What the hall knows at one moment; `forecast` needs nothing else."""
    now: float
    waiting: list[Ticket]
    free_at: dict[int, float]                # open window -> when its clerk is free
    occupancy_s: dict[str, float]            # service -> mean time a ticket occupies a window
    rates: dict[tuple[str, str], float]      # (service, priority) -> arrivals per second


def occupancy_s(q: HallQueue) -> dict[str, float]:
    """Per service, the mean time a ticket occupies a window: the configured figure, then an
    exponentially weighted mean of today's last finished tickets (no-shows included)."""
    means = {s.code: s.avg_service_min * 60.0 for s in q.hall.services}
    for service, spans in q.learned.spans.items():
        if service in means:
            for span in spans:
                means[service] = (1 - ALPHA) * means[service] + ALPHA * max(MIN_OCCUPANCY_S, span)
    return means


def snapshot(q: HallQueue) -> Snapshot:
    """What the hall knows now, from its memory."""
    with q.journal.lock:
        q.fresh()
        now = q.now()
        waiting = q.waiting()
        occupancy = occupancy_s(q)
        # A window counts once its clerk has signed on, until it pauses or closes.
        free_at = {n: now for n, w in q.windows.items() if w.known and w.state not in ("paused", "closed")}
        for n in free_at:
            cur = q.current(n)
            if cur is not None and cur.called_at is not None:
                mean = occupancy[cur.service]
                free_at[n] = now + max(mean - (now - cur.called_at), RESIDUAL_FLOOR * mean)
        rates = q.arrival_rates(now)
    return Snapshot(now, waiting, free_at, occupancy, rates)


def _arrivals(snap: Snapshot, target: Ticket) -> Iterator[tuple[float, int, str, str]]:
    """Expected tickets to come that could be called before the target, evenly spaced, in
    time order: (at, id, service, priority), made only as far as the replay asks."""
    bonus = PRIORITY_BONUS.get(target.priority, 0.0)
    streams = [(snap.now + 0.5 / rate, 1.0 / rate, service, prio) for (service, prio), rate in snap.rates.items()
               # same service and no more priority: always called after the target
               if service != target.service or PRIORITY_BONUS.get(prio, 0.0) > bonus]
    heapq.heapify(streams)
    n = 0
    while streams and n < MAX_TO_COME and (head := streams[0])[0] < snap.now + HORIZON_S:
        n += 1
        yield head[0], -n, head[2], head[3]
        heapq.heapreplace(streams, (head[0] + head[1], *head[1:]))


def forecast(hall: HallConfig, snap: Snapshot, target: Ticket) -> float | None:
    """Seconds until `target` is called, by replaying the calling order; None if no open
    window may call it."""
    weights = {w.number: w.services for w in hall.windows if w.number in snap.free_at}
    if not any(target.service in s and target.target_window in (None, n) for n, s in weights.items()):
        return None
    # Tickets of one service, priority and reservation are called first come, first served:
    # one line each, and a free window compares only the heads of the lines it may call.
    lines: dict[tuple[str, float, int | None], deque[tuple[float, int]]] = {}
    for tk in sorted([*snap.waiting, target], key=lambda tk: (tk.queued_at, tk.order)):
        lines.setdefault((tk.service, PRIORITY_BONUS.get(tk.priority, 0.0), tk.target_window), deque()) \
            .append((tk.queued_at, tk.order))
    to_come = _arrivals(snap, target)
    coming = next(to_come, None)
    free = [(at, n) for n, at in snap.free_at.items()]
    heapq.heapify(free)
    for _ in range(MAX_STEPS):
        if not free:
            return None
        at, window = heapq.heappop(free)
        if at - snap.now > HORIZON_S:
            break
        while coming is not None and coming[0] <= at:
            arr_at, aid, service, prio = coming
            lines.setdefault((service, PRIORITY_BONUS.get(prio, 0.0), None), deque()).append((arr_at, aid))
            coming = next(to_come, None)
        served = weights[window]
        best, best_key = None, None
        for (service, bonus, only), line in lines.items():
            if line and service in served and only in (None, window):
                queued, tid = line[0]
                key = ((at - queued) * served[service] + bonus, -queued, -tid)
                if best_key is None or key > best_key:
                    best, best_key = (service, bonus, only), key
        if best is None:  # nothing for this window yet: it waits for the next arrival
            if coming is not None:
                heapq.heappush(free, (coming[0], window))
            continue
        if lines[best].popleft()[1] == target.order:
            return at - snap.now
        heapq.heappush(free, (at + snap.occupancy_s[best[0]], window))
    return HORIZON_S


def estimate_wait_min(q: HallQueue, ticket: Ticket) -> float | None:
    """Minutes until `ticket` is likely to be called, or None when no open window serves it."""
    seconds = forecast(q.hall, snapshot(q), ticket)
    return None if seconds is None else round(seconds / 60.0, 1)
