"""A small MJPG clip made by the test itself: frame i is flat grey at level 50*i."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

LEVELS = [0, 50, 100, 150, 200]


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (160, 120))
    assert writer.isOpened()
    for level in LEVELS:
        writer.write(np.full((120, 160, 3), level, dtype=np.uint8))
    writer.release()
    return path


def level(frame: np.ndarray) -> int:
    """The grey level of a clip frame, rounded to the clip's steps (JPEG is lossy)."""
    return int(round(float(frame.mean()) / 50) * 50)
