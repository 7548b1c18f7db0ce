"""Liveness on ORL: the turned frames are different photographs of the same person with a
visible yaw (or pitch) difference, taken in one sitting. They prove that the landmark
geometry tells a turned head from a frontal one and that the pipeline accepts a real pose
change; they are not a video of a head turning, and prove nothing about screen replays."""
import random

import cv2
import numpy as np
import pytest

from drivers.face import Challenge, Decision, FaceConfig, LivenessChecker, Reason, Verifier, choose_challenge

from .conftest import CHALLENGE_FRAMES, card, frame, frames


def checker_for(engine, challenge: Challenge, images, config: FaceConfig | None = None) -> LivenessChecker:
    checker = LivenessChecker(challenge, config or engine.config)
    for image in images:
        analysis = engine.analyse(image)
        checker.observe(analysis.face, analysis.gray)
    return checker


def test_challenge_is_chosen_with_the_injected_random():
    allowed = ("turn_left", "turn_right", "nod")
    first = [choose_challenge(random.Random(3), allowed) for _ in range(3)]
    assert len(set(first)) == 1
    assert {choose_challenge(random.Random(seed), allowed) for seed in range(30)} == set(Challenge)
    assert Challenge.TURN_LEFT.prompt_zh == "请慢慢向左转头"


@pytest.mark.parametrize("challenge", list(Challenge))
def test_still_photo_fails(engine, challenge):
    report = checker_for(engine, challenge, [frame(40, 1)] * 5).report()
    assert not report.passed and report.reasons == (Reason.LIVENESS_NOT_PASSED, Reason.STILL_IMAGE)


@pytest.mark.parametrize("challenge", list(Challenge))
def test_real_pose_change_passes(engine, challenge):
    person, images = CHALLENGE_FRAMES[challenge.value]
    report = checker_for(engine, challenge, frames(person, images)).report()
    assert report.passed and report.reasons == ()


def test_turn_in_the_wrong_direction_fails(engine):
    person, images = CHALLENGE_FRAMES["turn_right"]
    report = checker_for(engine, Challenge.TURN_LEFT, frames(person, images)).report()
    assert not report.passed and report.reasons == (Reason.LIVENESS_NOT_PASSED,)


def test_mirrored_camera_swaps_left_and_right(engine):
    person, images = CHALLENGE_FRAMES["turn_right"]
    mirrored = FaceConfig.from_mapping({"camera_mirrored": True})
    assert checker_for(engine, Challenge.TURN_LEFT, frames(person, images), mirrored).report().passed


def test_moving_a_photo_around_is_not_a_head_turn(engine):
    """Shifting, scaling and tilting a flat photo moves the landmarks but not the head pose."""
    base = frame(1, 1)
    moved = [base, np.roll(base, 25, axis=1), cv2.resize(base, None, fx=1.1, fy=1.1)[:480, :640]]
    moved += [cv2.warpAffine(base, cv2.getRotationMatrix2D((320, 240), angle, 1.0), (640, 480),
                             borderValue=(128, 128, 128)) for angle in (-20, -10, 10, 20)]
    for challenge in Challenge:
        report = checker_for(engine, challenge, moved).report()
        assert not report.passed and Reason.STILL_IMAGE not in report.reasons


def test_verifier_matches_only_after_the_drawn_challenge(engine, clock):
    for seed in range(3):
        # the challenge is drawn first, so the same seed draws it again for the real session
        challenge = choose_challenge(random.Random(seed), engine.config.challenges)
        person, images = CHALLENGE_FRAMES[challenge.value]
        session = Verifier(engine, clock=clock, rng=random.Random(seed)).begin(card(person, 6),
                                                                                "emulator_reference")
        assert session.challenge is challenge
        for image in frames(person, images):
            session.submit(image)
        result = session.result()
        assert result.decision is Decision.MATCH, (session.challenge, result)
        assert result.liveness.passed and session.finished


def test_verifier_with_a_still_photo_is_not_a_match(verifier):
    person, images = CHALLENGE_FRAMES["turn_left"]
    result = verifier.verify(card(person, 6), [frame(person, images[0])] * 4, "emulator_reference")
    assert result.decision is Decision.UNDECIDED and result.score > result.threshold
    assert result.reasons == (Reason.LIVENESS_NOT_PASSED, Reason.STILL_IMAGE)
