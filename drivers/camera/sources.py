"""Frame sources chosen by URL. Frames stay in memory: nothing here writes a frame to disk.

    device://0                          a local camera (cv2.VideoCapture index)
    rtsp://host/stream, http://host/x   a network stream (OpenCV's FFmpeg backend)
    file:///path/clip.avi?loop=1        a video file, rewound at its end when loop=1
    sim://camera?pattern=bars&width=640&height=480&fail_after=0&fail_open=0
                                        frames generated in code (bars, gradient, noise, moving)
    sim://camera?pattern=face&person=12[&impostor=1][&attack=photo|screen]
                                        a simulated citizen: ORL person 12 (the same person as
                                        the idcard sim's face=orl:12 card), who follows the
                                        liveness prompt (`cue`); impostor=1 shows someone else;
                                        attack=photo a still print, attack=screen a phone replay
"""
from __future__ import annotations

import logging
from typing import Protocol

import cv2
import numpy as np

from drivers.core import DeviceTimeout, DeviceUnavailable, DeviceUrl, UrlError

log = logging.getLogger(__name__)

PATTERNS = ("bars", "gradient", "noise", "moving", "face")
SIM_PARAMS = {"pattern", "width", "height", "fail_after", "fail_open", "seed", "person", "impostor", "attack"}


class FrameSource(Protocol):
    def open(self) -> None: ...
    def read(self) -> np.ndarray: ...   # BGR uint8 (h, w, 3); DeviceError when there is none
    def close(self) -> None: ...


def as_bgr(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


class OpenCvSource:
    """cv2.VideoCapture on a device index, a stream URL or a file, optionally looping."""

    def __init__(self, target: int | str, *, loop: bool = False, label: str = "") -> None:
        self.target, self.loop, self.label = target, loop, label or str(target)
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        self.close()
        cap = cv2.VideoCapture(self.target)
        if not cap.isOpened():
            cap.release()
            raise DeviceUnavailable(f"no video from {self.label}")
        self._cap = cap

    def read(self) -> np.ndarray:
        if self._cap is None:
            raise DeviceUnavailable(f"{self.label} is not open")
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)  # end of the file: rewind
            ok, frame = self._cap.read()
        if not ok or frame is None:
            raise DeviceTimeout(f"no frame from {self.label}")
        return as_bgr(frame)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class SyntheticSource:
    """Frames made in code, with faults: the first `fail_open` opens fail, and after
    `fail_after` frames (0 = never) the source stops giving frames until it is reopened."""

    def __init__(self, pattern: str = "bars", width: int = 640, height: int = 480, *,
                 fail_after: int = 0, fail_open: int = 0, seed: int = 0, person: int = 1,
                 impostor: bool = False, attack: str | None = None) -> None:
        if pattern not in PATTERNS:
            raise UrlError(f"sim camera pattern must be one of {', '.join(PATTERNS)}, got {pattern!r}")
        if not (16 <= width <= 4096 and 16 <= height <= 4096):
            raise UrlError(f"sim camera size {width}x{height} is out of 16-4096")
        self.actor = None
        if pattern == "face":
            from drivers.face.actor import FaceActor, impostor_of   # needs the face models and ORL
            try:
                self.actor = FaceActor(impostor_of(person) if impostor else person, attack=attack,
                                       size=(width, height), seed=seed)
            except (ValueError, FileNotFoundError) as err:
                raise UrlError(f"sim camera face: {err}") from err
        self.pattern, self.width, self.height = pattern, width, height
        self.fail_after, self.fail_open_left = fail_after, fail_open
        self._rng = np.random.default_rng(seed)
        self._open = False
        self._held: np.ndarray | None = None   # what the citizen holds up (hold_up)
        self.frame_index = 0       # frames made since the source was created
        self._since_open = 0
        self.opens = 0

    def open(self) -> None:
        self.opens += 1
        if self.fail_open_left > 0:
            self.fail_open_left -= 1
            raise DeviceUnavailable("sim camera: configured to fail on open")
        self._open, self._since_open = True, 0

    def read(self) -> np.ndarray:
        if not self._open:
            raise DeviceUnavailable("sim camera is not open")
        if self.fail_after and self._since_open >= self.fail_after:
            raise DeviceTimeout(f"sim camera: configured to stop after {self.fail_after} frames")
        frame = self._make(self.frame_index)
        self.frame_index += 1
        self._since_open += 1
        return frame

    def close(self) -> None:
        self._open = False

    def cue(self, challenge: str | None) -> None:
        """What the kiosk screen asks the citizen to do; the simulated citizen does it."""
        if self.actor is not None:
            self.actor.cue(challenge)

    def hold_up(self, image: np.ndarray | None) -> None:
        """The citizen holds a phone showing `image` (e.g. a booking's QR code) up to the camera;
        None takes it away. Frames show it in a dark phone frame, tilted a little, over the scene."""
        self._held = None if image is None else as_bgr(np.asarray(image, dtype=np.uint8))

    def _with_phone(self, frame: np.ndarray, index: int) -> np.ndarray:
        h, w = frame.shape[:2]
        side = int(min(h, w) * 0.62)
        screen = cv2.resize(self._held, (side, side), interpolation=cv2.INTER_AREA)
        pad = max(6, side // 12)
        phone = cv2.copyMakeBorder(screen, pad, pad * 3, pad, pad, cv2.BORDER_CONSTANT, value=(30, 30, 30))
        ph, pw = phone.shape[:2]
        angle = 4.0 + 2.0 * np.sin(index / 5.0)          # a hand is never quite still
        placed = np.zeros_like(frame)
        placed[(h - ph) // 2:(h - ph) // 2 + ph, (w - pw) // 2:(w - pw) // 2 + pw] = phone
        mask = np.zeros((h, w), dtype=np.uint8)
        mask[(h - ph) // 2:(h - ph) // 2 + ph, (w - pw) // 2:(w - pw) // 2 + pw] = 255
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        placed = cv2.warpAffine(placed, rot, (w, h))
        mask = cv2.warpAffine(mask, rot, (w, h))
        out = frame.copy()
        out[mask > 127] = placed[mask > 127]
        noise = self._rng.integers(-6, 7, out.shape, dtype=np.int16)
        return np.clip(out.astype(np.int16) + noise, 0, 255).astype(np.uint8)

    def _make(self, index: int) -> np.ndarray:
        frame = self._scene(index)
        return self._with_phone(frame, index) if self._held is not None else frame

    def _scene(self, index: int) -> np.ndarray:
        h, w = self.height, self.width
        if self.actor is not None:
            return self.actor.frame()
        if self.pattern == "bars":
            colours = np.array([[255, 255, 255], [0, 255, 255], [255, 255, 0], [0, 255, 0],
                                [255, 0, 255], [0, 0, 255], [255, 0, 0], [0, 0, 0]], dtype=np.uint8)
            frame = colours[(np.arange(w) * 8 // w)][None, :, :].repeat(h, axis=0)
        elif self.pattern == "gradient":
            x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, axis=0)
            y = np.linspace(0, 255, h, dtype=np.uint8)[:, None].repeat(w, axis=1)
            frame = np.dstack([x, y, np.full((h, w), index % 256, dtype=np.uint8)])
        elif self.pattern == "noise":
            frame = self._rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        else:  # moving: a white square crossing a grey field, one step per frame
            frame = np.full((h, w, 3), 64, dtype=np.uint8)
            side = max(8, min(h, w) // 6)
            x = (index * 8) % max(1, w - side)
            frame[(h - side) // 2:(h + side) // 2, x:x + side] = 255
        cv2.putText(frame, str(index), (8, h - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 2)
        return np.ascontiguousarray(frame)


def source_for_url(url: DeviceUrl) -> FrameSource:
    """The frame source a camera URL names; UrlError for what cannot be one."""
    if url.scheme == "device":
        index = url.host or url.path.strip("/")
        if not index.isdigit():
            raise UrlError(f"{url.raw!r}: a local camera is device://INDEX, e.g. device://0")
        return OpenCvSource(int(index), label=url.raw)
    if url.scheme in ("rtsp", "http", "https"):
        return OpenCvSource(url.raw, label=url.raw)
    if url.scheme == "file":
        return OpenCvSource(url.path, loop=url.int_param("loop", 0) == 1, label=url.raw)
    if url.scheme == "sim":
        if url.target != "camera":
            raise UrlError(f"{url.raw!r}: the simulated camera is sim://camera?pattern=...")
        unknown = set(url.params) - SIM_PARAMS
        if unknown:
            raise UrlError(f"{url.raw!r}: unknown parameter(s) {', '.join(sorted(unknown))}")
        return SyntheticSource(url.param("pattern", "bars"), url.int_param("width", 640),
                               url.int_param("height", 480), fail_after=url.int_param("fail_after", 0),
                               fail_open=url.int_param("fail_open", 0), seed=url.int_param("seed", 0),
                               person=url.int_param("person", 1), impostor=url.int_param("impostor", 0) == 1,
                               attack=url.param("attack"))
    raise UrlError(f"{url.raw!r}: a camera URL is device://, rtsp://, http(s)://, file:// or sim://camera")
