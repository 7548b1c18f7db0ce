"""Cheap checks for a photo or a screen held up to the camera (presentation attacks).

Two signs, both pure functions of one grey frame and the detected face box:
- MOIRE: a screen's pixel grid, resampled by the camera sensor, leaves a periodic
  pattern: a few isolated strong peaks in the mid/high band of the 2-D spectrum of the
  region around the face. Natural skin, hair and background have a smooth spectrum.
- BEZEL: a phone or tablet shows the face inside a uniform band (the bezel) with a
  straight-edged rectangle on both sides of it (screen edge inside, device edge outside),
  both enclosing the face and lying inside the frame. A single straight edge (a door, a
  picture pasted on a wall) is not enough.
What these stop and what they do not is written down in docs/face.md.
"""
from __future__ import annotations

import cv2
import numpy as np

from drivers.face.config import FaceConfig
from drivers.face.quality import Face, Reason

MOIRE_REGION = 1.6      # the face box grown by this factor is analysed
BAND = (0.12, 0.48)     # cycles per pixel: above the face's own structure, below Nyquist
PEAKS = 8


def _region(gray: np.ndarray, box: tuple[int, int, int, int], grow: float) -> np.ndarray:
    x, y, w, h = box
    cx, cy, half = x + w / 2, y + h / 2, max(w, h) * grow / 2
    height, width = gray.shape
    x0, y0 = max(int(cx - half), 0), max(int(cy - half), 0)
    x1, y1 = min(int(cx + half), width), min(int(cy + half), height)
    return gray[y0:y1, x0:x1]


def moire_score(gray: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of the band's spectral energy held by its `PEAKS` strongest bins: 0.01-0.07 for a
    face in front of the camera (energy spread out, edges make ridges), 0.3-0.6 for a screen's
    aliased pixel grid (a few sharp peaks)."""
    region = _region(gray, box, MOIRE_REGION)
    if min(region.shape) < 32:
        return 0.0
    region = region.astype(np.float64)
    region -= cv2.GaussianBlur(region, (0, 0), 4)      # drop the face's own low frequencies
    rows, cols = region.shape
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(region * np.outer(np.hanning(rows), np.hanning(cols)))))
    fy, fx = np.fft.fftshift(np.fft.fftfreq(rows)), np.fft.fftshift(np.fft.fftfreq(cols))
    radius = np.hypot(*np.meshgrid(fx, fy))
    energy = np.sort(spectrum[(radius >= BAND[0]) & (radius <= BAND[1])] ** 2)[::-1]
    total = float(energy.sum())
    return float(energy[:PEAKS].sum() / total) if total > 0 else 0.0


def has_bezel(gray: np.ndarray, box: tuple[int, int, int, int], *, min_band: float = 0.02,
              max_band: float = 0.25) -> bool:
    """Two nested convex quadrilaterals around the face, neither touching the frame's edge,
    the band between them `min_band`..`max_band` of the inner one's size."""
    height, width = gray.shape
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    x, y, w, h = box
    face_corners = [(float(x), float(y)), (float(x + w), float(y)), (float(x), float(y + h)),
                    (float(x + w), float(y + h))]
    quads: list[float] = []
    for contour in contours:
        if cv2.contourArea(contour) < 2 * w * h:
            continue
        quad = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
        if len(quad) != 4 or not cv2.isContourConvex(quad):
            continue
        qx, qy, qw, qh = cv2.boundingRect(quad)
        if qx <= 2 or qy <= 2 or qx + qw >= width - 2 or qy + qh >= height - 2:
            continue            # the frame's own edge or something cut off by it
        if all(cv2.pointPolygonTest(quad, point, False) > 0 for point in face_corners):
            quads.append(float(np.sqrt(cv2.contourArea(quad))))
    quads.sort()
    for i, inner in enumerate(quads):
        for outer in quads[i + 1:]:
            if min_band <= (outer - inner) / (2 * inner) <= max_band:
                return True
    return False


def presentation_reasons(gray: np.ndarray, face: Face, cfg: FaceConfig) -> list[Reason]:
    """MOIRE and/or BEZEL for one frame with one face; [] when the check is off or clean."""
    if not cfg.spoof_check:
        return []
    reasons = []
    if moire_score(gray, face.box) >= cfg.max_moire:
        reasons.append(Reason.MOIRE)
    if has_bezel(gray, face.box):
        reasons.append(Reason.BEZEL)
    return reasons
