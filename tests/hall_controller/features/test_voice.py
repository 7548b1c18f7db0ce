"""Voice announcements from the controller's call events (followed over MQTT, as a loudspeaker
PC of its own does), spoken by the real espeak-ng into WAV files: the ticket and the window in Mandarin (and English when the hall asks for it),
a chime before each, a recall spoken again, the chime kept when speech is off, and calls in
quick succession queued, never cut off."""
from __future__ import annotations

import time

import pytest

from drivers.speech.audio import wav_info
from drivers.speech.numbers import ticket_en, ticket_zh, window_en, window_zh
from hall_protocol.phrasing import call_text


def call_text_zh(ticket, window):  # the loudspeaker's Chinese call: the one phrasing, spelled for speech
    return call_text(ticket, window, "zh", spoken=(ticket_zh, window_zh))


def call_text_en(ticket, window):
    return call_text(ticket, window, "en", spoken=(ticket_en, window_en))
from hall_controller.features.voice import Announcer, Speaker
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def issue(device, n, service="A"):
    kiosk = device("kiosk-01")
    for _ in range(n):
        assert kiosk.request(f"hall/{HALL}/request/ticket/kiosk-01",
                             {"service": service, "request_id": new_request_id()})["status"] == "ok"


def command(device, window, action):
    caller = device(f"caller-w{window}")
    answer = caller.request(f"hall/{HALL}/request/window/caller-w{window}", {"window": window, "action": action, "request_id": new_request_id()})
    assert answer["status"] == "ok", answer
    return answer


def announced(ann: Announcer, count: int, timeout: float = 60.0) -> list:
    deadline = time.monotonic() + timeout
    while len(ann.done) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(ann.done) >= count, f"{len(ann.done)} of {count} utterances queued"
    return [f.result(timeout=60) for f in ann.done[:count]]


@pytest.fixture
def announcer(controller, tmp_path, request):
    langs, speech_on = request.param
    # no loudspeaker here (tests/hall_controller/features/test_loudspeakers.py records them): WAV files only
    ann = Announcer([Speaker(HALL, None, "none", 100, tuple(langs), speech_on)], tmp_path / "wav")
    ann.subscribe(controller.endpoint).start()
    yield ann
    ann.stop()


@pytest.mark.parametrize("announcer", [(["zh", "en"], True)], indirect=True)
def test_call_and_recall_in_mandarin_and_english(announcer, device):
    issue(device, 1)
    command(device, 1, "call_next")
    command(device, 1, "recall")
    utts = announced(announcer, 6)
    assert [u.engine_used == "chime" for u in utts] == [True, False, False] * 2
    zh, en = utts[1], utts[2]
    assert zh.text == call_text_zh("A001", 1) and "窗口" in zh.text
    assert en.text == call_text_en("A001", 1) and "window" in en.text
    assert utts[4].text == zh.text  # the recall names the same ticket and window again
    for u in utts:
        info = wav_info(u.path)
        assert info.duration_s > 0.2 and u.rms > 0.01, u  # real sound, not a header
    assert zh.duration_s > 1.5  # a whole sentence, not one syllable


@pytest.mark.parametrize("announcer", [(["zh"], False)], indirect=True)
def test_chime_plays_when_speech_is_off(announcer, device):
    issue(device, 2)
    command(device, 1, "call_next")
    command(device, 1, "call_next")
    utts = announced(announcer, 2)  # two calls: two chimes and nothing spoken between them
    assert [u.engine_used for u in utts] == ["chime", "chime"] and all(u.rms > 0.01 for u in utts)


@pytest.mark.parametrize("announcer", [(["zh"], True)], indirect=True)
def test_calls_in_quick_succession_are_queued_whole(announcer, device):
    issue(device, 3)
    issue(device, 1, service="B")
    for window in (1, 2, 3):
        command(device, window, "call_next")
    utts = announced(announcer, 6)
    spoken = [u for u in utts if u.engine_used != "chime"]
    assert sorted(u.text for u in spoken) == sorted(
        [call_text_zh("A001", 1), call_text_zh("A002", 2), call_text_zh("B001", 3)])
    for u in spoken:  # each one complete: as long as the same sentence spoken alone
        assert u.duration_s > 1.5


@pytest.mark.parametrize("announcer", [(["zh"], False)], indirect=True)
def test_a_call_event_delivered_twice_is_announced_once(announcer, controller, device):
    issue(device, 2)
    got = []
    controller.endpoint.subscribe(f"hall/{HALL}/event/call", lambda m: got.append(m.payload))
    command(device, 1, "call_next")
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        time.sleep(0.02)
    controller.endpoint.publish(f"hall/{HALL}/event/call", got[0], qos=1)  # what a QoS 1 redelivery looks like
    command(device, 1, "recall")  # a recall is a new announcement, not a duplicate
    utts = announced(announcer, 2)
    time.sleep(1.0)  # a third utterance would be queued by now
    assert len(announcer.done) == 2 and all(u.engine_used == "chime" for u in utts)
