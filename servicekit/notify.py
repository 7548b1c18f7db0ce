"""systemd's notification protocol (sd_notify(3)) without libsystemd: one datagram per message
to the AF_UNIX socket named by `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).

`Notifier.from_environment()` reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` and
removes them from the environment (as `sd_notify(unset_environment=1)` does), so that a child
process never speaks for its parent. Without `NOTIFY_SOCKET` (started by hand, by a test, by
the demo) every call does nothing. A message that cannot be sent is logged once, never raised:
the service manager's absence must not stop the hall.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping, MutableMapping

log = logging.getLogger(__name__)

MAX_STATUS = 200  # characters of a STATUS= line (systemctl status shows one line)


def socket_address(value: str) -> str | bytes | None:
    """The address to send to: a filesystem path, or an abstract name (leading `@` -> NUL).
    None for what this module cannot reach (`vsock:...`, a relative path, empty)."""
    if value.startswith("@") and len(value) > 1:
        return b"\0" + value[1:].encode("utf-8")
    if value.startswith("/"):
        return value
    return None


def watchdog_seconds(env: Mapping[str, str], pid: int) -> float | None:
    """The watchdog's period asked of this process (`WATCHDOG_USEC`, for `WATCHDOG_PID` if set)."""
    usec = env.get("WATCHDOG_USEC", "")
    owner = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if owner and (not owner.isdigit() or int(owner) != pid):
        return None
    return int(usec) / 1_000_000


class Notifier:
    """Sends `READY=1`, `STATUS=...`, `WATCHDOG=1`, `RELOADING=1`, `STOPPING=1` to systemd."""

    def __init__(self, address: str | bytes | None, watchdog_s: float | None = None) -> None:
        self.address = address
        self.watchdog_s = watchdog_s if address is not None else None
        self.sent = 0
        self._sock: socket.socket | None = None
        self._failed = False

    @classmethod
    def from_environment(cls, env: MutableMapping[str, str] | None = None) -> "Notifier":
        env = os.environ if env is None else env
        raw = env.pop("NOTIFY_SOCKET", "")
        watchdog = watchdog_seconds(env, os.getpid())
        env.pop("WATCHDOG_USEC", None)
        env.pop("WATCHDOG_PID", None)
        address = socket_address(raw) if raw else None
        if raw and address is None:
            log.warning("NOTIFY_SOCKET=%s: not a socket this process can reach; systemd is not told", raw[:100])
        return cls(address, watchdog)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *fields: str) -> bool:
        """One message of `KEY=value` lines; False when there is nowhere to send it or it failed."""
        if self.address is None:
            return False
        data = "\n".join(fields).encode("utf-8")
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(data, self.address)
        except OSError as err:
            if not self._failed:  # once: a watchdog retries every few seconds
                log.warning("cannot notify the service manager at %r: %s", self.address, err.strerror or err)
                self._failed = True
            return False
        self._failed = False
        self.sent += 1
        return True

    def ready(self, status: str | None = None) -> bool:
        return self.send("READY=1", *([f"STATUS={_line(status)}"] if status else []))

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={_line(text)}")

    def reloading(self) -> bool:
        """Before a reload; `ready()` after it (Type=notify-reload wants MONOTONIC_USEC with it)."""
        return self.send("RELOADING=1", f"MONOTONIC_USEC={time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000}")

    def stopping(self, status: str | None = None) -> bool:
        return self.send("STOPPING=1", *([f"STATUS={_line(status)}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def _line(text: str) -> str:
    return " ".join(text.split())[:MAX_STATUS]
