"""Waiting-time estimates on simulated days (devkit/sim.py, real queue on SQLite): mean
absolute error, in minutes, of the hall's estimate next to the naive one, next to a
per-window capacity estimate and next to the forecast this project had before, per scenario
and overall; then what one estimate costs, on those days and on made-up days of 100 and
20,000 tickets. Plain script: `.venv/bin/python bench/bench_estimate.py [days per scenario]`.

naive    = people ahead (as printed on the ticket) x the service's configured average time
capacity = people ahead x learned time per ticket / open capacity for the service (the
           estimator this project had first: each open window counts for its weight share)
ours     = hall_controller.core.estimate.estimate_wait_min: forecast.forecast on the snapshot
old      = the forecast before it was bounded (a copy below, kept for this comparison only):
           every waiting ticket sorted and every arrival to come made, per estimate

The costs are of the forecast alone, given the snapshot (which the in-memory queue keeps);
building the snapshot from the queue's memory is printed apart.
"""
from __future__ import annotations

import heapq
import os
import random
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config.schema import HallConfig  # noqa: E402
from devkit.sim import HallDay, naive_min, scenarios  # noqa: E402
from hall_controller.core.estimate import occupancy_s, snapshot  # noqa: E402
from hall_controller.core.forecast import Snapshot, forecast, forecast_all, free_at  # noqa: E402
from hall_controller.core.queue import PRIORITY_BONUS, HallQueue, Ticket  # noqa: E402
from hall_controller.store.db import make_engine  # noqa: E402

LIMIT_RATIO = 0.58   # ours / naive of the forecast before it was bounded (docs/queue.md, 12 days)


# -- the old forecast, as it was (hall_controller/core/estimate.py before the bound) ----------
OLD_HORIZON_S, OLD_MAX_STEPS, OLD_MAX_TO_COME = 8 * 3600.0, 20000, 2000


@dataclass
class OldSnapshot:
    now: float
    waiting: list[Ticket]
    free_at: dict[int, float]
    occupancy_s: dict[str, float]
    rates: dict[tuple[str, str], float]


def old_arrivals(snap: OldSnapshot, target: Ticket) -> Iterator[tuple[float, int, str, str]]:
    bonus = PRIORITY_BONUS.get(target.priority, 0.0)
    streams = [(snap.now + 0.5 / rate, 1.0 / rate, service, prio) for (service, prio), rate in snap.rates.items()
               if service != target.service or PRIORITY_BONUS.get(prio, 0.0) > bonus]
    heapq.heapify(streams)
    n = 0
    while streams and n < OLD_MAX_TO_COME and (head := streams[0])[0] < snap.now + OLD_HORIZON_S:
        n += 1
        yield head[0], -n, head[2], head[3]
        heapq.heapreplace(streams, (head[0] + head[1], *head[1:]))


def old_forecast(hall: HallConfig, snap: OldSnapshot, target: Ticket) -> float | None:
    weights = {w.number: w.services for w in hall.windows if w.number in snap.free_at}
    if not any(target.service in s and target.target_window in (None, n) for n, s in weights.items()):
        return None
    lines: dict[tuple[str, float, int | None], deque[tuple[float, int]]] = {}
    for tk in sorted([*snap.waiting, target], key=lambda tk: (tk.queued_at, tk.order)):
        lines.setdefault((tk.service, PRIORITY_BONUS.get(tk.priority, 0.0), tk.target_window), deque()) \
            .append((tk.queued_at, tk.order))
    to_come = old_arrivals(snap, target)
    coming = next(to_come, None)
    free = [(at, n) for n, at in snap.free_at.items()]
    heapq.heapify(free)
    for _ in range(OLD_MAX_STEPS):
        if not free:
            return None
        at, window = heapq.heappop(free)
        if at - snap.now > OLD_HORIZON_S:
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
        if best is None:
            if coming is not None:
                heapq.heappush(free, (coming[0], window))
            continue
        if lines[best].popleft()[1] == target.order:
            return at - snap.now
        heapq.heappush(free, (at + snap.occupancy_s[best[0]], window))
    return OLD_HORIZON_S


# -- the simulated days ----------------------------------------------------------------------
def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


class Estimates:
    """"ours" and "old" from one snapshot per ticket, each forecast timed alone."""

    def __init__(self) -> None:
        self.us: dict[str, list[float]] = {"ours": [], "old": []}
        self.snapshot_ms: list[float] = []
        self.old: dict[int, float | None] = {}

    def ours(self, q: HallQueue, t: Ticket) -> float | None:
        started = time.perf_counter()
        snap = snapshot(q)
        self.snapshot_ms.append(1000 * (time.perf_counter() - started))
        old_snap = OldSnapshot(snap.now, q.waiting(), dict(snap.free_at), dict(snap.occupancy_s), dict(snap.rates))
        started = time.perf_counter()
        ours = forecast(q.hall, snap, t)
        self.us["ours"].append(1e6 * (time.perf_counter() - started))
        started = time.perf_counter()
        self.old[t.order] = old_forecast(q.hall, old_snap, t)
        self.us["old"].append(1e6 * (time.perf_counter() - started))
        return minutes(ours)

    def old_min(self, q: HallQueue, t: Ticket) -> float | None:
        return minutes(self.old[t.order])


def capacity_min(q: HallQueue, t: Ticket) -> float | None:
    share = sum(w.services[t.service] / sum(w.services.values()) for w in q.hall.windows
                if t.service in w.services and q.has_window_row(w.number)
                and q.window_state(w.number)["state"] not in ("paused", "closed"))
    if share <= 0:
        return None
    mean = occupancy_s(q)[t.service]
    return q.people_ahead(t) * mean / share / 60.0


def errors(records, name: str) -> list[float]:
    """Absolute errors over the tickets for which *ours* gave a figure (the same set for all)."""
    return [abs(r.estimates[name] - r.wait_min) for r in records
            if r.wait_min is not None and r.estimates["ours"] is not None and r.estimates[name] is not None]


def quantiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"mean {statistics.mean(values):7.1f}, p50 {q[49]:7.1f}, p99 {q[98]:7.1f}"


def simulated_days(days: int) -> Estimates:
    est = Estimates()
    estimators = {"ours": est.ours, "old": est.old_min, "naive": naive_min, "capacity": capacity_min}
    names = list(estimators)
    tmp = Path(tempfile.mkdtemp(prefix="bench-estimate-"))
    print(f"{days} simulated days per scenario; MAE in minutes over the tickets the hall gave a figure for")
    print(f"{'scenario':18s} {'tickets':>7s} {'no fig':>6s} {'wait':>6s} {'ours':>6s} {'old':>6s} {'naive':>6s} "
          f"{'capac.':>6s} {'ours/naive':>10s} {'old/naive':>9s} {'ours/capac.':>11s}")
    overall: dict[str, list[float]] = {n: [] for n in names}
    for sc in scenarios():
        recs = []
        for seed in range(1, days + 1):
            engine = make_engine(f"sqlite:///{tmp}/{sc.hall.id}-{seed}.db")
            recs += HallDay(sc, engine, estimators, seed).run().records
            engine.dispose()
        errs = {n: errors(recs, n) for n in names}
        for n in names:
            overall[n] += errs[n]
        mae = {n: statistics.mean(e) for n, e in errs.items()}
        no_fig = sum(1 for r in recs if r.estimates["ours"] is None)
        wait = statistics.mean(r.wait_min for r in recs if r.wait_min is not None)
        print(f"{sc.name:18s} {len(recs):7d} {no_fig:6d} {wait:6.1f} {mae['ours']:6.2f} {mae['old']:6.2f} "
              f"{mae['naive']:6.2f} {mae['capacity']:6.2f} {mae['ours'] / mae['naive']:10.2f} "
              f"{mae['old'] / mae['naive']:9.2f} {mae['ours'] / mae['capacity']:11.2f}")
    mae = {n: statistics.mean(e) for n, e in overall.items()}
    print(f"{'overall':18s} {len(overall['ours']):7d} {'':6s} {'':6s} {mae['ours']:6.2f} {mae['old']:6.2f} "
          f"{mae['naive']:6.2f} {mae['capacity']:6.2f} {mae['ours'] / mae['naive']:10.2f} "
          f"{mae['old'] / mae['naive']:9.2f} {mae['ours'] / mae['capacity']:11.2f}")
    ratio = mae['ours'] / mae['naive']
    print(f"ours / naive {ratio:.3f}, limit {LIMIT_RATIO} ({'ok' if ratio <= LIMIT_RATIO else 'WORSE'}); "
          f"the old forecast in this run: {mae['old'] / mae['naive']:.3f}")
    return est


# -- made-up days of any size --------------------------------------------------------------
SHARES = {"A": 20, "B": 12, "C": 5}                                   # the city hall's loads
PRIORITIES = {"normal": 0.78, "appointment": 0.12, "green": 0.10}


def made_up_day(hall: HallConfig, per_day: int, rng: random.Random) -> tuple[Snapshot, OldSnapshot, list[Ticket]]:
    """The hall at noon of a day that brings `per_day` tickets in 8 hours: arrival rates to
    match, and the tickets the windows could not serve in the 4 hours so far still waiting
    (at least 5); every window busy since a random part of its citizen's time."""
    now = 1_770_000_000.0
    occupancy = {s.code: s.avg_service_min * 60.0 for s in hall.services}
    total = sum(SHARES.values())
    rates = {(s, p): per_day * SHARES[s] / total * share / (8 * 3600) for s in SHARES for p, share in PRIORITIES.items()}
    served = sum(4 * 3600 / occupancy[min(w.services, key=lambda s: -w.services[s])] for w in hall.windows)
    n = max(5, int(per_day / 2 - served))
    waiting = []
    for tid in range(1, n + 1):
        service = rng.choices(list(SHARES), weights=list(SHARES.values()))[0]
        prio = rng.choices(list(PRIORITIES), weights=list(PRIORITIES.values()))[0]
        queued = now - 4 * 3600 * (n - tid) / n
        waiting.append(Ticket(f"{service}{tid:03d}", service, prio, "waiting", None, queued, queued, None, 0, "",
                              id=tid))
    current = {w.number: (s, now - rng.uniform(0, occupancy[s])) for w in hall.windows
               for s in [rng.choice(list(w.services))]}
    free = free_at(now, [w.number for w in hall.windows], current, occupancy)
    return (Snapshot.of(now, waiting, free, occupancy, rates), OldSnapshot(now, waiting, free, occupancy, rates),
            waiting)


def cost_us(fn, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return 1e6 * (time.perf_counter() - started) / repeat


def day_sizes() -> None:
    hall = next(s.hall for s in scenarios() if s.name == "city hall peak")
    rng = random.Random(7)
    print(f"one estimate on a made-up day of the city hall ({len(hall.windows)} windows) at noon, in microseconds:")
    print(f"{'tickets/day':>11s} {'waiting':>7s} {'newest ours':>11s} {'newest old':>10s} {'any ours':>8s} "
          f"{'any old':>8s} {'forecast_all per ticket':>23s}")
    for per_day in (100, 20_000):
        snap, old_snap, waiting = made_up_day(hall, per_day, rng)
        newest = waiting[-1]
        sample = rng.sample(waiting, min(50, len(waiting)))
        slow = per_day > 1000
        ours_new = cost_us(partial(forecast, hall, snap, newest), 200)
        old_new = cost_us(partial(old_forecast, hall, old_snap, newest), 3 if slow else 200)
        ours_any = statistics.mean(cost_us(partial(forecast, hall, snap, t), 20) for t in sample)
        old_any = statistics.mean(cost_us(partial(old_forecast, hall, old_snap, t), 1 if slow else 20)
                                  for t in sample[:5 if slow else 50])
        everyone = cost_us(partial(forecast_all, hall, snap), 3 if slow else 200) / len(waiting)
        print(f"{per_day:11d} {len(waiting):7d} {ours_new:11.1f} {old_new:10.1f} {ours_any:8.1f} {old_any:8.1f} "
              f"{everyone:23.2f}")


def main() -> int:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    started = time.perf_counter()
    est = simulated_days(days)
    print(f"one estimate on those days, forecast only, microseconds: ours {quantiles(est.us['ours'])}; "
          f"old {quantiles(est.us['old'])} over {len(est.us['ours'])} estimates "
          f"(ours / old {statistics.mean(est.us['ours']) / statistics.mean(est.us['old']):.3f})")
    print(f"the snapshot from the queue's memory, milliseconds: {quantiles(est.snapshot_ms)}")
    day_sizes()
    print(f"{date.today()}, {os.cpu_count()} cores; simulated {days * len(scenarios())} days and the made-up ones "
          f"in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
