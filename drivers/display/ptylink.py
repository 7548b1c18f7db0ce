"""A real pty pair for emulators: the device side is served by a thread, the other end is a tty path.

Both ends are set raw. The slave end stays open in this process, so a client may open
and close the path any number of times without the emulator seeing an end of file.
"""
from __future__ import annotations

import logging
import os
import select
import threading
import tty
from typing import Callable

log = logging.getLogger(__name__)
traffic = logging.getLogger(__name__ + ".traffic")

Handler = Callable[[bytes], bytes]


class PtyLink:
    """Serve `handler(bytes_in) -> bytes_out` on the master side of a new pty."""

    def __init__(self, handler: Handler, name: str = "emulator") -> None:
        self.handler, self.name = handler, name
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._serve, name=f"pty-{name}", daemon=True)

    def start(self) -> "PtyLink":
        self._thread.start()
        log.info("%s listening on %s", self.name, self.path)
        return self

    def stop(self) -> None:
        if self._stop_w < 0:
            return
        os.write(self._stop_w, b"x")
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave, self._stop_r, self._stop_w):
            os.close(fd)
        self._stop_w = -1

    def __enter__(self) -> "PtyLink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self) -> None:
        while True:
            ready, _, _ = select.select([self._master, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            traffic.debug("%s <- %s", self.name, data.hex(" "))
            try:
                out = self.handler(data)
            except Exception:  # an emulator bug must not kill the link
                log.exception("%s handler failed", self.name)
                continue
            if out:
                traffic.debug("%s -> %s", self.name, out.hex(" "))
                os.write(self._master, out)
