"""The forecast on hand-built snapshots: figures worked out by hand from the calling order,
the tickets to come, windows of several services, reservations, the bound on the work of one
estimate, and forecast_all agreeing with forecast ticket by ticket."""
import random

import pytest

from config.schema import HallConfig, ServiceConfig, WindowConfig
from hall_controller.core.forecast import (HORIZON_S, MAX_CALLS, STEPS_PER_CALL, Snapshot, forecast,
                                           forecast_all, free_at, people_ahead)
from hall_controller.core.queue import Ticket

NOW = 1_772_416_800.0   # 2026-03-02 10:00 in Shanghai


def hall(windows: dict[int, dict[str, float]], services="AB") -> HallConfig:
    return HallConfig(id="h", name="测试大厅", services=[ServiceConfig(code=c, name=f"业务{c}", name_en=f"Service {c}") for c in services],
                      windows=[WindowConfig(number=n, services=s) for n, s in windows.items()])


def ticket(tid: int, service: str, waited_s: float, priority="normal", target_window=None) -> Ticket:
    at = NOW - waited_s
    return Ticket(f"{service}{tid:03d}", service, priority, "waiting", None, at, at, None, 0, "2026-03-02",
                  target_window=target_window, id=tid)


def snap(waiting, free_in: dict[int, float], occupancy: dict[str, float], rates=None) -> Snapshot:
    return Snapshot.of(NOW, waiting, {w: NOW + s for w, s in free_in.items()}, occupancy, rates or {})


def test_green_tickets_to_come_delay_a_normal_one():
    h = hall({1: {"A": 1.0}})
    x, n = ticket(1, "A", 120), ticket(2, "A", 60)
    quiet = snap([x, n], {1: 0}, {"A": 600, "B": 600})
    assert forecast(h, quiet, n) == 600          # x at once, then n
    # A green ticket of A every 10 minutes: the first comes at +5 min and, worth 900 s of
    # waiting, is called at +10 before n (waited 660 s); at +20 n has waited 1260 s, more
    # than the second green (come at +15, 300 + 900): n goes then.
    busy = snap([x, n], {1: 0}, {"A": 600, "B": 600}, {("A", "green"): 1 / 600})
    assert forecast(h, busy, n) == 1200
    # with a green ticket already waiting (called first, at once), n goes at +30 min; normal
    # tickets to come queue behind n and change nothing
    g = ticket(3, "A", 30, "green")
    greens = {("A", "green"): 1 / 600}
    assert forecast(h, snap([x, n, g], {1: 0}, {"A": 600, "B": 600}, greens), n) == 1800
    assert forecast(h, snap([x, n, g], {1: 0}, {"A": 600, "B": 600}, {**greens, ("A", "normal"): 1 / 60}), n) == 1800
    # green tickets to come never overtake a green one already waiting, however many come
    for rate in (0, 1 / 600, 1 / 60):
        assert forecast(h, snap([x, g], {1: 600}, {"A": 600, "B": 600}, {("A", "green"): rate}), g) == 600


def test_a_window_weighs_its_two_services():
    # window 1 weighs B half: B waited 700 s scores 350, under A's 400, so A goes first; at
    # +5 min B scores 500 against the second A's 400.
    h = hall({1: {"A": 1.0, "B": 0.5}})
    a1, b, a2 = ticket(1, "A", 400), ticket(2, "B", 700), ticket(3, "A", 100)
    s = snap([a1, b, a2], {1: 0}, {"A": 300, "B": 300})
    assert [forecast(h, s, t) for t in (a1, b, a2)] == [0, 300, 600]
    even = hall({1: {"A": 1.0, "B": 1.0}})
    assert [forecast(even, s, t) for t in (a1, b, a2)] == [300, 0, 600]
    # a B ticket to come every 5 min comes at +150 s; at +600 s it has waited 450 s, x 0.5
    # scores 225, under a2's 700: no change. One at "front" priority (a transfer back to the
    # front of the queue) coming at +600 s is called before a2, which goes at +900 s.
    assert forecast(h, snap([a1, b, a2], {1: 0}, {"A": 300, "B": 300}, {("B", "normal"): 1 / 300}), a2) == 600
    front = snap([a1, b, a2], {1: 0}, {"A": 300, "B": 300}, {("B", "front"): 1 / 1200})
    assert forecast(h, front, a2) == 900


def test_a_reserved_ticket_waits_for_its_window():
    h = hall({1: {"A": 1.0}, 2: {"A": 1.0}})
    r, n = ticket(1, "A", 50, "returning", target_window=2), ticket(2, "A", 10)
    s = snap([r, n], {1: 0, 2: 600}, {"A": 300, "B": 300})
    # window 1 may not call r (transferred to window 2), so it calls n at once
    assert (forecast(h, s, r), forecast(h, s, n)) == (600, 0)
    # transferred to a window that is not open: no figure, and n is not held up by it
    r3 = ticket(1, "A", 50, "returning", target_window=3)
    lost = snap([r3, n], {1: 0, 2: 600}, {"A": 300, "B": 300})
    assert forecast(h, lost, r3) is None
    assert forecast_all(h, lost) == {1: None, 2: 0}


def test_no_open_window_no_figure():
    h = hall({1: {"A": 1.0}, 2: {"B": 1.0}})
    a, b = ticket(1, "A", 60), ticket(2, "B", 60)
    assert forecast(h, snap([a, b], {}, {"A": 300, "B": 300}), a) is None      # nobody signed on
    only_b = snap([a, b], {2: 0}, {"A": 300, "B": 300}, {("A", "green"): 0.1})
    assert forecast(h, only_b, a) is None and forecast(h, only_b, b) == 0
    assert forecast_all(h, only_b) == {1: None, 2: 0}


def test_the_current_citizen_keeps_the_window_for_what_is_left_of_the_mean():
    free = free_at(NOW, [1, 2, 3], {1: ("A", NOW - 100), 2: ("A", NOW - 1000)}, {"A": 600})
    assert free == {1: NOW + 500, 2: NOW + 150, 3: NOW}     # past the mean: a quarter of it


def test_a_ticket_not_in_the_snapshot_is_counted_where_it_would_queue():
    h = hall({1: {"A": 1.0}, 2: {"A": 1.0, "B": 0.5}})
    waiting = [ticket(i, "AB"[i % 2], 600 - 10 * i) for i in range(1, 30)]
    new = ticket(99, "A", 0)
    rates = {("A", "green"): 1 / 400, ("B", "normal"): 1 / 200}
    without = snap(waiting, {1: 30, 2: 200}, {"A": 240, "B": 400}, rates)
    with_it = snap([*waiting, new], {1: 30, 2: 200}, {"A": 240, "B": 400}, rates)
    assert forecast(h, without, new) == forecast(h, with_it, new) > 0
    assert without.lines == snap(waiting, {1: 30, 2: 200}, {"A": 240, "B": 400}, rates).lines   # not changed


class Counted:
    """A line that counts the entries the forecast reads (the Snapshot contract: len and []).
    The lines are real data; only the reads are counted."""

    def __init__(self, entries):
        self.entries, self.reads = entries, 0

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, i):
        self.reads += 1
        return self.entries[i]


def big_day(n: int, rng: random.Random):
    h = hall({w: ({"A": 1.0, "B": 0.5} if w % 3 else {"B": 1.0, "C": 1.0}) for w in range(1, 13)}, "ABC")
    prios = ["normal"] * 8 + ["green", "appointment"]
    waiting = [ticket(i, rng.choice("ABC"), 4 * 3600 * (1 - i / n), rng.choice(prios)) for i in range(1, n + 1)]
    occupancy = {"A": 300.0, "B": 480.0, "C": 900.0}
    rates = {(s, p): 2.0 for s in "ABC" for p in ("normal", "green", "appointment")}   # 18 000 an hour
    return h, snap(waiting, {w: rng.uniform(0, 300) for w in range(1, 13)}, occupancy, rates), waiting


def test_one_estimate_reads_a_bounded_part_of_a_huge_queue():
    h, s, waiting = big_day(200_000, random.Random(1))
    lines = {k: Counted(v) for k, v in s.lines.items()}
    counted = Snapshot(s.now, lines, s.free_at, s.occupancy_s, s.rates)
    for t in (waiting[-1], waiting[len(waiting) // 2], waiting[0]):
        seconds = forecast(h, counted, t)
        assert seconds is not None and 0 <= seconds <= HORIZON_S
    # per estimate: a bisection or two per line (18 reads each for 200 000), and one head per
    # line the window may call at each step replayed; the old replay sorted all 200 000
    steps = STEPS_PER_CALL * MAX_CALLS + 12
    assert sum(line.reads for line in lines.values()) <= 3 * len(lines) * (2 * 18 + steps) < 10_000


def relative_errors(h, s, waiting):
    full, bounded = forecast_all(h, s, max_calls=10**6), forecast_all(h, s)
    assert sum(1 for t in waiting if full[t.id] > 3600) > len(waiting) / 2   # mostly beyond the replayed calls
    return [abs(bounded[t.id] - full[t.id]) / max(full[t.id], 600) for t in waiting]


def test_the_fluid_rest_stays_near_the_full_replay():
    # one service at 20 windows, 2000 waiting: the fluid is the replay, give or take a call
    rng = random.Random(4)
    h = hall({w: {"A": 1.0} for w in range(1, 21)}, "A")
    waiting = [ticket(i, "A", 4 * 3600 * (1 - i / 2000), rng.choice(["normal"] * 9 + ["green"]))
               for i in range(1, 2001)]
    s = snap(waiting, {w: rng.uniform(0, 300) for w in range(1, 21)}, {"A": 300.0},
             {("A", "normal"): 0.01, ("A", "green"): 0.002})
    errors = relative_errors(h, s, waiting)
    assert sum(errors) / len(errors) < 0.01 and max(errors) < 0.05
    # three services sharing 12 windows at different weights, 800 waiting for up to 7 hours:
    # each window keeps the split it had in the replay until a service runs out (measured: 8 %)
    h, s, waiting = big_day(800, random.Random(2))
    s.rates = {k: r / 2000 for k, r in s.rates.items()}      # 32 an hour
    errors = relative_errors(h, s, waiting)
    assert sum(errors) / len(errors) < 0.12


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_forecast_all_is_forecast_for_every_ticket(seed):
    rng = random.Random(seed)
    h = hall({1: {"A": 1.0, "B": 0.5}, 2: {"A": 1.0, "C": 1.0}, 3: {"B": 1.0, "C": 1.0}, 4: {"C": 1.0}}, "ABC")
    prios = ["normal"] * 6 + ["green", "appointment", "returning"]
    waiting = [ticket(i, rng.choice("ABC"), rng.uniform(0, 3600), rng.choice(prios),
                      target_window=rng.choice([None] * 8 + [1, 3])) for i in range(1, 120)]
    waiting = [t for t in waiting if t.target_window is None or t.service in h.window(t.target_window).services]
    rates = {("A", "normal"): 1 / 120, ("A", "green"): 1 / 900, ("B", "appointment"): 1 / 600, ("C", "normal"): 1 / 300}
    s = snap(waiting, {1: 100, 2: 0, 3: 400}, {"A": 300, "B": 420, "C": 600}, rates)   # window 4 is closed
    everyone = forecast_all(h, s)
    assert everyone == {t.id: forecast(h, s, t) for t in waiting}
    assert any(v is not None and v > 3600 for v in everyone.values())   # the fluid rest is in it too


def test_people_ahead_from_the_lines():
    waiting = [ticket(1, "A", 500), ticket(2, "A", 400, "green"), ticket(3, "B", 300), ticket(4, "A", 200),
               ticket(5, "A", 100, "appointment", target_window=2)]
    s = snap(waiting, {1: 0}, {"A": 300, "B": 300})
    # as HallQueue.people_ahead: same service, queued before or of a higher priority
    assert [people_ahead(s, t) for t in waiting] == [2, 1, 0, 3, 3]
