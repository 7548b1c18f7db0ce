"""Camera: a Device that reads BGR frames from a frame source and reconnects with backoff.

Frames are returned to the caller and never written to disk here (the only place a
frame is saved is `kioskctl camera snapshot`, on a technician's explicit request).
"""
from __future__ import annotations

import logging

import numpy as np

from drivers.core import (
    Action, Backoff, Clock, Counters, Device, DeviceError, DeviceState, DeviceStatus, DeviceUnavailable, DeviceUrl,
    parse_url,
)
from drivers.core.device import HealthLevel, Lifecycle, status_for_error
from drivers.camera.sources import FrameSource, source_for_url

log = logging.getLogger(__name__)


class Camera(Device):
    kind = "camera"

    def __init__(self, url: str | DeviceUrl, *, reconnect_attempts: int = 5, backoff: Backoff | None = None,
                 device_id: str | None = None, clock: Clock | None = None, counters: Counters | None = None) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        self.source: FrameSource = source_for_url(self.url)  # UrlError now, not at the first frame
        super().__init__(device_id or f"camera-{self.url.target or self.url.raw}", clock=clock, counters=counters)
        self.reconnect_attempts = reconnect_attempts
        if backoff is not None:
            self._backoff = backoff
        self.frames_read = 0          # in memory: persisting a counter per frame would be disk churn
        self.last_shape: tuple[int, ...] | None = None

    def read_frame(self) -> np.ndarray:
        """One BGR frame (h, w, 3) uint8. A failing source is reopened with backoff; when that
        does not help, DeviceUnavailable (status no_device, action technician). One reader at a
        time (the face worker, the QR scanner, a status poll)."""
        with self._lock:
            return self._read_frame()

    def _read_frame(self) -> np.ndarray:
        self._require(Lifecycle.OPEN, Lifecycle.CLAIMED, Lifecycle.ENABLED)
        try:
            return self._got(self.source.read())
        except DeviceError as err:
            log.warning("%s: %s; reconnecting", self.device_id, err)
            self.counters.increment("faults")
            self._set_status(status_for_error(err))
            last = err
        for attempt in range(1, self.reconnect_attempts + 1):
            self.clock.sleep(self._backoff.next_delay())
            try:
                self.source.close()
                self.source.open()
                frame = self._got(self.source.read())
            except DeviceError as err:
                last = err
                log.info("%s: reconnect %d/%d failed: %s", self.device_id, attempt, self.reconnect_attempts, err)
                continue
            self.counters.increment("reconnects")
            self._backoff.reset()
            return frame
        failure = DeviceUnavailable(f"no frames after {self.reconnect_attempts} reconnects: {last}",
                                    action=Action.TECHNICIAN, device=self.device_id)
        self._set_status(status_for_error(failure))
        raise failure from last

    def cue(self, challenge: str | None) -> None:
        """Tell a simulated camera's citizen what the screen asks (a real camera ignores it)."""
        cue = getattr(self.source, "cue", None)
        if cue is not None:
            cue(challenge)

    def _got(self, frame: np.ndarray) -> np.ndarray:
        self.frames_read += 1
        self.last_shape = frame.shape
        if not self.status.usable and self.lifecycle is not Lifecycle.CLOSED:
            self._set_status(DeviceStatus(DeviceState.ONLINE))
        return frame

    def _open(self) -> None:
        self.source.open()

    def _close(self) -> None:
        self.source.close()

    def poll_status(self) -> DeviceStatus | None:
        """A scheduled check: one frame. A camera at rest (the kiosk opens it for a session only)
        is opened for the check and closed again; one in use by a session is read as it is,
        unless a frame is being read right now (None: the check waits its turn)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self.lifecycle is not Lifecycle.CLOSED:
                return self.refresh_status()
            status = self.refresh_status()  # opens it
            if self.lifecycle is not Lifecycle.CLOSED:
                self.close()  # a fault seen stays on the health topic (closing does not hide it)
            return status
        finally:
            self._lock.release()

    def _probe_status(self) -> DeviceStatus:
        frame = self.read_frame()
        h, w = frame.shape[:2]
        return DeviceStatus(DeviceState.ONLINE, extra={"width": w, "height": h})

    def _health(self, level: HealthLevel) -> dict[str, str]:
        return {"frame": "x".join(str(n) for n in (self.last_shape or ())), "frames_read": str(self.frames_read)}
