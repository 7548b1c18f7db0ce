"""The lifecycle every device follows, status events and health checks.

A concrete device implements `_open`, `_close`, and `_probe_status` (and optionally
`_health`); the base class keeps the lifecycle, turns errors into statuses,
persists counters and reconnects with backoff.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable

from drivers.core.clock import Clock, SystemClock
from drivers.core.counters import Counters
from drivers.core.errors import Action, DeviceError, DeviceTimeout, DeviceUnavailable, HardwareError, UserError
from drivers.core.reconnect import Backoff
from drivers.core.status import DeviceState, DeviceStatus

log = logging.getLogger(__name__)

StatusListener = Callable[["Device", DeviceStatus], None]


class Lifecycle(str, Enum):
    CLOSED = "closed"
    OPEN = "open"
    CLAIMED = "claimed"
    ENABLED = "enabled"


class HealthLevel(str, Enum):
    INTERNAL = "internal"        # our own state and the link, no device action
    EXTERNAL = "external"        # ask the device (status query, SAM id)
    INTERACTIVE = "interactive"  # needs a person (print a test page, speak a phrase)


@dataclass
class HealthReport:
    level: HealthLevel
    ok: bool
    status: DeviceStatus
    checks: dict[str, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"level": self.level.value, "ok": self.ok, "status": self.status.to_dict(),
                "checks": dict(self.checks), "counters": dict(self.counters)}


def status_for_error(err: DeviceError) -> DeviceStatus:
    """The status a device takes when an error comes out of it."""
    if isinstance(err, DeviceUnavailable):
        state = DeviceState.NO_DEVICE
    elif isinstance(err, DeviceTimeout):
        state = DeviceState.OFFLINE
    elif isinstance(err, UserError):
        state = DeviceState.USER_ERROR
    elif isinstance(err, HardwareError):
        state = DeviceState.HARDWARE_ERROR
    else:
        state = DeviceState.OFFLINE
    return DeviceStatus(state, action=err.action, message=str(err))


class Device:
    """Base of every device service: lifecycle, status, events, counters, reconnection."""

    kind = "device"

    def __init__(self, device_id: str, *, clock: Clock | None = None, counters: Counters | None = None) -> None:
        self.device_id = device_id
        self.clock = clock or SystemClock()
        self.counters = counters or Counters(device_id)
        self.lifecycle = Lifecycle.CLOSED
        self._status = DeviceStatus(DeviceState.OFFLINE, message="not opened")
        self._listeners: list[StatusListener] = []
        self._lock = threading.RLock()
        self._backoff = Backoff()

    # -- lifecycle -------------------------------------------------------------------
    def open(self) -> None:
        with self._lock:
            if self.lifecycle is not Lifecycle.CLOSED:
                return
            try:
                self._open()
            except DeviceError as err:
                self.counters.increment("faults")
                self._set_status(status_for_error(err))
                raise
            self.lifecycle = Lifecycle.OPEN
            self._set_status(DeviceStatus(DeviceState.ONLINE))

    def claim(self) -> None:
        with self._lock:
            self._require(Lifecycle.OPEN, Lifecycle.CLAIMED, Lifecycle.ENABLED)
            if self.lifecycle is Lifecycle.OPEN:
                self.lifecycle = Lifecycle.CLAIMED

    def enable(self) -> None:
        with self._lock:
            self._require(Lifecycle.CLAIMED, Lifecycle.ENABLED)
            self.lifecycle = Lifecycle.ENABLED

    def disable(self) -> None:
        with self._lock:
            if self.lifecycle is Lifecycle.ENABLED:
                self.lifecycle = Lifecycle.CLAIMED

    def release(self) -> None:
        with self._lock:
            self.disable()
            if self.lifecycle is Lifecycle.CLAIMED:
                self.lifecycle = Lifecycle.OPEN

    def close(self) -> None:
        with self._lock:
            if self.lifecycle is Lifecycle.CLOSED:
                return
            self.release()
            try:
                self._close()
            finally:
                self.lifecycle = Lifecycle.CLOSED
                self._set_status(DeviceStatus(DeviceState.OFFLINE, message="closed"))

    def start(self) -> None:
        """open + claim + enable, the usual way into service."""
        self.open()
        self.claim()
        self.enable()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _require(self, *allowed: Lifecycle) -> None:
        if self.lifecycle not in allowed:
            raise DeviceError(
                f"operation needs the device {' or '.join(a.value for a in allowed)}, it is {self.lifecycle.value}",
                action=Action.NONE, device=self.device_id)

    # -- status and events -----------------------------------------------------------
    @property
    def status(self) -> DeviceStatus:
        return self._status

    @property
    def last_status(self) -> DeviceStatus:
        """The status last seen, without asking the device (some devices' `status` queries it)."""
        return self._status

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _set_status(self, status: DeviceStatus) -> None:
        if status == self._status:
            return
        self._status = status
        log.info("%s %s -> %s %s", self.kind, self.device_id, status.state.value, ",".join(status.details))
        for listener in list(self._listeners):
            try:
                listener(self, status)
            except Exception:  # a faulty listener must not break the device
                log.exception("status listener failed for %s", self.device_id)

    def refresh_status(self) -> DeviceStatus:
        """Ask the device for its status now; errors become a status, never an exception."""
        try:
            if self.lifecycle is Lifecycle.CLOSED:
                self.open()
            status = self._probe_status()
        except DeviceError as err:
            self.counters.increment("faults")
            status = status_for_error(err)
        else:
            if not status.usable and status != self._status:
                self.counters.increment("faults")  # a fault found by a check counts like one met by a print
        self._set_status(status)
        return status

    def poll_status(self) -> DeviceStatus | None:
        """`refresh_status` for a scheduled check, unless the device is in use right now (a print
        or a read holds it): then None, and the check waits for its next turn. One owner of the
        device at a time, and a poll never makes a citizen wait."""
        lock = self._owner_lock()
        if not lock.acquire(blocking=False):
            return None
        try:
            return self.refresh_status()
        finally:
            lock.release()

    def _owner_lock(self):
        """The lock whoever uses the device holds (a print, a read): `poll_status` skips when it is taken."""
        return self._lock

    def reconnect(self, attempts: int = 5) -> bool:
        """Close and reopen with backoff until it works or the attempts run out."""
        for _ in range(attempts):
            try:
                self.close()
            except DeviceError:
                pass
            try:
                self.start()
                self._backoff.reset()
                return True
            except DeviceError:
                self.clock.sleep(self._backoff.next_delay())
        return False

    def health_check(self, level: HealthLevel = HealthLevel.EXTERNAL) -> HealthReport:
        checks: dict[str, str] = {"lifecycle": self.lifecycle.value}
        if level is HealthLevel.INTERNAL:
            status = self._status
        else:
            status = self.refresh_status()
            if status.usable:
                try:
                    checks.update(self._health(level))
                except DeviceError as err:
                    status = status_for_error(err)
                    checks["error"] = str(err)
        return HealthReport(level, status.usable, status, checks, self.counters.snapshot())

    # -- to implement ----------------------------------------------------------------
    def _open(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def _probe_status(self) -> DeviceStatus:
        return DeviceStatus(DeviceState.ONLINE)

    def _health(self, level: HealthLevel) -> dict[str, str]:
        return {}
