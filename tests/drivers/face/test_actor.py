"""The simulated citizen of the camera sim and the ID card sim's photo of the same person:
what the kiosk's end-to-end tests stand on."""
from __future__ import annotations

import numpy as np
import pytest

from drivers.camera import Camera
from drivers.core import UrlError
from drivers.face import Challenge, LivenessChecker, decode_image
from drivers.face.actor import FaceActor, card_photo_png, impostor_of
from drivers.idcard.photo import SOURCE_EMULATOR
from drivers.idcard.reader import IdCardReader


def report(engine, challenge: str, frames):
    checker = LivenessChecker(Challenge(challenge), engine.config)
    for image in frames:
        analysis = engine.analyse(image)
        checker.observe(analysis.face, analysis.gray)
    return checker.report()


@pytest.mark.parametrize("challenge", ["turn_left", "turn_right"])
@pytest.mark.parametrize("person", [3, 12, 25])
def test_cued_actor_passes_exactly_the_asked_challenge(engine, person, challenge):
    actor = FaceActor(person, seed=person)
    actor.cue(challenge)
    frames = [actor.frame() for _ in range(9)]
    assert report(engine, challenge, frames).passed
    other = "turn_right" if challenge == "turn_left" else "turn_left"
    assert not report(engine, other, frames).passed


def test_same_person_matches_the_card_photo_and_the_impostor_does_not(engine):
    reference = engine.reference_embedding(decode_image(card_photo_png(12)))
    def median_score(person):
        scores = []
        for image in (FaceActor(person).frame() for _ in range(3)):
            analysis = engine.analyse(image)
            scores.append(engine.compare(reference, engine.embed_aligned(analysis.aligned)))
        return float(np.median(scores))
    assert median_score(12) > engine.config.match_threshold > median_score(impostor_of(12))
    assert impostor_of(12) != 12 and 1 <= impostor_of(40) <= 40


def test_photo_attack_is_a_still_image():
    actor = FaceActor(12, attack="photo")
    actor.cue("turn_left")
    first = actor.frame()
    assert all(np.array_equal(first, actor.frame()) for _ in range(4))


def test_camera_sim_url_shows_the_person_and_follows_the_cue(engine):
    with Camera("sim://camera?pattern=face&person=12&seed=2") as camera:
        camera.cue("turn_left")
        frames = [camera.read_frame() for _ in range(9)]
    assert frames[0].shape == (480, 640, 3)
    assert report(engine, "turn_left", frames).passed


@pytest.mark.parametrize("raw", ["sim://camera?pattern=face&person=41", "sim://camera?pattern=face&attack=mask",
                                 "sim://camera?pattern=face&person=x"])
def test_bad_face_sim_urls(raw):
    with pytest.raises(UrlError):
        Camera(raw)


def test_idcard_sim_carries_the_same_persons_photo(engine):
    reader = IdCardReader("sim://idcard?name=actor-test&face=orl:12&card=permit_hmt")
    try:
        card = reader.read_card()
    finally:
        reader.close()
    assert card.photo.source == SOURCE_EMULATOR and card.photo.image == card_photo_png(12)


def test_bad_idcard_face_spec_is_a_url_error():
    with pytest.raises(UrlError):
        IdCardReader("sim://idcard?name=actor-bad&face=lfw:3").open()
