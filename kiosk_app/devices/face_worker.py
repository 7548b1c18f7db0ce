"""Face verification off the UI thread: plain threading, no Qt.

One `FaceWorker` per kiosk, made at start-up with the engine (so a missing model stops the
kiosk before the first citizen). `start()` runs one attempt in a thread: open the camera,
begin the session against the card photo, feed frames until the session is finished,
close the camera. Prompts, per-frame feedback, frames (for the on-screen preview) and the
result go to a `FaceListener`; the Qt UI turns those calls into signals. Frames and the
card photo live only in this thread's locals and in the session (the embedding).
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Protocol

import numpy as np

from drivers.core.errors import DeviceError
from drivers.face import FrameFeedback, VerificationResult, VerificationSession, Verifier

log = logging.getLogger(__name__)


class FrameSource(Protocol):
    """What the worker needs of drivers.camera.Camera."""

    def open(self) -> None: ...
    def close(self) -> None: ...
    def read_frame(self) -> np.ndarray: ...
    def cue(self, challenge: str | None) -> None: ...


class FaceListener(Protocol):
    def face_prompt(self, zh: str, en: str) -> None: ...
    def face_feedback(self, feedback: FrameFeedback, accepted: int) -> None: ...
    def face_frame(self, frame: np.ndarray) -> None: ...
    def face_result(self, result: VerificationResult) -> None: ...
    def face_error(self, error: DeviceError) -> None: ...


class FaceWorker:
    def __init__(self, verifier: Verifier, camera: FrameSource, *, max_fps: float = 10.0,
                 join_timeout_s: float = 10.0) -> None:
        self.verifier, self.camera = verifier, camera
        self.max_fps = max_fps
        self.join_timeout_s = join_timeout_s
        self._session: VerificationSession | None = None
        self._reference: np.ndarray | None = None
        self._source = ""
        self._listener: FaceListener | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.thread_ids: deque[int] = deque(maxlen=16)   # threads of recent attempts (not the caller's)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, reference: np.ndarray, reference_source: str, listener: FaceListener) -> None:
        """First attempt for a new citizen (any previous session is cancelled first)."""
        self.cancel()
        with self._lock:
            self._reference, self._source, self._listener = reference, reference_source, listener
        self._launch()

    def retry(self) -> None:
        """Next attempt of the same session (UserError when no retry is left)."""
        with self._lock:
            if self._session is None or self.running:
                raise RuntimeError("no finished face verification attempt to retry")
            self._session.retry()
        self._launch()

    def cancel(self) -> None:
        """Stop the attempt and forget the card photo, the session and its embedding."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(self.join_timeout_s)
            if thread.is_alive():
                log.warning("face worker did not stop within %.0f s", self.join_timeout_s)
        with self._lock:
            if self._session is not None:
                self._session.close()
            self._session = self._reference = self._listener = None
            self._thread = None

    def _launch(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="face-worker", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.thread_ids.append(threading.get_ident())
        listener = self._listener
        if listener is None:
            return
        try:
            self.camera.open()
            try:
                result = self._attempt(listener)
            finally:
                self.camera.close()
        except DeviceError as err:
            log.warning("face verification stopped: %s", err)
            if not self._stop.is_set():
                listener.face_error(err)
            return
        if result is not None and not self._stop.is_set():
            listener.face_result(result)

    def _attempt(self, listener: FaceListener) -> VerificationResult | None:
        with self._lock:
            if self._session is None and self._reference is not None:
                self._session = self.verifier.begin(self._reference, self._source)
                self._reference = None        # the session keeps the embedding, not the photo
            session = self._session
        if session is None:
            return None
        challenge = session.challenge
        self.camera.cue(challenge.value if challenge else None)
        if challenge is not None:
            listener.face_prompt(challenge.prompt_zh, challenge.prompt_en)
        accepted = 0
        interval = 1.0 / self.max_fps if self.max_fps > 0 else 0.0
        while not self._stop.is_set() and not session.finished:
            frame = self.camera.read_frame()
            listener.face_frame(frame)
            feedback = session.submit(frame)
            accepted += feedback.accepted
            listener.face_feedback(feedback, accepted)
            if interval:
                self._stop.wait(interval)
        return None if self._stop.is_set() else session.result()
