"""The soak test's judgement (devkit/soak.py) on series whose answer is known: a leak that grows
with the work is caught, a flat but noisy process (a garbage collection, a burst, a reconnect's
short-lived threads) is not, and a restarted process is judged on its last incarnation only."""
from __future__ import annotations

import random

import pytest

from devkit.soak import Sample, cumulative, judge, theil_sen


def series(values, *, pid=100, t0=0.0, step=2.0, fds=20, threads=12):
    return [Sample(t0 + i * step, pid, v, fds if isinstance(fds, int) else fds[i],
                   threads if isinstance(threads, int) else threads[i]) for i, v in enumerate(values)]


def test_theil_sen_ignores_outliers():
    xs = list(range(40))
    ys = [3.0 * x for x in xs]
    ys[5], ys[20], ys[33] = 900.0, -400.0, 5000.0
    assert theil_sen(xs, ys) == pytest.approx(3.0)
    assert theil_sen([1.0], [2.0]) == 0.0


def growing(trends):
    return {t.what for t in trends if t.growing}


def test_a_flat_noisy_process_is_not_growing():
    rng = random.Random(1)
    rss = [100 + rng.gauss(0, 3) for _ in range(120)]
    rss[60] += 30                                           # one burst
    threads = [12 + (1 if i % 17 == 0 else 0) for i in range(120)]   # a reconnect's short-lived thread
    assert growing(judge("controller", series(rss, threads=threads), warmup_until=60)) == set()


def test_leaks_that_grow_with_the_work_are_caught():
    n = 120
    fds = [20 + i // 4 for i in range(n)]                  # an fd every few tickets
    rss = [100 + 0.8 * i + random.Random(i).gauss(0, 2) for i in range(n)]   # 5 KB x 15,000 requests ~ 70 MB
    threads = [12 + i // 10 for i in range(n)]           # a thread every few dozen tickets
    assert growing(judge("controller", series(rss, fds=fds, threads=threads), warmup_until=60)) == {
        "rss_mb", "fds", "threads"}


def test_growth_during_warm_up_is_not_judged():
    rss = [60 + min(i, 30) * 1.5 for i in range(120)]      # grows while it warms up, then flat
    assert growing(judge("printer", series(rss), warmup_until=70)) == set()


def test_a_restarted_process_is_judged_on_its_last_incarnation():
    before = series([50 + i for i in range(40)], pid=1)    # would be a leak, but it was restarted
    after = series([50.0] * 60, pid=2, t0=80)
    trends = judge("platform", before + after, warmup_until=20)
    assert growing(trends) == set() and all(t.samples == 60 for t in trends)


def test_the_days_arrivals_add_up():
    shares = [cumulative(x / 100) for x in range(101)]
    assert shares[0] == 0 and shares[-1] == pytest.approx(1.0)
    assert all(a <= b for a, b in zip(shares, shares[1:]))
    # the busy hours (08:00-18:00, 2 to 12 hours into a day that starts at 06:00) take most tickets
    assert cumulative(12 / 24) - cumulative(2 / 24) > 0.6
