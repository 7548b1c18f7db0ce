"""A real notify socket, as systemd binds it: an AF_UNIX datagram socket (in the abstract
namespace, `@name`, or at a path) that records every message a process sends, with the time
it arrived."""
from __future__ import annotations

import socket
import threading
import time
import uuid


class NotifySocket:
    def __init__(self, path: str | None = None) -> None:
        """`path`: a filesystem socket; default a fresh abstract name."""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if path is None:
            name = f"hall-test-notify-{uuid.uuid4().hex}"
            self.sock.bind(b"\0" + name.encode())
            self.address = "@" + name
        else:
            self.sock.bind(path)
            self.address = path
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, dict[str, str]]] = []   # (monotonic time, fields)
        self._cv = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            with self._cv:
                self.messages.append((time.monotonic(), fields))
                self._cv.notify_all()

    def env(self, watchdog_s: float | None = None) -> dict[str, str]:
        env = {"NOTIFY_SOCKET": self.address}
        if watchdog_s:
            env["WATCHDOG_USEC"] = str(int(watchdog_s * 1_000_000))
        return env

    def wait_for(self, key: str, value: str | None = None, timeout: float = 30.0, since: float = 0.0) -> dict:
        """The first message (arrived after `since`) with `key` (= `value`)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for at, fields in self.messages:
                    if at >= since and key in fields and (value is None or fields[key] == value):
                        return fields
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {key}={value or '*'} within {timeout} s; got {self.messages[-5:]}")
                self._cv.wait(left)

    def times(self, key: str, since: float = 0.0, until: float = float("inf")) -> list[float]:
        with self._cv:
            return [at for at, fields in self.messages if key in fields and since <= at < until]

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()
