"""Today's counts of one hall, kept up to date as tickets move (never a re-read of the day).

`HallQueue` tells its tally of every ticket it issues and of every event it journals; a
rebuilt memory (start-up, a hall taken over, a failed commit) rebuilds the tally from the
day's tickets (`rebuild`). Ratings are counted as they are stored (`rated`) and survive a
rebuild of the same day; the controller seeds them from the outbox at start. The figures
feed the retained statistics (hall_controller/features/stats.py, hall_protocol/stats.py).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass
class ServiceTally:
    issued: int = 0
    remote: int = 0
    appointments: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    wait_s: float = 0.0     # issue to first call, summed over the tickets called at least once
    waits: int = 0
    service_s: float = 0.0  # call (or start) to finish, summed over the served tickets
    services: int = 0


@dataclass
class Tally:
    timezone: str
    remote_sources: frozenset[str] = frozenset()          # the phone gateway's device ids
    services: dict[str, ServiceTally] = field(default_factory=dict)
    windows_served: Counter = field(default_factory=Counter)
    issued_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    ratings: Counter = field(default_factory=Counter)   # score (1..5) -> count, today
    ratings_day: str = ""
    _rated: set[str] = field(default_factory=set)          # ratings counted today, by their outbox key
    changes: int = 0                                      # grows with every counted change
    _called: set[str] = field(default_factory=set)         # numbers whose first call is counted

    def _service(self, code: str) -> ServiceTally:
        s = self.services.get(code)
        if s is None:
            s = self.services[code] = ServiceTally()
        return s

    def _hour(self, ts: float) -> int:
        return datetime.fromtimestamp(ts, ZoneInfo(self.timezone)).hour

    # -- as tickets move ---------------------------------------------------------------------
    def issued(self, t) -> None:
        s = self._service(t.number[0])  # the issuing service (a transfer changes t.service only)
        s.issued += 1
        if t.source in self.remote_sources:
            s.remote += 1
        if t.priority == "appointment":
            s.appointments += 1
        self.issued_by_hour[self._hour(t.issued_at)] += 1
        self.changes += 1

    def event(self, kind: str, t, at: float, window: int | None) -> None:
        if t is None:
            if kind in ("paused", "resumed", "opened", "closed"):
                self.changes += 1
            return
        s = self._service(t.service)
        if kind == "called" and t.number not in self._called:
            self._called.add(t.number)
            s.wait_s += max(0.0, at - t.issued_at)
            s.waits += 1
        elif kind == "finished":
            s.served += 1
            if window is not None:
                self.windows_served[window] += 1
            began = t.started_at or t.called_at
            if began is not None:
                s.service_s += max(0.0, at - began)
                s.services += 1
        elif kind == "no_show":
            s.no_shows += 1
        elif kind in ("cancelled", "expired"):
            s.cancelled += 1
        self.changes += 1

    def rated(self, day: str, key: str, score: int) -> None:
        """A rating given on `day`, stored under `key` (its outbox key: hall, ticket and the
        ticket's day), counted once whether seen as stored or read back."""
        if day != self.ratings_day:
            self.ratings_day, self.ratings, self._rated = day, Counter(), set()
        if key in self._rated:
            return
        self._rated.add(key)
        self.ratings[int(score)] += 1
        self.changes += 1

    # -- rebuilt from the day's tickets ------------------------------------------------------------
    def rebuild(self, tickets: Iterable) -> None:
        """From today's tickets (their final states); ratings are kept."""
        self.services, self.windows_served = {}, Counter()
        self.issued_by_hour, self._called = [0] * 24, set()
        for t in tickets:
            self.issued(t)
            if t.called_at is not None:
                self.event("called", t, t.called_at, t.window)
            if t.state == "done" and t.finished_at is not None:
                self.event("finished", t, t.finished_at, t.window)
            elif t.state in ("no_show", "cancelled", "expired"):
                self.event(t.state, t, t.finished_at or t.issued_at, t.window)
        self.changes += 1

    def new_day(self, day: str) -> None:
        self.rebuild(())
        if day != self.ratings_day:
            self.ratings_day, self.ratings, self._rated = day, Counter(), set()
