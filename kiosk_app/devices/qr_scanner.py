"""Read a QR code shown to the kiosk's camera (a booking on the citizen's phone), off the UI
thread: open the camera, decode frames with OpenCV's `QRCodeDetector` until one holds text or
the time is up, close the camera. Frames stay in this thread's locals (and go to the preview
listener); nothing is written anywhere. The camera is the face verification's: the two never
run at the same time (one page at a time uses it)."""
from __future__ import annotations

import logging
import threading
from typing import Callable, Protocol

import cv2
import numpy as np

from drivers.core.errors import DeviceError, DeviceTimeout

log = logging.getLogger(__name__)


class FrameSource(Protocol):
    def open(self) -> None: ...
    def close(self) -> None: ...
    def read_frame(self) -> np.ndarray: ...


def decode(frame: np.ndarray, detector: cv2.QRCodeDetector | None = None) -> str:
    """The text of a QR code in a BGR frame, or ""."""
    detector = detector or cv2.QRCodeDetector()
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    try:
        text, _, _ = detector.detectAndDecode(grey)
    except cv2.error:          # a frame OpenCV cannot work on is no QR code
        return ""
    return text or ""


class QrScanner:
    def __init__(self, camera: FrameSource, *, max_fps: float = 8.0, timeout_s: float = 60.0) -> None:
        self.camera, self.max_fps, self.timeout_s = camera, max_fps, timeout_s
        self.frame_listeners: list[Callable[[np.ndarray], None]] = []   # the live preview
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, on_text: Callable[[str], None], on_error: Callable[[DeviceError], None]) -> None:
        """Scan until a QR code is read (`on_text`), the camera fails or the time is up (`on_error`)."""
        self.stop()
        with self._lock:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, args=(on_text, on_error), name="qr-scanner",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)
        self._thread = None

    def _run(self, on_text: Callable[[str], None], on_error: Callable[[DeviceError], None]) -> None:
        detector = cv2.QRCodeDetector()
        interval = 1.0 / self.max_fps if self.max_fps > 0 else 0.0
        frames = int(self.timeout_s * self.max_fps) if self.max_fps > 0 else 1_000_000
        try:
            self.camera.open()
            try:
                for _ in range(frames):
                    if self._stop.is_set():
                        return
                    frame = self.camera.read_frame()
                    for listener in list(self.frame_listeners):
                        listener(frame)
                    text = decode(frame, detector)
                    if text:
                        log.info("QR code read (%d characters)", len(text))
                        if not self._stop.is_set():
                            on_text(text)
                        return
                    if interval:
                        self._stop.wait(interval)
            finally:
                self.camera.close()
        except DeviceError as err:
            log.warning("QR scan stopped: %s", err)
            if not self._stop.is_set():
                on_error(err)
            return
        if not self._stop.is_set():
            on_error(DeviceTimeout(f"no QR code within {self.timeout_s:g} s"))
