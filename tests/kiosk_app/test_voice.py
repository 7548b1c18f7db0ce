"""The kiosk reads its pages aloud, heard on a real PulseAudio server: the kiosk's loudspeaker is
`pulse://hall`, a null sink whose monitor is recorded (tests/support/pulse.py). The real kiosk
(broker, controller, receipt printer emulator) runs in its window offscreen, driven by clicks.

What is heard is matched against what the kiosk rendered (each utterance it played is kept as a
WAV file, tests/support/hearing.py): an elderly session's pages, home, then the ticket, whole and
in order, and the read-aloud button's replay; a touch and a new page silence the old speech
within 300 ms, measured in the recording. Nothing is mocked; the flows' clock is a FakeClock so
that no page times out while the test listens."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from config.schema import KioskConfig, KioskVoiceConfig
from drivers.core.clock import FakeClock
from drivers.speech.audio import wav_info, write_wav
from drivers.speech.worker import SpeechWorker
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application, process_until
from tests.kiosk_app.test_e2e import keep  # noqa: F401 (fixture)
from tests.support.hearing import find_in_order, loud_seconds, read_wav
from tests.support.pulse import pulse  # noqa: F401 (fixture)

FRAME_S = 0.01
LEVEL = 0.01


@pytest.fixture
def spoken_kiosk(suite_config, broker, controller, printer_emulator, pulse, monkeypatch, tmp_path):  # noqa: F811
    """The kiosk with its voice on the test's PulseAudio server; every utterance kept in said/."""
    for name in ("PULSE_SERVER", "XDG_RUNTIME_DIR"):
        monkeypatch.setenv(name, pulse.env[name])
    _, port = printer_emulator
    cfg = KioskConfig(id="kiosk-01", hall="demo-hall", printer_url=f"tcp://127.0.0.1:{port}",
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}),
                      voice=KioskVoiceConfig(speaker="pulse://hall", volume=80))
    k = Kiosk(cfg, suite_config.hall("demo-hall"), password=broker.passwords["kiosk-01"], clock=FakeClock())
    k.voice.keep_dir = tmp_path / "said"
    k.start()
    yield k
    k.stop()


def _window(kiosk, keep_):
    window = KioskWindow.for_kiosk(kiosk)
    keep_(window)
    window.show()
    return window


def _utterance(app, voice, contains: str, outcome: str | None = "played", after: int = 0, timeout: float = 60):
    """The first utterance from index `after` whose text has `contains` (and, if given, that ended so)."""
    def found():
        for p in list(voice.history)[after:]:
            if contains in p.text and (outcome is None or p.outcome == outcome):
                return p
        return None
    assert process_until(app, lambda: found() is not None, timeout), \
        f"not {outcome}: {contains!r}; said: {[(p.text[:20], p.outcome) for p in voice.history]}"
    return found()


def _head(path: str, seconds: float, out: Path) -> Path:
    """The first `seconds` of a rendering: what is found of a page that was cut."""
    samples, rate = read_wav(Path(path))
    write_wav(out, samples[: int(seconds * rate)], rate)
    return out


def _last_sound_before(rec, until_s: float) -> float:
    """The end (s) of the last 10 ms frame louder than LEVEL before `until_s` in the recording."""
    rms = rec.frame_rms(FRAME_S)[: int(until_s / FRAME_S)]
    loud = np.nonzero(rms > LEVEL)[0]
    return float((loud[-1] + 1) * FRAME_S) if loud.size else 0.0


def _no_two_voices(history) -> None:
    spans = sorted((p.started, p.ended) for p in history)
    assert all(end is not None for _, end in spans)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start >= end, "two utterances sounded at once"


def test_an_elderly_session_is_heard_page_by_page_in_order_and_read_aloud_replays(keep, spoken_kiosk, pulse,  # noqa: F811
                                                                                  tmp_path):
    app, voice = application(), spoken_kiosk.voice
    window = _window(spoken_kiosk, keep)
    with pulse.record("hall") as rec:
        QTest.mouseClick(window.elderly_button, Qt.LeftButton)    # 长辈版: the home page is read
        home = _utterance(app, voice, "请选择您要办理的业务")
        QTest.mouseClick(window.service_buttons["A"], Qt.LeftButton)
        ticket = _utterance(app, voice, "您的号码是")
        assert spoken_kiosk.flow.screen.page == "ticket"
        n = len(voice.history)
        QTest.mouseClick(window.assist.read_button, Qt.LeftButton)  # 朗读: the same page again
        again = _utterance(app, voice, "您的号码是", after=n)
        process_until(app, lambda: False, 0.3)

    assert "A，综合受理" in home.text and "D，企业开办" in home.text
    assert "A零零一" in ticket.text and "前面还有 0 人" in ticket.text and again.text == ticket.text
    refs = [Path(home.kept), Path(ticket.kept), Path(again.kept)]
    matches = find_in_order(rec.samples, rec.rate, refs)
    assert [m.score >= 0.8 for m in matches] == [True] * 3, [(m.name, round(m.score, 2)) for m in matches]
    for ref, m in zip(refs, matches):   # each heard whole: as long as its rendering sounds
        expected = loud_seconds(*read_wav(ref))
        start = int(m.at_s * rec.rate)
        heard = loud_seconds(rec.samples[start: start + int(m.length_s * rec.rate)], rec.rate)
        assert heard >= 0.9 * expected, (m.name, heard, expected)
    assert matches[0].at_s + matches[0].length_s <= matches[1].at_s <= matches[2].at_s
    _no_two_voices(voice.history)
    # at the kiosk file's volume (80 %): heard as rendered, and rendered at 80 % of full scale
    assert all(0.8 < m.gain < 1.25 for m in matches), [(m.name, round(m.gain, 2)) for m in matches]
    with SpeechWorker(volume=100) as full_scale:
        full = full_scale.say(home.text, str(tmp_path / "full.wav")).result(timeout=30)
    assert wav_info(home.kept).rms / full.rms == pytest.approx(0.8, abs=0.02)


def test_a_touch_or_a_new_page_silences_the_old_speech_within_300_ms(keep, spoken_kiosk, pulse, tmp_path):  # noqa: F811
    app, voice = application(), spoken_kiosk.voice
    window = _window(spoken_kiosk, keep)
    touches: list[tuple[object, float]] = []   # (the utterance touched, when: time.monotonic())
    with pulse.record("hall") as rec:
        QTest.mouseClick(window.elderly_button, Qt.LeftButton)
        home = _utterance(app, voice, "请选择您要办理的业务", outcome="playing")
        process_until(app, lambda: time.monotonic() - home.started > 2.0, 5)
        touches.append((home, time.monotonic()))
        QTest.mousePress(window.prompt, Qt.LeftButton)            # a touch on the page: silence
        QTest.mouseRelease(window.prompt, Qt.LeftButton)
        assert home.outcome == "cut" and not voice.speaking
        process_until(app, lambda: False, 1.0)
        assert not voice.busy                                      # and it stays silent

        n = len(voice.history)
        QTest.mouseClick(window.assist.read_button, Qt.LeftButton)  # read aloud, then a new page
        replay = _utterance(app, voice, "请选择您要办理的业务", outcome="playing", after=n)
        process_until(app, lambda: time.monotonic() - replay.started > 1.5, 5)
        touches.append((replay, time.monotonic()))
        QTest.mouseClick(window.service_buttons["B"], Qt.LeftButton)
        ticket = _utterance(app, voice, "您的号码是")
        process_until(app, lambda: False, 0.3)

    assert replay.outcome == "cut" and "B零零一" in ticket.text
    # where each utterance starts in the recording (a cut one: by its first second), in order
    refs = [_head(home.kept, 1.0, tmp_path / "home.wav"), _head(replay.kept, 1.0, tmp_path / "replay.wav"),
            Path(ticket.kept)]
    starts = find_in_order(rec.samples, rec.rate, refs)
    assert [m.score >= 0.8 for m in starts] == [True] * 3, [(m.name, round(m.score, 2)) for m in starts]
    for (said, touched), m, following in zip(touches, starts, starts[1:]):
        touch_s = m.at_s + (touched - said.started)   # where the touch falls: the time it had played
        ended = _last_sound_before(rec, min(touch_s + 1.0, following.at_s - FRAME_S))
        assert touch_s - 1.0 < ended <= touch_s + 0.3, (m.name, round(touch_s, 2), ended)  # silent within 300 ms
    ticket_heard = loud_seconds(rec.samples[int(starts[2].at_s * rec.rate):], rec.rate)
    assert ticket_heard >= 0.9 * loud_seconds(*read_wav(Path(ticket.kept)))   # the new page is heard whole
    _no_two_voices(voice.history)
