"""The watchdog is fed only while the process's loops are really alive.

A `Heartbeat` is one loop that must keep making progress (the controller's request worker, the
MQTT network thread, a Qt event loop, the web service's asyncio loop). Each tick the watchdog
asks every heartbeat to prove itself: `probe(done)` hands the loop a small piece of work
that calls `done()` when the loop gets round to it (a no-op job for the worker, a message to
itself through the broker for the MQTT loop, a queued call for an event loop). A heartbeat is
alive while no probe has waited longer than `stale_s`; a loop that hangs (a worker blocked on
a locked database, a network thread stuck in a callback) leaves its probe unanswered, the
watchdog stops sending `WATCHDOG=1`, and systemd restarts the process after `WatchdogSec=`.
When the probe comes back the pings resume by themselves.

`exempt()` says when a heartbeat cannot be probed and must not count (the broker is
unreachable: the MQTT loop cannot answer itself, and restarting the process would not bring
the broker back). It returns a short reason, or None when the probe applies.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from servicekit.notify import Notifier

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, name: str, probe: Callable[[Callable[[], None]], None], *, stale_s: float,
                 exempt: Callable[[], str | None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name, self.probe, self.stale_s, self.exempt, self.clock = name, probe, stale_s, exempt, clock
        self.answered = 0
        self._lock = threading.Lock()
        self._sent_at: float | None = None   # when the probe now waiting was sent
        self._token = 0

    def tick(self) -> str | None:
        """Send a probe if none is waiting; None while alive, else why not."""
        now = self.clock()
        if self.exempt is not None and self.exempt() is not None:
            with self._lock:
                self._sent_at = None  # what was waiting cannot come back now; start afresh later
            return None
        with self._lock:
            waiting = self._sent_at
            if waiting is None:
                self._token += 1
                token, self._sent_at = self._token, now
        if waiting is None:
            try:
                self.probe(lambda: self._answered(token))
            except Exception as err:  # noqa: BLE001 - a probe that cannot be sent is a dead loop
                log.warning("watchdog: %s cannot be probed: %s", self.name, err)
            return None
        late = now - waiting
        if late > self.stale_s:
            return f"{self.name} has not answered for {late:.1f} s"
        return None

    def _answered(self, token: int) -> None:
        with self._lock:
            if token == self._token:
                self._sent_at = None
                self.answered += 1


class Watchdog:
    """Sends `WATCHDOG=1` every `interval_s` while every heartbeat is alive.

    The period is a quarter of systemd's `WatchdogSec=` and a heartbeat is stale after half of
    it, so a live process pings about four times per period and a hung one misses the whole
    second half."""

    def __init__(self, notifier: Notifier, heartbeats: list[Heartbeat], *, interval_s: float | None = None) -> None:
        self.notifier, self.heartbeats = notifier, heartbeats
        period = notifier.watchdog_s
        self.interval_s = interval_s or (period / 4 if period else 1.0)
        self.starving: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def stale_after(notifier: Notifier, default: float = 10.0) -> float:
        """How long a probe may wait: half of the watchdog's period."""
        return notifier.watchdog_s / 2 if notifier.watchdog_s else default

    def check(self) -> list[str]:
        """One tick: probe every heartbeat; ping systemd when none is stale. Returns the reasons."""
        reasons = [r for r in (hb.tick() for hb in self.heartbeats) if r is not None]
        if not reasons:
            self.notifier.watchdog()
            if self.starving:
                log.warning("watchdog fed again: every loop answers")
                self.notifier.status("running")
        elif reasons != self.starving:
            log.error("watchdog not fed: %s", "; ".join(reasons))
            self.notifier.status("not responding: " + "; ".join(reasons))
        self.starving = reasons
        return reasons

    def start(self) -> "Watchdog":
        """Only when systemd asked for a watchdog (`WATCHDOG_USEC`); otherwise nothing runs."""
        if self.notifier.watchdog_s is None or self._thread is not None:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the feeder itself must not die silently
                log.exception("watchdog check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
