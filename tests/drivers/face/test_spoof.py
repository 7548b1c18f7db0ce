"""The photo/screen check on frames made here: real ORL faces in front of the camera
(must pass), and the same faces shown on a simulated phone (pixel grid resampled by the
camera -> moire; black bezel), with each sign on its own. These are synthetic models of
a screen replay, not recordings of one: see docs/face.md for what that does and does not
prove."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.face import FaceConfig, FaceEngine, Reason
from drivers.face.actor import FaceActor, screen_replay
from drivers.face.spoof import has_bezel, moire_score

from .conftest import frame

SAMPLE = [(p, i) for p in range(1, 41, 3) for i in (1, 5, 9)]


def spoof_reasons(engine: FaceEngine, image: np.ndarray) -> set[Reason]:
    analysis = engine.analyse(image)
    assert analysis.face is not None, analysis.reasons
    return set(analysis.reasons) & {Reason.MOIRE, Reason.BEZEL}


def test_faces_in_front_of_the_camera_are_not_flagged(engine):
    flagged = [(p, i) for p, i in SAMPLE if spoof_reasons(engine, frame(p, i))]
    assert flagged == []
    # the sim citizen too (noise, shake, a turned head)
    actor = FaceActor(12)
    actor.cue("turn_right")
    assert all(not spoof_reasons(engine, actor.frame()) for _ in range(8))


@pytest.mark.parametrize("person", [3, 12, 30])
def test_face_replayed_on_a_phone_is_flagged_moire_and_bezel(engine, person):
    image = screen_replay(frame(person, 1), np.random.default_rng(person), pixel_pitch=3, angle=2.0)
    assert spoof_reasons(engine, image) == {Reason.MOIRE, Reason.BEZEL}


def test_each_sign_on_its_own(engine):
    rng = np.random.default_rng(0)
    no_grid = screen_replay(frame(12, 1), rng, pixel_pitch=0)          # a print in a black frame
    assert spoof_reasons(engine, no_grid) == {Reason.BEZEL}
    no_bezel = screen_replay(frame(12, 1), rng, bezel_px=0, scale=1.1)  # a screen filling the view
    assert spoof_reasons(engine, no_bezel) == {Reason.MOIRE}


def test_scores_separate_faces_from_screens(engine):
    faces = [moire_score(cv2.cvtColor(frame(p, i), cv2.COLOR_BGR2GRAY), engine.detect(frame(p, i))[0].box)
             for p, i in SAMPLE]
    screens = []
    for p, _ in SAMPLE[::3]:
        image = screen_replay(frame(p, 1), np.random.default_rng(p))
        found = engine.detect(image)
        if found:
            screens.append(moire_score(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), found[0].box))
    assert len(screens) >= 8
    limit = engine.config.max_moire
    assert max(faces) < limit / 2 and min(screens) > limit * 1.5, (max(faces), min(screens))


def test_a_single_rectangle_around_the_face_is_not_a_bezel():
    """A photo pasted on a wall (ORL on grey) has one straight-edged rectangle: not flagged."""
    gray = np.full((480, 640), 160, np.uint8)
    gray[100:380, 200:440] = 90
    assert not has_bezel(gray, (260, 160, 120, 150))
    gray[80:400, 180:460] = 15                   # a black band around it: a device's bezel
    gray[100:380, 200:440] = 90
    assert has_bezel(gray, (260, 160, 120, 150))


def test_the_check_can_be_switched_off():
    engine = FaceEngine(FaceConfig.from_mapping({"spoof_check": False}))
    image = screen_replay(frame(12, 1), np.random.default_rng(1))
    assert spoof_reasons(engine, image) == set()
