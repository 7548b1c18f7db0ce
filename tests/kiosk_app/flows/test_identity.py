"""The kiosk identifies a citizen end to end: ID card read by the real reader from the
in-process emulator, live frames from the camera sim (an ORL person who follows the
liveness prompt), the real YuNet/SFace models, the worker thread. See identity_support."""
from __future__ import annotations

import logging
import threading

import numpy as np

from config.schema import KioskConfig
from drivers.face import Decision, Reason
from drivers.face.actor import FaceActor
from drivers.idcard.idnumber import mask_id
from kiosk_app.flows.identity import FAILED, IDENTIFIED, IDLE, RETRY, VERIFYING, Identity
from kiosk_app.identity_setup import accepts_emulator_reference
from tests.support.privacy import watch_writes

from ..identity_support import PERSON, Harness


def test_genuine_citizen_is_identified_with_face_verified():
    with Harness() as h:
        h.identify()
        view = h.wait_state(IDENTIFIED, FAILED, RETRY)
        card = h.card
        identity = h.flow.identity
        assert view.state == IDENTIFIED and view.face_verified, view
        assert identity.face_verified and identity.card_type == "resident"
        assert (identity.id_number, identity.name, identity.birth_date) == (card.id_number, card.name,
                                                                             card.birth_date)
        assert identity.masked_id == mask_id(card.id_number) == view.masked_id
        assert identity.masked_id[:6] == card.id_number[:6] and "*" in identity.masked_id
        audit = identity.audit
        assert audit.decision is Decision.MATCH and audit.score >= audit.threshold
        assert audit.reference_source == "emulator_reference" and audit.frames_used >= 3
        # the citizen saw the drawn challenge while verifying
        prompts = {v.prompt_zh for v in h.views if v.state == VERIFYING}
        assert prompts & {"请慢慢向左转头", "请慢慢向右转头"}
        assert card.name not in repr(identity) and card.id_number not in repr(identity)


def test_impostor_is_rejected_then_sent_to_staff():
    with Harness(f"person={PERSON}&impostor=1") as h:
        h.identify()
        view = h.wait_state(RETRY, IDENTIFIED, FAILED)
        assert view.state == RETRY and view.reasons == (Reason.LOW_SCORE,)
        h.flow.retry()
        view = h.wait_state(FAILED, IDENTIFIED)
        assert view.state == FAILED and not view.face_verified
        assert view.reasons == (Reason.LOW_SCORE, Reason.ATTEMPTS_EXHAUSTED) and view.message == "id_face_staff"
        identity = h.flow.identity
        assert not identity.face_verified and identity.audit.decision is Decision.NO_MATCH
        assert identity.audit.attempt == 2 and identity.audit.score < identity.audit.threshold


def test_retry_after_a_failed_attempt_can_succeed():
    with Harness(f"person={PERSON}&impostor=1") as h:
        h.identify()
        assert h.wait_state(RETRY, IDENTIFIED, FAILED).state == RETRY
        h.service.worker.camera.source.actor = FaceActor(PERSON)     # the card's holder steps up
        h.flow.retry()
        view = h.wait_state(IDENTIFIED, FAILED)
        assert view.state == IDENTIFIED and view.attempt == 2
        assert h.flow.identity.audit.attempt == 2 and h.flow.identity.face_verified


def _run_until_frames_then_time_out(h: Harness, frames: int = 4):
    h.identify()
    h.wait(lambda v: v.state == VERIFYING and h.frames > frames)
    h.clock.advance(h.service.worker.verifier.config.time_limit_s + 1)
    return h.wait_state(FAILED, IDENTIFIED, RETRY)


def test_still_photo_fails_liveness():
    with Harness(f"person={PERSON}&attack=photo") as h:
        view = _run_until_frames_then_time_out(h)
        assert view.state == FAILED and not h.flow.identity.face_verified
        assert view.reasons[:2] == (Reason.LIVENESS_NOT_PASSED, Reason.STILL_IMAGE)
        assert Reason.TIMEOUT in view.reasons
        # the face on the print is the right person: only liveness stopped it
        assert h.flow.identity.audit.score >= h.flow.identity.audit.threshold


def test_video_replayed_on_a_phone_is_stopped_by_the_screen_check():
    """The replay follows the challenge (a video of the person turning), so only MOIRE/BEZEL stop it."""
    with Harness(f"person={PERSON}&attack=screen") as h:
        view = _run_until_frames_then_time_out(h, frames=8)
        assert view.state == FAILED and Reason.TOO_FEW_FRAMES in view.reasons
        assert {Reason.MOIRE, Reason.BEZEL} & set(view.reasons), view.reasons
        assert h.flow.identity.audit.frames_used < 3


def test_timeout_when_no_face_is_seen():
    with Harness(camera_url="sim://camera?pattern=moving") as h:
        view = _run_until_frames_then_time_out(h)
        assert view.state == FAILED
        assert view.reasons[:2] == (Reason.TOO_FEW_FRAMES, Reason.NO_FACE) and Reason.TIMEOUT in view.reasons
        assert any(v.reasons == (Reason.NO_FACE,) for v in h.views)   # "请将脸部对准摄像头" was shown


def test_emulator_reference_refused_when_configured():
    with Harness(accept=False) as h:
        h.identify()
        view = h.wait_state(FAILED, IDENTIFIED)
        assert view.reasons == (Reason.REFERENCE_REFUSED,) and not view.face_verified
    assert accepts_emulator_reference(KioskConfig(id="k", hall="h", idcard_url="sim://idcard"))
    assert not accepts_emulator_reference(KioskConfig(id="k", hall="h", idcard_url="serial:///dev/ttyUSB0"))
    assert accepts_emulator_reference(KioskConfig(id="k", hall="h", idcard_url="serial:///dev/pts/3",
                                                  accept_emulator_reference=True))


def test_without_a_camera_the_card_alone_identifies_without_face():
    with Harness(camera_url="") as h:
        h.identify()
        view = h.wait_state(IDENTIFIED, FAILED)
        assert view.message == "id_card_only" and not h.flow.identity.face_verified
        assert h.flow.identity.audit is None


def test_the_worker_runs_off_the_calling_thread():
    with Harness() as h:
        h.identify()
        h.wait_state(IDENTIFIED, FAILED, RETRY)
        me = threading.get_ident()
        assert h.service.worker.thread_ids and me not in h.service.worker.thread_ids
        assert set(h.service.worker.thread_ids) <= h.view_threads   # prompts and feedback came from the worker


def _contains(obj, needles: tuple[str, ...], seen: set[int] | None = None, depth: int = 0) -> list[str]:
    """Personal strings or image arrays reachable from obj's attributes (a few levels deep)."""
    seen = seen if seen is not None else set()
    if id(obj) in seen or depth > 6:
        return []
    seen.add(id(obj))
    if isinstance(obj, str):
        return [obj] if any(n in obj for n in needles) else []
    if isinstance(obj, (bytes, bytearray)):
        return [f"<{len(obj)} bytes>"] if len(obj) > 256 else []
    if isinstance(obj, np.ndarray):
        return [f"<array {obj.shape}>"]
    if isinstance(obj, dict):
        items = list(obj.values())
    elif isinstance(obj, (list, tuple, set)):
        items = list(obj)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith(("kiosk_app", "drivers.face")):
        items = list(vars(obj).values())
    else:
        return []
    return [hit for item in items for hit in _contains(item, needles, seen, depth + 1)]


def test_wipe_leaves_nothing_personal(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("HALL_STATE_DIR", str(tmp_path / "state"))
    caplog.set_level(logging.DEBUG)
    with Harness() as h:
        with watch_writes() as written:
            h.identify()
            h.wait_state(IDENTIFIED, FAILED, RETRY)
            card = h.card
            identity: Identity = h.flow.identity
            needles = (card.name, card.id_number)
            assert _contains(identity, needles)          # the scan does find them before the wipe
            h.flow.wipe()
        assert h.flow.view.state == IDLE and h.flow.view.masked_id == "" and h.flow.identity is None
        assert (identity.name, identity.id_number, identity.birth_date, identity.face_verified) == ("", "", None,
                                                                                                    False)
        assert _contains(h.flow, needles) == [] and _contains(h.service.worker, needles) == []
        assert h.service.worker._session is None and h.service.worker._reference is None
    # the only files written are the devices' counters (numbers only) in the state directory
    assert written and all(str(tmp_path / "state") in w for w in written), written
    for path in (tmp_path / "state").rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8")
            assert card.name not in text and card.id_number not in text
    for record in caplog.records:
        message = record.getMessage()
        assert card.name not in message and card.id_number not in message, message
    assert mask_id(card.id_number) in caplog.text


def test_idle_timeout_wipes_the_session():
    with Harness(camera_url="") as h:
        h.identify()
        h.wait_state(IDENTIFIED)
        identity = h.flow.identity
        h.flow.tick()
        assert h.flow.view.state == IDENTIFIED
        h.clock.advance(h.config.idle_timeout_s)
        assert h.flow.tick().state == IDLE and identity.id_number == "" and h.flow.identity is None


def test_a_card_placed_outside_the_identify_page_starts_nothing():
    with Harness(camera_url="") as h:
        h.emulator.place("resident")
        h.service.reader.poll_once()
        assert h.flow.view.state == IDLE and h.flow.identity is None
