import cv2
import numpy as np
import pytest

from drivers.face import PROMPTS, Reason, enlarge_small, to_bgr
from drivers.face.config import FaceConfig
from drivers.face.orl import orl_gray
from drivers.face.quality import face_reasons

from .conftest import frame


def test_every_reason_has_chinese_and_english_prompts():
    assert set(PROMPTS) == set(Reason)
    for reason in Reason:
        assert reason.prompt_zh and reason.prompt_en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in reason.prompt_zh)
    assert Reason.TOO_SMALL.prompt_zh == "请靠近一点"
    assert Reason.POSE.prompt_zh == "请正对摄像头"


def test_good_frame_passes(engine):
    analysis = engine.analyse(frame(1, 1))
    assert analysis.usable and analysis.reasons == ()
    assert analysis.aligned.shape == (112, 112, 3)


@pytest.mark.parametrize("image", [np.zeros((480, 640), np.uint8),
                                   np.random.default_rng(1).integers(0, 256, (480, 640, 3), dtype=np.uint8)],
                         ids=["blank", "noise"])
def test_no_face(engine, image):
    assert engine.analyse(image).reasons == (Reason.NO_FACE,)


def test_two_faces(engine):
    pair = np.hstack([frame(1, 1, size=(320, 480)), frame(2, 1, size=(320, 480))])
    analysis = engine.analyse(pair)
    assert analysis.reasons == (Reason.MULTIPLE_FACES,) and len(analysis.faces) == 2


def test_face_too_small(engine):
    analysis = engine.analyse(frame(1, 1, scale=0.8))   # ~55 px wide in 640x480
    assert Reason.TOO_SMALL in analysis.reasons and len(analysis.faces) == 1


def test_blurred_frame(engine):
    blurred = cv2.GaussianBlur(frame(1, 1), (0, 0), 3)
    assert Reason.BLURRY in engine.analyse(blurred).reasons


def test_too_dark_and_too_bright(engine):
    image = frame(7, 1).astype(np.float32)
    dark = (image * 0.2).astype(np.uint8)
    bright = np.clip(image * 0.3 + 200, 0, 255).astype(np.uint8)
    assert Reason.TOO_DARK in engine.analyse(dark).reasons
    assert Reason.TOO_BRIGHT in engine.analyse(bright).reasons


def test_pose_off_when_the_nose_is_far_from_the_eyes_midline(engine):
    analysis = engine.analyse(frame(40, 7))
    assert analysis.pose.yaw < -0.2                     # visibly turned, still within the gate
    strict = FaceConfig.from_mapping({"max_yaw": 0.1})
    assert Reason.POSE in face_reasons(analysis.face, analysis.aligned, strict)


def test_pose_is_not_fooled_by_an_in_plane_tilt(engine):
    """Rotating a frontal face (or a photo of it) in the image plane is not a head turn."""
    upright = engine.analyse(frame(1, 1)).pose
    image = frame(1, 1)
    turn = cv2.getRotationMatrix2D((320, 240), 20, 1.0)
    tilted = engine.analyse(cv2.warpAffine(image, turn, (640, 480), borderValue=(128, 128, 128))).pose
    assert abs(tilted.yaw - upright.yaw) < 0.05       # YuNet's landmarks drift a little
    assert abs(tilted.pitch - upright.pitch) < 0.1     # under rotation, pitch the most
    assert tilted.roll < upright.roll - 8              # YuNet's eyes under-report the angle


def test_small_card_photo_is_enlarged_before_detection(engine):
    enlarged = enlarge_small(to_bgr(orl_gray(1, 1)))
    assert enlarged.shape[0] > 240 and len(engine.detect(enlarged)) == 1
    assert engine.reference_embedding(orl_gray(1, 1)).shape == (128,)
