"""Time is passed in, never read inside logic: a clock object that tests can drive."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def now(self) -> datetime: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock. `now()` is timezone-aware local time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that only moves when told to; `sleep` advances it instead of waiting."""

    def __init__(self, start: datetime | None = None, monotonic: float = 1000.0) -> None:
        self._now = start or datetime(2026, 1, 5, 8, 30, tzinfo=timezone(timedelta(hours=8)))
        self._mono = monotonic
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._mono += seconds
            self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))

    def set(self, when: datetime) -> None:
        with self._lock:
            delta = (when - self._now).total_seconds()
            self._now = when
            self._mono += max(0.0, delta)


class AcceleratedClock(SystemClock):
    """TEST ONLY: the wall clock of an accelerated day (devkit/soak.py). `now()` starts at
    `start` when the real Unix time is `anchor` and runs `speed` times faster; `monotonic()`
    and `sleep()` stay real, so timeouts, rate limits and back-offs keep their real length.
    Two processes given the same spec (start, speed, anchor) agree on the time.

    Spec (`--test-clock`): `START[,speed=N][,anchor=UNIX]`, START an ISO 8601 time with its
    offset, e.g. `2026-12-07T06:00:00+08:00,speed=288,anchor=1796600000.0`; anchor defaults
    to the moment the clock is made."""

    def __init__(self, start: datetime, speed: float = 1.0, anchor: float | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("the start of an accelerated clock needs its UTC offset")
        if not 0 < speed <= 100_000:
            raise ValueError(f"clock speed must be above 0 and at most 100000, got {speed}")
        self.start, self.speed = start, speed
        self.anchor = time.time() if anchor is None else anchor

    def now(self) -> datetime:
        return (self.start + timedelta(seconds=(time.time() - self.anchor) * self.speed)).astimezone()

    def spec(self) -> str:
        return f"{self.start.isoformat()},speed={self.speed:g},anchor={self.anchor:.6f}"

    @classmethod
    def parse(cls, spec: str) -> "AcceleratedClock":
        """Raises ValueError naming what is wrong with `spec`."""
        first, *rest = [p.strip() for p in spec.split(",")]
        try:
            start = datetime.fromisoformat(first)
        except ValueError:
            raise ValueError(f"{first!r} is not an ISO 8601 time (e.g. 2026-12-07T06:00:00+08:00)") from None
        opts: dict[str, float] = {}
        for part in rest:
            key, eq, value = part.partition("=")
            if not eq or key not in ("speed", "anchor"):
                raise ValueError(f"{part!r}: expected speed=N or anchor=UNIX")
            try:
                opts[key] = float(value)
            except ValueError:
                raise ValueError(f"{part!r}: {value!r} is not a number") from None
        return cls(start, opts.get("speed", 1.0), opts.get("anchor"))
