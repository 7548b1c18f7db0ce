"""A simulated day of a hall, driven through the real queue (HallQueue + calling.apply) on a
real database with a FakeClock and a seeded random: citizens arrive per service with a
morning and an afternoon peak (non-homogeneous Poisson), clerks call the next ticket when
free, serve it for a lognormal time, and their windows open late, pause for lunch and close
early. At every issue each estimator gives its figure; the true wait (issue -> first call)
is read back from the database at the end of the day.

Used by bench/bench_estimate.py and the tests; nothing here is needed by the controller.
"""
from __future__ import annotations

import heapq
import math
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from config.schema import HallConfig, ServiceConfig, WindowConfig
from drivers.core.clock import FakeClock
from hall_controller.core import calling
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.store import db
from hall_protocol.contract import WindowCommand

CST = timezone(timedelta(hours=8))
Estimator = Callable[[HallQueue, Ticket], "float | None"]


@dataclass(frozen=True)
class Load:
    """Arrivals and service times of one service."""
    service: str
    per_hour: float              # mean arrivals per hour over the opening hours
    median_min: float            # lognormal service time: median and shape
    sigma: float = 0.5
    green: float = 0.08          # share of green-channel tickets
    appointment: float = 0.07    # share of appointment check-ins


@dataclass(frozen=True)
class Shift:
    """When a window's clerk works (hours of the local day); closes=None: until the queue is empty."""
    window: int
    opens: float = 8.5
    closes: float | None = None
    lunch: tuple[float, float] | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    hall: HallConfig
    loads: tuple[Load, ...]
    shifts: tuple[Shift, ...]
    doors: tuple[float, float] = (8.5, 16.5)   # first and last arrival
    peaks: tuple[float, ...] = (10.0, 14.75)   # hours of the arrival peaks
    no_show: float = 0.04


@dataclass
class Record:
    number: str
    service: str
    priority: str
    issued_at: float
    estimates: dict[str, float | None]
    wait_min: float | None = None           # filled at the end of the day


@dataclass
class DayResult:
    scenario: str
    seed: int
    records: list[Record]
    estimate_s: dict[str, list[float]] = field(default_factory=dict)   # compute time per estimate

    def mae(self, name: str) -> tuple[float, int]:
        """Mean absolute error (minutes) over the tickets the estimator gave a figure for."""
        errs = [abs(r.estimates[name] - r.wait_min) for r in self.records
                if r.wait_min is not None and r.estimates.get(name) is not None]
        return (sum(errs) / len(errs) if errs else float("nan")), len(errs)


def intensity(hour: float, peaks: tuple[float, ...]) -> float:
    """Relative arrival rate at a time of day: a base plus a bump per peak, dipping at lunch."""
    bump = sum(math.exp(-((hour - p) / 0.9) ** 2 / 2) for p in peaks)
    lunch_dip = 0.5 if 12.0 <= hour < 13.5 else 1.0
    return (0.35 + bump) * lunch_dip


class HallDay:
    def __init__(self, scenario: Scenario, engine: Engine, estimators: dict[str, Estimator], seed: int,
                 day: datetime = datetime(2026, 3, 2, tzinfo=CST)) -> None:
        self.sc, self.seed, self.estimators = scenario, seed, estimators
        self.rng = random.Random(seed)
        self.midnight = day
        self.clock = FakeClock(day + timedelta(hours=scenario.doors[0] - 0.5))
        self.q = HallQueue(engine, scenario.hall, self.clock)
        self.events: list[tuple[float, int, str, tuple]] = []
        self.busy: dict[int, bool] = {}
        self.open: dict[int, bool] = {}
        self.pending: dict[int, str | None] = {}   # "pause" or "close" once the citizen leaves
        self.no_show_next: dict[int, bool] = {}
        self.records: list[Record] = []
        self.timings: dict[str, list[float]] = {n: [] for n in estimators}
        self._n = 0

    # -- the event queue ------------------------------------------------------------------
    def at(self, hour: float, kind: str, *args) -> None:
        self._n += 1
        heapq.heappush(self.events, (hour, self._n, kind, args))

    def hour(self) -> float:
        return (self.clock.now() - self.midnight).total_seconds() / 3600.0

    def cmd(self, window: int, action: str, **kw) -> calling.Outcome:
        return calling.apply(self.q, WindowCommand(window=window, action=action, clerk=f"clerk-{window}", **kw))

    # -- the day ------------------------------------------------------------------------
    def plan(self) -> None:
        self.day = self.q.today()
        first, last = self.sc.doors
        peak = max(intensity(h / 60.0, self.sc.peaks) for h in range(int(first * 60), int(last * 60)))
        mean = sum(intensity(first + i / 60.0, self.sc.peaks) for i in range(int((last - first) * 60))) \
            / ((last - first) * 60)
        for load in self.sc.loads:   # thinning: candidates at the peak rate, kept in proportion
            top = load.per_hour * peak / mean
            h = first
            while True:
                h += self.rng.expovariate(top)
                if h >= last:
                    break
                if self.rng.random() < load.per_hour * intensity(h, self.sc.peaks) / mean / top:
                    r = self.rng.random()
                    prio = "green" if r < load.green else "appointment" if r < load.green + load.appointment \
                        else "normal"
                    self.at(h, "arrive", load.service, prio)
        for s in self.sc.shifts:
            self.busy[s.window], self.open[s.window] = False, False
            self.pending[s.window] = None
            self.at(s.opens, "open", s.window)         # until then the window has not signed on
            if s.lunch:
                self.at(s.lunch[0], "leave", s.window, "pause")
                self.at(s.lunch[1], "resume", s.window)
            if s.closes is not None:
                self.at(s.closes, "leave", s.window, "close")

    def run(self) -> DayResult:
        self.plan()
        while self.events:
            hour, _, kind, args = heapq.heappop(self.events)
            self.clock.set(self.midnight + timedelta(hours=hour))
            getattr(self, "_" + kind)(*args)
        return DayResult(self.sc.name, self.seed, self._true_waits(), self.timings)

    def _arrive(self, service: str, priority: str) -> None:
        self._n += 1
        t, _ = self.q.issue(service, f"sim-{self.seed}-{self._n}", source="sim", priority=priority)
        est = {}
        for name, fn in self.estimators.items():
            started = time.perf_counter()
            est[name] = fn(self.q, t)
            self.timings[name].append(time.perf_counter() - started)
        self.records.append(Record(t.number, service, priority, t.issued_at, est))
        for w in sorted(self.open, key=lambda n: n):
            if service in self.sc.hall.window(w).services:
                self._try_call(w)

    def _try_call(self, w: int) -> None:
        if not self.open[w] or self.busy[w] or self.pending[w]:
            return
        out = self.cmd(w, "call_next")
        if out.ticket is None:
            return
        self.busy[w] = True
        load = next(x for x in self.sc.loads if x.service == out.ticket.service)
        if self.rng.random() < self.sc.no_show:      # nobody comes: recalled twice, then marked
            self.no_show_next[w] = True
            self.at(self.hour() + 1.5 / 60, "done", w)
            return
        walk = self.rng.uniform(0.3, 1.5) / 60
        self.at(self.hour() + walk, "start", w)
        service = self.rng.lognormvariate(math.log(load.median_min), load.sigma) / 60
        self.at(self.hour() + walk + service, "done", w)

    def _start(self, w: int) -> None:
        self.cmd(w, "start")

    def _done(self, w: int) -> None:
        self.cmd(w, "no_show" if self.no_show_next.pop(w, False) else "finish")
        self.busy[w] = False
        if self.pending[w]:
            self._leave(w, self.pending[w])
        else:
            self._try_call(w)

    def _leave(self, w: int, action: str) -> None:
        """Lunch ("pause") or the end of the clerk's day ("close"), once the citizen has left."""
        if self.busy[w]:
            self.pending[w] = action
            return
        self.pending[w] = None
        self.cmd(w, action, reason="午休 lunch" if action == "pause" else "下班 off duty")
        self.open[w] = False

    def _open(self, w: int) -> None:
        self.cmd(w, "open")
        self.open[w] = True
        self._try_call(w)

    def _resume(self, w: int) -> None:
        if self.pending[w]:               # still serving when the pause should have ended
            self.pending[w] = None
            return
        self.cmd(w, "resume")
        self.open[w] = True
        self._try_call(w)

    def _true_waits(self) -> list[Record]:
        t = db.tickets.c
        with self.q.engine.connect() as c:
            called = dict(c.execute(select(t.number, t.called_at).where(and_(
                t.hall == self.q.hall.id, t.day == self.day))).all())
        for r in self.records:
            if called.get(r.number) is not None:
                r.wait_min = (called[r.number] - r.issued_at) / 60.0
        return self.records


def naive_min(q: HallQueue, t: Ticket) -> float:
    """The product's naive figure: people ahead (as printed on the ticket) x the service's
    configured average service time."""
    return q.people_ahead(t) * q.hall.service(t.service).avg_service_min


# -- standard days -----------------------------------------------------------------------
def _hall(hall_id: str, services: list[tuple[str, float]], windows: dict[int, dict[str, float]]) -> HallConfig:
    return HallConfig(id=hall_id, name=f"模拟大厅 {hall_id}", timezone="Asia/Shanghai",
                      services=[ServiceConfig(code=c, name=f"业务{c}", name_en=f"Service {c}", avg_service_min=m)
                                for c, m in services],
                      windows=[WindowConfig(number=n, services=s) for n, s in windows.items()])


def scenarios() -> list[Scenario]:
    """Three kinds of hall; each service's real times differ from its configured average."""
    town = _hall("town", [("A", 6), ("B", 8), ("C", 12), ("D", 10)],
                 {1: {"A": 1.0, "B": 0.5}, 2: {"A": 1.0, "D": 1.0}, 3: {"B": 1.0, "C": 1.0}, 4: {"C": 1.0, "D": 0.5}})
    village = _hall("village", [("A", 8), ("B", 10)], {1: {"A": 1.0, "B": 1.0}, 2: {"A": 1.0, "B": 0.5}})
    city = _hall("city", [("A", 5), ("B", 8), ("C", 15)],
                 {1: {"A": 1.0}, 2: {"A": 1.0, "B": 0.5}, 3: {"A": 0.5, "B": 1.0}, 4: {"B": 1.0},
                  5: {"B": 0.5, "C": 1.0}, 6: {"C": 1.0}})
    return [
        Scenario("town centre", town,
                 (Load("A", 10, 5.0), Load("B", 6, 9.0), Load("C", 4, 10.0, 0.6), Load("D", 3, 12.0)),
                 (Shift(1, lunch=(12.0, 13.0)), Shift(2, closes=16.0, lunch=(12.5, 13.5)),
                  Shift(3, lunch=(12.0, 13.0)), Shift(4, opens=9.5, lunch=(12.5, 13.5)))),
        Scenario("village station", village,
                 (Load("A", 7, 6.0, 0.6, green=0.2), Load("B", 3, 12.0)),
                 (Shift(1, lunch=(12.0, 13.0)), Shift(2, opens=9.0, closes=16.0, lunch=(12.5, 13.5)))),
        Scenario("city hall peak", city,
                 (Load("A", 20, 4.0, 0.4, appointment=0.15), Load("B", 12, 7.0), Load("C", 5, 14.0, 0.7)),
                 (Shift(1), Shift(2, lunch=(11.75, 12.75)), Shift(3, opens=9.25, lunch=(12.0, 13.0)),
                  Shift(4, lunch=(12.5, 13.5)), Shift(5, opens=10.0, closes=15.5), Shift(6, lunch=(12.25, 13.25))),
                 peaks=(9.75, 15.0)),
    ]
