"""Active liveness: a random challenge (turn left, turn right, nod) seen in the landmarks,
plus a cheap check that the face moves at all between frames.

What it stops and what it does not is written down in docs/face.md: a printed photo or a
still image replayed, held flat (turning a flat photo does not change the nose offset
relative to the eyes); not a video of the person doing the movement, nor a mask.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import Enum

import cv2
import numpy as np

from drivers.face.config import FaceConfig
from drivers.face.quality import Face, Pose, Reason, estimate_pose

STILL_CROP = (64, 64)


class Challenge(str, Enum):
    TURN_LEFT = "turn_left"    # the citizen's own left
    TURN_RIGHT = "turn_right"
    NOD = "nod"

    @property
    def prompt_zh(self) -> str:
        return {"turn_left": "请慢慢向左转头", "turn_right": "请慢慢向右转头", "nod": "请慢慢点头"}[self.value]

    @property
    def prompt_en(self) -> str:
        return {"turn_left": "turn your head left", "turn_right": "turn your head right",
                "nod": "nod your head"}[self.value]


def choose_challenge(rng: random.Random, allowed: tuple[str, ...]) -> Challenge:
    """Pick the challenge with the injected random source (tests pass a seeded one)."""
    choices = [Challenge(name) for name in allowed]
    if not choices:
        raise ValueError("no liveness challenge configured")
    return rng.choice(choices)


@dataclass(frozen=True)
class LivenessReport:
    challenge: Challenge
    passed: bool
    reasons: tuple[Reason, ...]
    movement: float          # the largest yaw (turns) or pitch (nod) change seen
    frames: int


@dataclass
class LivenessChecker:
    """Feed it every frame with exactly one face; ask `report()` at any time."""

    challenge: Challenge
    config: FaceConfig
    _poses: list[Pose] = field(default_factory=list)
    _landmarks: list[np.ndarray] = field(default_factory=list)
    _crops: list[np.ndarray] = field(default_factory=list)

    def observe(self, face: Face, gray: np.ndarray) -> None:
        self._poses.append(estimate_pose(face))
        self._landmarks.append(face.landmarks.astype(np.float64).copy())
        x, y, w, h = face.box
        crop = gray[max(y, 0):max(y + h, 1), max(x, 0):max(x + w, 1)]
        if crop.size:
            self._crops.append(cv2.resize(crop, STILL_CROP, interpolation=cv2.INTER_AREA).astype(np.float32))

    def movement(self) -> float:
        """Signed change from the first frame in the challenge's direction (largest seen)."""
        if len(self._poses) < 2:
            return 0.0
        base = self._poses[0]
        # A nod or a turn keeps the eye axis level; a tilted photo does not (and its
        # landmarks then drift by about 0.1 in pitch), so tilted frames do not count.
        level = [p for p in self._poses[1:] if abs(p.roll - base.roll) <= self.config.max_roll_change]
        if not level:
            return 0.0
        if self.challenge is Challenge.NOD:
            return max(p.pitch - base.pitch for p in level)
        sign = 1.0 if self.challenge is Challenge.TURN_LEFT else -1.0
        if self.config.camera_mirrored:
            sign = -sign
        return max(sign * (p.yaw - base.yaw) for p in level)

    def is_still(self) -> bool:
        """True when no pair of consecutive frames shows movement of landmarks or pixels."""
        if len(self._landmarks) < 2:
            return False
        for i in range(1, len(self._landmarks)):
            shift = float(np.abs(self._landmarks[i] - self._landmarks[i - 1]).max())
            if shift >= self.config.still_landmark_px:
                return False
            if i < len(self._crops) and float(np.abs(self._crops[i] - self._crops[i - 1]).mean()) >= \
                    self.config.still_pixel_diff:
                return False
        return True

    def report(self) -> LivenessReport:
        needed = self.config.nod_delta if self.challenge is Challenge.NOD else self.config.turn_delta
        moved = self.movement()
        still = self.is_still()
        passed = moved >= needed and not still
        reasons: tuple[Reason, ...] = ()
        if not passed:
            reasons = (Reason.LIVENESS_NOT_PASSED, Reason.STILL_IMAGE) if still else (Reason.LIVENESS_NOT_PASSED,)
        return LivenessReport(self.challenge, passed, reasons, moved, len(self._poses))
