"""The speech worker against the real espeak-ng and pyttsx3: WAV files measured with wave+numpy."""
from __future__ import annotations

import subprocess
import threading

import pytest

from drivers.core import Counters, DeviceState, DeviceUnavailable
from drivers.speech.audio import wav_info
from drivers.speech.numbers import ticket_zh, window_zh


def call_text_zh(ticket, window):  # a hall's call as the speech engine reads it (hall_protocol/phrasing.py)
    return f"请{ticket_zh(ticket)}号到{window_zh(window)}号窗口办理"
from drivers.speech.worker import SpeechWorker

CALL = "请A零零一号到三号窗口办理"


@pytest.fixture
def make_worker(tmp_path):
    started: list[SpeechWorker] = []

    def make(**kwargs) -> SpeechWorker:
        worker = SpeechWorker(counters=Counters("speech-test", directory=tmp_path / "counters"), **kwargs)
        started.append(worker)
        worker.start()
        return worker

    yield make
    for worker in started:
        worker.close()


def assert_speech(path, min_duration=1.0):
    info = wav_info(path)
    assert info.rms > 0.02, f"{path} is silent (rms {info.rms:.4f})"
    assert info.duration_s > min_duration
    return info


def test_call_wav_is_speech(make_worker, tmp_path):
    worker = make_worker()
    assert call_text_zh("A001", 3) == CALL
    out = tmp_path / "call.wav"
    utt = worker.say(CALL, str(out)).result(timeout=30)
    assert utt.engine_used == "pyttsx3" and utt.playback == "file" and utt.path == str(out)
    info = assert_speech(out)
    assert info.sample_rate == 22050 and info.channels == 1
    assert utt.duration_s == pytest.approx(info.duration_s)
    # a second opinion from sox: a silent file says -inf
    stats = subprocess.run(["sox", str(out), "-n", "stats"], capture_output=True, text=True, check=True).stderr
    rms_db = float(next(line for line in stats.splitlines() if line.startswith("RMS lev dB")).split()[3])
    assert rms_db > -35
    assert worker.counters.get("utterances") == 1


def test_english_variant(make_worker, tmp_path):
    worker = make_worker()
    utt = worker.say("Number A zero zero one, please go to window three.", str(tmp_path / "en.wav"),
                     lang="en").result(timeout=30)
    assert_speech(utt.path)


def test_queued_announcements_keep_order_and_are_not_cut(make_worker, tmp_path):
    worker = make_worker()
    texts = [call_text_zh(f"A00{i}", i) for i in range(1, 5)]
    solo = [worker.say(t, str(tmp_path / f"solo{i}.wav")).result(timeout=30).duration_s for i, t in enumerate(texts)]
    done: list[int] = []
    lock = threading.Lock()

    def record(i):
        return lambda _f: (lock.acquire(), done.append(i), lock.release())

    futures = []
    for i, text in enumerate(texts):  # queued back to back, faster than they can be spoken
        future = worker.say(text, str(tmp_path / f"queued{i}.wav"))
        future.add_done_callback(record(i))
        futures.append(future)
    results = [f.result(timeout=60) for f in futures]
    assert done == list(range(len(texts)))
    for utt, expected in zip(results, solo):
        assert utt.duration_s == pytest.approx(expected, abs=0.05)
        assert_speech(utt.path)


def test_fallback_to_espeak_ng_when_pyttsx3_cannot_start(make_worker, tmp_path):
    worker = make_worker(pyttsx3_driver="no_such_driver")
    assert "pyttsx3_unavailable" in worker.status.details
    utt = worker.say(CALL, str(tmp_path / "fallback.wav")).result(timeout=30)
    assert utt.engine_used == "espeak-ng"
    assert_speech(utt.path)


def test_espeak_engine_by_configuration(make_worker, tmp_path):
    worker = make_worker(engine="espeak")
    utt = worker.say(CALL, str(tmp_path / "espeak.wav")).result(timeout=30)
    assert utt.engine_used == "espeak-ng"
    assert_speech(utt.path)


@pytest.mark.parametrize("engine", ["pyttsx3", "espeak"])
@pytest.mark.parametrize("voice", ["bogus-voice", "cmn"])  # "cmn" reads Chinese characters as English
def test_voice_check_rejects_wrong_voice(engine, voice, tmp_path):
    worker = SpeechWorker(voice=voice, engine=engine, counters=Counters("v", directory=tmp_path))
    with pytest.raises(DeviceUnavailable):
        worker.start()
    assert worker.status.state is DeviceState.NO_DEVICE
    with pytest.raises(DeviceUnavailable):
        worker.say("你好")


def test_chime_plays_with_speech_off(make_worker, tmp_path):
    worker = make_worker(engine="none")
    assert "speech_off" in worker.status.details
    utt = worker.chime(str(tmp_path / "chime.wav")).result(timeout=10)
    assert utt.engine_used == "chime"
    info = assert_speech(utt.path, min_duration=0.3)
    assert info.duration_s < 2
    with pytest.raises(DeviceUnavailable):
        worker.say("请", str(tmp_path / "off.wav")).result(timeout=10)


def test_playback_without_sound_device_is_a_status(make_worker):
    worker = make_worker()
    utt = worker.say("测试").result(timeout=30)
    assert utt.path is None and utt.duration_s > 0.3
    if utt.playback != "played":  # this machine has no sound card
        assert utt.playback in worker.status.details
        assert worker.counters.get("playback_failures") == 1
    assert worker.status.usable


def test_close_finishes_queued_announcements(tmp_path):
    worker = SpeechWorker(counters=Counters("c", directory=tmp_path))
    worker.start()
    futures = [worker.say(CALL, str(tmp_path / f"q{i}.wav")) for i in range(3)]
    worker.close()
    assert all(f.result(timeout=0).duration_s > 1 for f in futures)
    assert worker.status.state is DeviceState.OFFLINE


def test_bad_arguments(make_worker):
    worker = make_worker()
    with pytest.raises(ValueError):
        worker.say("hi", lang="fr")
    with pytest.raises(ValueError):
        worker.say("  ")
    with pytest.raises(ValueError):
        SpeechWorker(engine="festival")
