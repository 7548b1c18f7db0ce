"""Waiting-time estimates on simulated days (devkit/sim.py, real queue on SQLite):
mean absolute error, in minutes, of the hall's estimate next to the naive one and next to
a per-window capacity estimate, per scenario and overall, and the time to compute one.
Plain script: `.venv/bin/python bench/bench_estimate.py [days per scenario]`.

naive    = people ahead (as printed on the ticket) x the service's configured average time
capacity = people ahead x learned time per ticket / open capacity for the service (the
           estimator this project had before: each open window counts for its weight share)
ours     = hall_controller.core.estimate.estimate_wait_min (the calling order replayed forward)
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devkit.sim import HallDay, naive_min, scenarios  # noqa: E402
from hall_controller.core.estimate import estimate_wait_min, occupancy_s  # noqa: E402
from hall_controller.core.queue import HallQueue, Ticket  # noqa: E402
from hall_controller.store.db import make_engine  # noqa: E402


def capacity_min(q: HallQueue, t: Ticket) -> float | None:
    share = sum(w.services[t.service] / sum(w.services.values()) for w in q.hall.windows
                if t.service in w.services and q.has_window_row(w.number)
                and q.window_state(w.number)["state"] not in ("paused", "closed"))
    if share <= 0:
        return None
    with q.engine.connect() as conn:
        mean = occupancy_s(q, conn)[t.service]
    return q.people_ahead(t) * mean / share / 60.0


ESTIMATORS = {"ours": estimate_wait_min, "naive": naive_min, "capacity": capacity_min}


def errors(records, name: str) -> list[float]:
    """Absolute errors over the tickets for which *ours* gave a figure (the same set for all)."""
    return [abs(r.estimates[name] - r.wait_min) for r in records
            if r.wait_min is not None and r.estimates["ours"] is not None and r.estimates[name] is not None]


def main() -> int:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    tmp = Path(tempfile.mkdtemp(prefix="bench-estimate-"))
    print(f"{days} simulated days per scenario; MAE in minutes over the tickets the hall gave a figure for")
    print(f"{'scenario':18s} {'tickets':>7s} {'no fig':>6s} {'wait':>6s} {'ours':>6s} {'naive':>6s} "
          f"{'capac.':>6s} {'ours/naive':>10s} {'ours/capac.':>11s}")
    overall: dict[str, list[float]] = {n: [] for n in ESTIMATORS}
    timings: list[float] = []
    started = time.perf_counter()
    for sc in scenarios():
        recs = []
        for seed in range(1, days + 1):
            engine = make_engine(f"sqlite:///{tmp}/{sc.hall.id}-{seed}.db")
            result = HallDay(sc, engine, ESTIMATORS, seed).run()
            engine.dispose()
            recs += result.records
            timings += result.estimate_s["ours"]
        errs = {n: errors(recs, n) for n in ESTIMATORS}
        for n in ESTIMATORS:
            overall[n] += errs[n]
        mae = {n: statistics.mean(e) for n, e in errs.items()}
        no_fig = sum(1 for r in recs if r.estimates["ours"] is None)
        wait = statistics.mean(r.wait_min for r in recs if r.wait_min is not None)
        print(f"{sc.name:18s} {len(recs):7d} {no_fig:6d} {wait:6.1f} {mae['ours']:6.2f} {mae['naive']:6.2f} "
              f"{mae['capacity']:6.2f} {mae['ours'] / mae['naive']:10.2f} {mae['ours'] / mae['capacity']:11.2f}")
    mae = {n: statistics.mean(e) for n, e in overall.items()}
    print(f"{'overall':18s} {len(overall['ours']):7d} {'':6s} {'':6s} {mae['ours']:6.2f} {mae['naive']:6.2f} "
          f"{mae['capacity']:6.2f} {mae['ours'] / mae['naive']:10.2f} {mae['ours'] / mae['capacity']:11.2f}")
    q = statistics.quantiles(timings, n=100)
    print(f"one estimate (snapshot from SQLite + replay): mean {1000 * statistics.mean(timings):.2f} ms, "
          f"p50 {1000 * q[49]:.2f} ms, p99 {1000 * q[98]:.2f} ms over {len(timings)} estimates")
    print(f"simulated {days * len(scenarios())} days in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
