"""When each waiting ticket will be called: the hall's calling order replayed forward.

Pure: everything comes in a `Snapshot` (hall_controller.core.estimate builds one from the
database; an in-memory queue builds it from what it keeps). docs/queue.md explains the model.

The replay follows `calling` exactly: each window, when free, takes among the heads of the
lines it may call the one with the highest score (waiting time x weight + priority bonus).
Tickets of one line (service, priority, reservation) are called first come, first served,
so a window compares a few heads, never the whole queue. The tickets still to come are
evenly spaced streams at the measured rates, read off in closed form (the k-th arrival of a
stream comes at now + (k - 1/2) / rate): none is made unless a window calls it.

The replay is bounded: after `max_calls` calls it stops and a fluid model gives the rest.
Each window goes on splitting its time among its services as it did in the replay; a service
whose backlog runs out keeps only what its arrivals need and leaves the rest to the other
services of its windows. A ticket still waiting is called once its service has called the
tickets that precede it in the calling order: those waiting, and those to come that overtake
it before it is called. So the cost of an estimate does not grow with the number of waiting
tickets, the arrival rates or the length of the day, and `forecast_all` gives every waiting
ticket's estimate from one replay.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from config.schema import HallConfig
from hall_controller.core.queue import PRIORITY_BONUS, Ticket

RESIDUAL_FLOOR = 0.25    # a current ticket past its mean still needs this share of the mean
HORIZON_S = 8 * 3600.0   # do not look further ahead than a working day
MAX_CALLS = 32           # calls replayed one by one; the rest is the fluid model
PAUSE_EVERY = 128        # tickets between two pauses of a background caller of forecast_all
PRIOR_CALLS = 1.0        # the fluid model's prior split of a window, worth this many of its tickets
PRIOR_WORK_S = 3600.0    # the prior splits by weight x the work waiting and coming within this time
STEPS_PER_CALL = 4       # bound on a window's idle waits for the next arrival, per call

LineKey = tuple[str, str, int | None]     # (service, priority, reserved window or None)
Entry = tuple[float, int]                 # (queued_at, the ticket's order of issue in its hall)


def line_key(t: Ticket) -> LineKey:
    return (t.service, t.priority, t.target_window)


@dataclass
class Snapshot:
    """What the hall knows at one moment; `forecast` needs nothing else and changes nothing.

    An in-memory queue keeps every field up to date as it goes, each in constant or
    logarithmic time per transition, and may hand its own containers to `forecast` (no copy)
    as long as it does not change them during the call:

    now
        the queue clock's time (seconds since the epoch).
    lines
        the waiting tickets, one line per (service, priority, target_window) as the ticket
        is now: a sequence of (queued_at, id), sorted ascending, supporting len() and
        indexing (a list). Issue: append (queued_at is now; `bisect.insort` if clocks of
        several processes interleave). Call (next or by number), cancel, the day's roll-over:
        remove the entry (bisect + del; a call is nearly always the head). A re-queued
        no-show: into (service, "normal", None) at its new queued_at. A transfer: into
        (new service, "returning" or "front", to_window) with its new queued_at (a "front"
        transfer keeps issued_at, so insort). Empty lines may stay or go.
    free_at
        open window (signed on, neither paused nor closed) -> when its clerk will be free:
        `free_at(now, open_windows, current, occupancy_s)` from each open window's current
        ticket (service, called_at). Windows not open are absent.
    occupancy_s
        service -> mean seconds a ticket occupies a window (call to finish, no-shows
        included), for every service of the hall: starts the day at avg_service_min x 60;
        on every finished or no-show ticket, mean = `learn_occupancy(mean, finished - called)`.
    rates
        (service, priority at issue) -> tickets issued per second: count issued in the last
        `span` seconds / span, span = max(min(1800, now - the day's first issue), 600) (a deque
        of issue times per key, dropping those older than 1800 s). Missing or zero: none come.
    """
    now: float
    lines: Mapping[LineKey, Sequence[Entry]]
    free_at: Mapping[int, float]
    occupancy_s: Mapping[str, float]
    rates: Mapping[tuple[str, str], float]

    @classmethod
    def of(cls, now: float, waiting: Iterable[Ticket], free_at: Mapping[int, float],
           occupancy_s: Mapping[str, float], rates: Mapping[tuple[str, str], float]) -> Snapshot:
        """A snapshot from a list of waiting tickets (the database's view, and tests)."""
        lines: dict[LineKey, list[Entry]] = {}
        for t in sorted(waiting, key=lambda t: (t.queued_at, t.order)):
            lines.setdefault(line_key(t), []).append((t.queued_at, t.order))
        return cls(now, lines, dict(free_at), dict(occupancy_s), dict(rates))


ALPHA = 0.25             # weight of the newest occupancy in the running mean
MIN_OCCUPANCY_S = 20.0   # a recorded occupancy below this is a slip of the finger


def learn_occupancy(mean: float, span_s: float) -> float:
    """The running mean of a service's occupancy after one more finished ticket."""
    return (1 - ALPHA) * mean + ALPHA * max(MIN_OCCUPANCY_S, span_s)


def free_at(now: float, open_windows: Iterable[int], current: Mapping[int, tuple[str, float]],
            occupancy_s: Mapping[str, float]) -> dict[int, float]:
    """When each open window's clerk is free: now if idle; else its current ticket's mean
    occupancy minus the time it has already had, but at least RESIDUAL_FLOOR of the mean."""
    out = {}
    for w in open_windows:
        out[w] = now
        if w in current:
            service, called_at = current[w]
            mean = occupancy_s[service]
            out[w] = now + max(mean - (now - called_at), RESIDUAL_FLOOR * mean)
    return out


def people_ahead(snap: Snapshot, t: Ticket) -> int:
    """Waiting tickets of the same service queued before `t` or of a higher priority, as
    HallQueue.people_ahead counts them (the figure printed on the ticket): O(lines x log n)."""
    bonus, key = PRIORITY_BONUS.get(t.priority, 0.0), (t.queued_at, t.order)
    return sum(len(line) if PRIORITY_BONUS.get(prio, 0.0) > bonus else bisect_left(line, key)
               for (service, prio, _), line in snap.lines.items() if service == t.service)


def forecast(hall: HallConfig, snap: Snapshot, target: Ticket, *, max_calls: int = MAX_CALLS) -> float | None:
    """Seconds until `target` is called (at most HORIZON_S); None if no open window may call it.
    The target need not be in the snapshot's lines (it is then counted where it would queue)."""
    replay = _Replay(hall, snap, target)
    pos = replay.target
    if pos is None:
        return None
    called = replay.run(max_calls, stop=pos)
    return called if called is not None else replay.rest(*pos)


def forecast_all(hall: HallConfig, snap: Snapshot, *, max_calls: int = MAX_CALLS,
                 pause: Callable[[], None] | None = None) -> dict[int, float | None]:
    """Every waiting ticket's `forecast`, from one replay: ticket id -> seconds or None.
    `pause()` is called between every PAUSE_EVERY tickets (background work gives way there)."""
    replay = _Replay(hall, snap)
    out: dict[int, float | None] = {tid: None for line in snap.lines.values() for _, tid in line}
    replay.run(max_calls, record=out)
    done = 0
    for i, entries in enumerate(replay.entries):
        for p in range(replay.cursor[i], len(entries)):
            out[entries[p][1]] = replay.rest(i, p)
            done += 1
            if pause is not None and done % PAUSE_EVERY == 0:
                pause()
    return out


class _Replay:
    """The state of one replay; lines are numbered, windows too, for speed."""

    def __init__(self, hall: HallConfig, snap: Snapshot, target: Ticket | None = None) -> None:
        self.now = now = snap.now
        lines, rates, occupancy = snap.lines, snap.rates, snap.occupancy_s
        by_service: dict[str, dict[LineKey, Sequence[Entry]]] = {}
        for k, line in lines.items():
            if line:
                by_service.setdefault(k[0], {})[k] = line
        for (s, p), r in rates.items():
            if r > 0 and s in occupancy:
                by_service.setdefault(s, {}).setdefault((s, p, None), ())
        if target is not None:
            by_service.setdefault(target.service, {}).setdefault(line_key(target), ())
        # Number the lines an open window may call (the others take no part: their tickets
        # have no estimate) and list, for each open window, the lines it may call.
        free_at = snap.free_at
        self.windows = windows = [w for w in hall.windows if w.number in free_at]
        index: dict[LineKey, int] = {}
        keys: list[LineKey] = []
        self.entries = entries = []
        self.bonus, self.occupancy, self.gap = bonus, occ, gap = [], [], []
        self.heads = []
        for w in windows:
            heads = []
            for s, weight in w.services.items():
                for k, line in by_service.get(s, {}).items():
                    if k[2] is None or k[2] == w.number:
                        i = index.get(k)
                        if i is None:
                            i = index[k] = len(keys)
                            keys.append(k)
                            entries.append(line)
                            bonus.append(PRIORITY_BONUS.get(k[1], 0.0))
                            occ.append(occupancy[k[0]])
                            rate = rates.get((k[0], k[1]), 0.0) if k[2] is None else 0.0
                            gap.append(1.0 / rate if rate > 0 else 0.0)   # 0: no stream
                        heads.append((i, weight))
            self.heads.append(heads)
        self.keys, self.index = keys, index
        self.cursor = [0] * len(keys)
        self.came = [0] * len(keys)                      # stream tickets called so far
        self.free = [(free_at[w.number], j) for j, w in enumerate(windows)]
        heapq.heapify(self.free)
        self.log: list[tuple[int, int]] = []             # (window, line) of every call replayed
        self.occupancy_s = occupancy
        self.ended = "empty"
        self.at = now
        self._phases: dict[str, list[tuple[float, float, float]]] | None = None
        self._weights: dict[str, float] = {}
        self.target = None
        if target is not None and line_key(target) in self.index:
            i = self.index[line_key(target)]
            entry = (target.queued_at, target.order)
            line = self.entries[i]
            p = bisect_left(line, entry)
            if p == len(line) or line[p] != entry:   # not in the snapshot: counted where it would queue
                line = list(line)
                insort(line, entry)
                self.entries[i] = line
            self.target = (i, p)

    def run(self, max_calls: int, stop: tuple[int, int] | None = None,
            record: dict[int, float | None] | None = None) -> float | None:
        """Replay up to `max_calls` calls. Returns the seconds until `stop` (line, position) is
        called if it is; else None, with `ended` saying why: "calls" (the bound), "horizon"
        or "empty" (no window has anything left to call)."""
        now, free, entries, cursor, bonus = self.now, self.free, self.entries, self.cursor, self.bonus
        gap, came, heads, occupancy, log = self.gap, self.came, self.heads, self.occupancy, self.log
        sizes = [len(e) for e in entries]
        calls, steps, max_steps = 0, 0, STEPS_PER_CALL * max_calls + len(free)
        while free:
            at, j = free[0]
            self.at = at
            if at - now > HORIZON_S:
                self.ended = "horizon"
                return None
            if calls >= max_calls or steps >= max_steps:
                self.ended = "calls"
                return None
            steps += 1
            best, best_key, best_q, best_id, wake = -1, 0.0, 0.0, 0, None
            for i, weight in heads[j]:
                c = cursor[i]
                if c < sizes[i]:
                    q, tid = entries[i][c]
                elif gap[i]:
                    q, tid = now + (came[i] + 0.5) * gap[i], -came[i] - 1
                    if q > at:   # the next of this stream has not come yet
                        wake = q if wake is None or q < wake else wake
                        continue
                else:
                    continue
                key = (at - q) * weight + bonus[i]
                # ties go to the earlier ticket, then the lower id, as in HallQueue.ordered_for
                if best < 0 or key > best_key or (key == best_key and (q, tid) < (best_q, best_id)):
                    best, best_key, best_q, best_id = i, key, q, tid
            if best < 0:   # nothing for this window yet: it waits for the next arrival it may call
                if wake is None:
                    heapq.heappop(free)
                else:
                    heapq.heapreplace(free, (wake, j))
                continue
            calls += 1
            c = cursor[best]
            if c < sizes[best]:
                if stop is not None and stop == (best, c):
                    return at - now
                if record is not None:
                    record[best_id] = at - now
                cursor[best] = c + 1
            else:
                came[best] += 1
            log.append((j, best))
            heapq.heapreplace(free, (at + occupancy[best], j))
        self.ended = "empty"
        return None

    def rest(self, i: int, p: int) -> float | None:
        """Seconds until the ticket at position p of line i is called, once the replay has
        stopped before calling it (`ended`): when its service has called the tickets that
        precede it in the calling order, the waiting ones and those to come that overtake it."""
        if self.ended == "horizon":
            return HORIZON_S
        if self.ended == "empty":   # cannot happen while a window may call line i; kept safe
            return None
        service, _, only = self.keys[i]
        weight = self._mean_weight(service)
        v = self.entries[i][p][0] - self.bonus[i] / weight   # its place in the service's order
        ahead = p - self.cursor[i]
        streams = []
        for j, (s, _, reserved) in enumerate(self.keys):
            if s != service or (only is not None and reserved not in (None, only)):
                continue
            bound = v + self.bonus[j] / weight   # tickets of line j queued before this precede it
            if j != i:
                ahead += max(0, bisect_left(self.entries[j], (bound,), self.cursor[j]) - self.cursor[j])
            if self.gap[j] and bound > self.now:
                streams.append((self.gap[j], self.came[j], bound))
        return min(_first_call(self.now, self._fluid()[service], ahead, streams) - self.now, HORIZON_S)

    def _fluid(self) -> dict[str, list[tuple[float, float, float]]]:
        """The fluid model, once per replay: per service, the tickets the windows call from
        where the replay stopped, as phases (from, calls by then, calls per second).

        Each window splits its time among its services as it did during the replay, from a
        prior worth PRIOR_CALLS of its tickets (its weights times the work of its services,
        waiting and coming within PRIOR_WORK_S), so that a replay of few calls does not stand
        for the whole day. A service whose backlog runs out keeps of its windows' time only
        what its arrivals need; the rest goes to the other services of those windows."""
        if self._phases is not None:
            return self._phases
        now, t, occ = self.now, self.at, self.occupancy_s
        services = sorted({k[0] for k in self.keys})
        backlog, arriving = dict.fromkeys(services, 0.0), dict.fromkeys(services, 0.0)
        for i, (s, _, _) in enumerate(self.keys):
            backlog[s] += len(self.entries[i]) - self.cursor[i]
            if self.gap[i]:
                backlog[s] += max(0.0, (t - now) / self.gap[i] - 0.5 - self.came[i])
                arriving[s] += 1.0 / self.gap[i]
        work = {s: (backlog[s] + arriving[s] * PRIOR_WORK_S) * occ[s] for s in services}
        busy = [dict.fromkeys(w.services, 0.0) for w in self.windows]   # seconds given to each service
        for j, i in self.log:
            busy[j][self.keys[i][0]] += self.occupancy[i]
        shares = []
        for j, w in enumerate(self.windows):
            prior = {s: x * work[s] for s, x in w.services.items() if s in work}
            weight = PRIOR_CALLS * sum(occ[s] for s in w.services) / len(w.services)
            norm, given = sum(prior.values()) or 1.0, busy[j]
            total = sum(given.values()) + weight
            shares.append({s: (given[s] + weight * x / norm) / total for s, x in prior.items()})
        phases: dict[str, list[tuple[float, float, float]]] = {s: [] for s in services}
        calls, drained = dict.fromkeys(services, 0.0), set()
        while True:
            rate = {s: sum(x.get(s, 0.0) for x in shares) / occ[s] for s in services}
            for s in services:
                phases[s].append((t, calls[s], rate[s]))
            ends = [(backlog[s] / (rate[s] - arriving[s]), s) for s in services
                    if s not in drained and rate[s] > arriving[s]]
            if not ends:
                break
            dt, out = min(ends)
            if t + dt - now > HORIZON_S:
                break
            for s in services:
                calls[s] += rate[s] * dt
                if s not in drained:
                    backlog[s] = max(0.0, backlog[s] + (arriving[s] - rate[s]) * dt)
            t += dt
            backlog[out] = 0.0
            drained.add(out)
            given = sum(x.get(out, 0.0) for x in shares)
            keep = min(1.0, arriving[out] * occ[out] / given) if given else 0.0
            for x in shares:
                if x.get(out):
                    freed, x[out] = x[out] * (1.0 - keep), x[out] * keep
                    others = [s for s in x if s not in drained]
                    base = sum(x[s] for s in others)
                    for s in others:
                        x[s] += freed * (x[s] / base if base else 1.0 / len(others))
        self._phases = phases
        return phases

    def _mean_weight(self, service: str) -> float:
        """The weight that turns a priority bonus into seconds of waiting, for the fluid model:
        the mean of the open windows' weights for the service."""
        if service not in self._weights:
            weights = [w.services[service] for w in self.windows if service in w.services]
            self._weights[service] = sum(weights) / len(weights)
        return self._weights[service]


def _first_call(now: float, phases: list[tuple[float, float, float]], ahead: float,
                streams: list[tuple[float, int, float]]) -> float:
    """The first time the service's calls since the replay stopped (phases: from, calls by
    then, calls per second) reach `ahead` plus the overtakers: each stream (gap, called,
    bound) adds its tickets come by then, queued before `bound`, not called in the replay.
    Arrivals of a stream by time x, as a fluid: max(0, (x - now) / gap - 1/2). Everything is
    piecewise linear, so it is solved segment by segment; inf if never."""
    def come(x: float, gap: float) -> float:
        return max(0.0, (x - now) / gap - 0.5)

    start = phases[0][0]
    marks = sorted({m for gap, called, bound in streams for m in (now + (called + 0.5) * gap, bound) if m > start}
                   | {p[0] for p in phases if p[0] > start})
    t, k = start, 0
    for mark in [*marks, float("inf")]:
        while k + 1 < len(phases) and phases[k + 1][0] <= t:
            k += 1
        t0, c0, rate = phases[k]
        short = ahead + sum(max(0.0, come(min(t, bound), gap) - called) for gap, called, bound in streams) \
            - (c0 + rate * (t - t0))
        if short <= 0:
            return t
        slope = rate - sum(1.0 / gap for gap, called, bound in streams if now + (called + 0.5) * gap <= t < bound)
        if slope > 0 and t + short / slope < mark:
            return t + short / slope
        t = mark
    return t
