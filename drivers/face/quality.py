"""Per-frame quality gates: one face, big enough, sharp, well lit, facing the camera.

Pure functions over a detected `Face` and its aligned crop; every rejection is a `Reason`
code with a Chinese prompt for the citizen and an English one for staff and logs.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import cv2
import numpy as np

from drivers.face.config import FaceConfig


class Reason(str, Enum):
    NO_FACE = "NO_FACE"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    TOO_SMALL = "TOO_SMALL"
    BLURRY = "BLURRY"
    TOO_DARK = "TOO_DARK"
    TOO_BRIGHT = "TOO_BRIGHT"
    POSE = "POSE"
    MOIRE = "MOIRE"
    BEZEL = "BEZEL"
    NO_REFERENCE_FACE = "NO_REFERENCE_FACE"
    REFERENCE_REFUSED = "REFERENCE_REFUSED"
    TOO_FEW_FRAMES = "TOO_FEW_FRAMES"
    LOW_SCORE = "LOW_SCORE"
    LIVENESS_NOT_PASSED = "LIVENESS_NOT_PASSED"
    STILL_IMAGE = "STILL_IMAGE"
    TIMEOUT = "TIMEOUT"
    ATTEMPTS_EXHAUSTED = "ATTEMPTS_EXHAUSTED"

    @property
    def prompt_zh(self) -> str:
        return PROMPTS[self][0]

    @property
    def prompt_en(self) -> str:
        return PROMPTS[self][1]


PROMPTS: dict[Reason, tuple[str, str]] = {
    Reason.NO_FACE: ("请将脸部对准摄像头", "no face found"),
    Reason.MULTIPLE_FACES: ("请确保画面中只有您一人", "more than one face in the frame"),
    Reason.TOO_SMALL: ("请靠近一点", "face too small, come closer"),
    Reason.BLURRY: ("请保持不动", "frame blurred, hold still"),
    Reason.TOO_DARK: ("光线太暗，请调整位置", "face too dark"),
    Reason.TOO_BRIGHT: ("光线太强，请调整位置", "face too bright"),
    Reason.POSE: ("请正对摄像头", "face not frontal"),
    Reason.MOIRE: ("请勿使用照片或屏幕，请本人正对摄像头", "screen-like periodic pattern (moire) around the face"),
    Reason.BEZEL: ("请勿使用照片或屏幕，请本人正对摄像头", "face inside a screen or frame border (bezel)"),
    Reason.NO_REFERENCE_FACE: ("证件照片无法识别，请联系工作人员", "no face found in the reference photo"),
    Reason.REFERENCE_REFUSED: ("证件照片无法核验，请联系工作人员",
                               "emulator reference photo refused by configuration (production)"),
    Reason.TOO_FEW_FRAMES: ("请正对摄像头，保持不动", "too few usable frames for a decision"),
    Reason.LOW_SCORE: ("人脸比对未通过", "similarity below the threshold"),
    Reason.LIVENESS_NOT_PASSED: ("请按提示转动头部", "liveness challenge not passed"),
    Reason.STILL_IMAGE: ("请按提示转动头部", "the face did not move between frames (photo or screen?)"),
    Reason.TIMEOUT: ("验证超时", "time limit reached"),
    Reason.ATTEMPTS_EXHAUSTED: ("请联系工作人员协助", "no retries left; staff-assisted path"),
}


@dataclass(frozen=True)
class Face:
    """One YuNet detection: box, five landmarks and the score (the raw row for alignCrop)."""

    row: np.ndarray  # float32[15]: x, y, w, h, right eye, left eye, nose, mouth right, mouth left, score

    @property
    def box(self) -> tuple[int, int, int, int]:
        x, y, w, h = self.row[:4]
        return int(x), int(y), int(w), int(h)

    @property
    def width(self) -> float:
        return float(self.row[2])

    @property
    def landmarks(self) -> np.ndarray:
        return self.row[4:14].reshape(5, 2)

    @property
    def score(self) -> float:
        return float(self.row[14])


@dataclass(frozen=True)
class Pose:
    """Rough head pose from the landmarks, scale and translation invariant.

    yaw: horizontal offset of the nose from the eyes' midpoint, in inter-eye distances
    (0 frontal; positive when the nose is towards the image's right, i.e. the person turns
    to their own left in an unmirrored camera image). About 0.2 is a 20 degree turn.
    pitch: vertical eye-to-nose distance over eye-to-mouth distance (about 0.55 frontal;
    larger when looking down).
    roll: in-plane angle of the eye axis in degrees (a tilted head or a rotated photo).
    """

    yaw: float
    pitch: float
    roll: float = 0.0


def estimate_pose(face: Face) -> Pose:
    """Measured in the eyes' own frame, so an in-plane tilt (of a head or a photo) is not a turn."""
    right_eye, left_eye, nose, mouth_r, mouth_l = face.landmarks.astype(np.float64)
    eyes = (right_eye + left_eye) / 2.0
    mouth = (mouth_r + mouth_l) / 2.0
    axis = left_eye - right_eye
    eye_dist = max(float(np.linalg.norm(axis)), 1e-6)
    across = axis / eye_dist
    down = np.array([-across[1], across[0]])
    eye_mouth = max(float(np.dot(mouth - eyes, down)), 1e-6)
    return Pose(yaw=float(np.dot(nose - eyes, across)) / eye_dist,
                pitch=float(np.dot(nose - eyes, down)) / eye_mouth,
                roll=float(np.degrees(np.arctan2(axis[1], axis[0]))))


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian: low for a blurred (moving, out of focus) face."""
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def count_reasons(faces: list[Face]) -> list[Reason]:
    if not faces:
        return [Reason.NO_FACE]
    if len(faces) > 1:
        return [Reason.MULTIPLE_FACES]
    return []


def face_reasons(face: Face, aligned: np.ndarray, cfg: FaceConfig) -> list[Reason]:
    """Gates for a single face; `aligned` is its 112x112 crop from alignCrop."""
    reasons: list[Reason] = []
    if face.width < cfg.min_face_px:
        reasons.append(Reason.TOO_SMALL)
    gray = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY) if aligned.ndim == 3 else aligned
    if sharpness(gray) < cfg.min_sharpness:
        reasons.append(Reason.BLURRY)
    level = float(gray.mean())
    if level < cfg.min_brightness:
        reasons.append(Reason.TOO_DARK)
    elif level > cfg.max_brightness:
        reasons.append(Reason.TOO_BRIGHT)
    pose = estimate_pose(face)
    if abs(pose.yaw) > cfg.max_yaw or not cfg.min_pitch <= pose.pitch <= cfg.max_pitch:
        reasons.append(Reason.POSE)
    return reasons
