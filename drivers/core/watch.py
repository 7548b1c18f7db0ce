"""A device watch: each device is asked for its status on a schedule of its own (the kiosk's
`[watch]`, the controller's loudspeakers), so that the retained health topic shows "paper near
end" before the paper is out, and a reader that died at 3 a.m. before the first citizen of the
day meets it.

One daemon thread sleeps until the next check is due; a check is the device's `poll_status()`
(drivers/core/device.py), which skips a device in use (a print, a card read) rather than wait:
the device has one owner at a time and a citizen never waits for a poll. What a check finds
reaches the health topic through the device's status listeners (HealthPublisher.watch).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)


@dataclass
class Check:
    part: str
    device: object  # a drivers.core Device: poll_status() -> DeviceStatus | None
    period_s: float
    due: float = 0.0
    polls: int = 0     # checks that asked the device
    skipped: int = 0   # checks that found it in use


class DeviceWatch:
    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic  # the pacing of background work, not logic (docs/architecture.md, Time)
        self.checks: list[Check] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, part: str, device, period_s: float) -> None:
        """Check `device` every `period_s` seconds, the first time at start."""
        if device is not None:
            self.checks.append(Check(part, device, period_s))

    def start(self) -> None:
        if self._thread is not None or not self.checks:
            return
        now = self.monotonic()
        for check in self.checks:
            check.due = now
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="device-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

    def poll(self, check: Check) -> None:
        """Ask one device now; whatever it raises becomes a log line, never the end of the watch."""
        try:
            status = check.device.poll_status()
        except Exception:  # noqa: BLE001 - the drivers turn errors into statuses; anything else is a bug
            log.exception("device watch: checking %s failed", check.part)
            return
        if status is None:
            check.skipped += 1
            log.debug("device watch: %s in use, checked next time", check.part)
        else:
            check.polls += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            now = self.monotonic()
            for check in self.checks:
                if check.due <= now and not self._stop.is_set():
                    self.poll(check)
                    check.due += check.period_s
                    if check.due <= self.monotonic():  # a slow check: the next one a whole period later
                        check.due = self.monotonic() + check.period_s
            wait = min(c.due for c in self.checks) - self.monotonic()
            if wait > 0:
                self._wake.wait(wait)
                self._wake.clear()
