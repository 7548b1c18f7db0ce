import threading

import numpy as np
import pytest

from drivers.core.errors import UserError
from drivers.face import Decision, Reason

from .conftest import card, frame, frames

GENUINE = (card(12, 5), frames(12, (1, 2, 3, 4)))
IMPOSTOR = (card(12, 5), frames(30, (1, 2, 3, 4)))


def test_genuine_pair_accepted(verifier):
    reference, probes = GENUINE
    result = verifier.verify(reference, probes, "emulator_reference", liveness=False)
    assert result.decision is Decision.MATCH and result.matched
    assert result.score > result.threshold and result.frames_used == 4
    assert result.reference_source == "emulator_reference" and result.reasons == ()


def test_impostor_pair_rejected(verifier):
    reference, probes = IMPOSTOR
    result = verifier.verify(reference, probes, "vendor_decoder", liveness=False)
    assert result.decision is Decision.NO_MATCH
    assert result.score < result.threshold and result.reasons == (Reason.LOW_SCORE,)
    assert result.retry_allowed


def test_compare_is_cosine_like_opencv(engine):
    a = engine.embed(frame(1, 1), engine.detect(frame(1, 1))[0])
    b = engine.embed(frame(1, 2), engine.detect(frame(1, 2))[0])
    import cv2
    assert engine.compare(a, b) == pytest.approx(
        engine._recognizer.match(a[None, :], b[None, :], cv2.FaceRecognizerSF_FR_COSINE), abs=1e-5)


def test_too_few_usable_frames_is_undecided_with_the_quality_reasons(verifier):
    reference, probes = GENUINE
    blank = np.zeros((480, 640, 3), np.uint8)
    result = verifier.verify(reference, [probes[0], blank, blank], "emulator_reference", liveness=False)
    assert result.decision is Decision.UNDECIDED
    assert result.reasons[:2] == (Reason.TOO_FEW_FRAMES, Reason.NO_FACE) and result.frames_used == 1


def test_reference_without_a_face(verifier):
    result = verifier.verify(np.zeros((126, 102), np.uint8), GENUINE[1], "vendor_decoder", liveness=False)
    assert result.decision is Decision.UNDECIDED and result.reasons == (Reason.NO_REFERENCE_FACE,)
    assert not result.retry_allowed


def test_retry_then_staff_path(verifier):
    reference, probes = IMPOSTOR
    session = verifier.begin(reference, "vendor_decoder", liveness=False)
    for probe in probes:
        session.submit(probe)
    first = session.result()
    assert first.decision is Decision.NO_MATCH and first.retry_allowed and first.attempt == 1
    session.retry()
    assert session.result().frames_used == 0
    for probe in probes:
        session.submit(probe)
    second = session.result()
    assert second.attempt == 2 and not second.retry_allowed
    assert Reason.ATTEMPTS_EXHAUSTED in second.reasons
    with pytest.raises(UserError, match="staff"):
        session.retry()


def test_overall_time_limit_from_the_clock(verifier, clock):
    reference, probes = GENUINE
    session = verifier.begin(reference, "emulator_reference", liveness=False)
    session.submit(probes[0])
    clock.advance(verifier.config.time_limit_s + 1)
    feedback = session.submit(probes[1])
    assert not feedback.accepted and feedback.reasons == (Reason.TIMEOUT,)
    result = session.result()
    assert result.decision is Decision.UNDECIDED and Reason.TIMEOUT in result.reasons
    assert session.finished and not result.retry_allowed
    with pytest.raises(UserError):
        session.retry()


def test_feedback_per_frame_carries_the_prompt(verifier):
    session = verifier.begin(GENUINE[0], "emulator_reference", liveness=False)
    feedback = session.submit(frame(12, 1, scale=0.8))
    assert not feedback.accepted and feedback.prompt_zh == "请靠近一点"
    assert session.submit(frame(12, 1)).accepted


def test_sessions_run_concurrently_in_worker_threads(verifier):
    reference, probes = GENUINE
    expected = verifier.verify(reference, probes, "emulator_reference", liveness=False).score
    scores: list[float] = []

    def work() -> None:
        scores.append(verifier.verify(reference, probes, "emulator_reference", liveness=False).score)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert scores == pytest.approx([expected] * 4)


def test_close_forgets_the_reference(verifier):
    session = verifier.begin(GENUINE[0], "emulator_reference", liveness=False)
    session.close()
    assert session.result().reasons == (Reason.NO_REFERENCE_FACE,)
