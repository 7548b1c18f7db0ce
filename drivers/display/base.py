"""What both display kinds share: URL handling (a real line or a sim:// emulator on a pty)
and turning an error of an operation into the device's status."""
from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar

from drivers.core import Clock, Counters, Device, DeviceError, DeviceState, DeviceStatus, DeviceUrl, UrlError, parse_url
from drivers.core.device import Lifecycle, status_for_error
from drivers.display.ptylink import PtyLink

log = logging.getLogger(__name__)
T = TypeVar("T")


class DisplayDevice(Device):
    kind = "display"
    sim_name = ""  # sim://<sim_name>?... starts the emulator in-process on a pty

    def __init__(self, url: str | DeviceUrl, *, device_id: str | None = None, clock: Clock | None = None,
                 counters: Counters | None = None) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        if self.url.scheme == "sim" and self.url.target.split("?")[0] != self.sim_name:
            raise UrlError(f"{self.url.raw!r}: a {self.kind} simulator is sim://{self.sim_name}?...")
        if self.url.scheme not in ("serial", "tcp", "sim"):
            raise UrlError(f"{self.url.raw!r}: a display needs a serial://, tcp:// or sim:// URL")
        super().__init__(device_id or f"{self.kind}-{self.url.target}", clock=clock, counters=counters)
        self.emulator: Any = None
        self._link: PtyLink | None = None

    def _line_url(self) -> DeviceUrl:
        """The URL to open: the configured line, or the pty of a freshly started emulator."""
        if self.url.scheme != "sim":
            return self.url
        self.emulator = self._make_emulator(self.url.params)
        self._link = PtyLink(self.emulator.receive, name=self.sim_name).start()
        baud = self.url.param("baud", "9600")
        return parse_url(f"serial://{self._link.path}?baud={baud}")

    def _stop_emulator(self) -> None:
        if self._link is not None:
            self._link.stop()
            self._link = None

    def _make_emulator(self, params: dict[str, str]) -> Any:
        raise NotImplementedError

    def _guard(self, operation: Callable[[], T]) -> T:
        """Run one operation; a DeviceError becomes the device's status, then propagates."""
        try:
            result = operation()
        except DeviceError as err:
            err.device = err.device or self.device_id
            self.counters.increment("faults")
            self._set_status(status_for_error(err))
            raise
        if self.status.state is DeviceState.OFFLINE and self.lifecycle is not Lifecycle.CLOSED:
            self._set_status(DeviceStatus(DeviceState.ONLINE))  # it answers again
        return result
