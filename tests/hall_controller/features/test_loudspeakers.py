"""Calls heard from the hall's loudspeakers: the documented command (`hall-controller --config
hall.toml`) on a real PulseAudio server with a null sink per zone, each sink's monitor recorded
while clerks call over the real broker. The recordings hold the chime and the speech of every
call, whole, in order, in the zone of its window only, at the hall file's volume; a burst of 20
calls with a broker restart in the middle loses none, and the two zones play at the same time
(neither waits for the other)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from devkit import hallfile
from drivers.speech.audio import chime_samples
from hall_apps.caller_model import CallerClient
from tests.support.fixtures import ROOT, new_request_id
from tests.support.hearing import find_in_order, loud_seconds, read_wav
from tests.support.pulse import pulse_zones  # noqa: F401 (fixture)

HALL = "demo-hall"
ZONES = {"z1": (1, 2), "z2": (3, 4)}  # zone1: windows 1 and 2 (service A); zone2: 3 and 4 (service C)


@pytest.fixture
def database_url(tmp_path):  # what is heard does not depend on the database: SQLite only
    return f"sqlite:///{tmp_path}/hall.db"


def _hall_file(hall_config, broker, tmp_path) -> Path:
    from config.schema import AudioConfig, AudioZone
    hall = hall_config.halls[0]
    audio = AudioConfig(sink="pulse://hall", volume=60, zones=[
        AudioZone(id="z1", name="一楼", name_en="1F", windows=list(ZONES["z1"]), sink="pulse://zone1", volume=100),
        AudioZone(id="z2", name="二楼", name_en="2F", windows=list(ZONES["z2"]), sink="pulse://zone2")])
    suite = hall_config.model_copy(update={
        "broker": hall_config.broker.model_copy(update={"port": broker.port}),
        "database": hall_config.database.model_copy(update={"url": f"sqlite:///{tmp_path}/hall.db"}),
        "halls": [hall.model_copy(update={"audio": audio, "voice_lang": ["zh"]})]})
    return hallfile.write(suite, tmp_path / "hall.toml")


def _start(cmd: list[str], env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "ready" in line:
            return proc
        if proc.poll() is not None:
            raise AssertionError(f"hall-controller exited: {proc.stderr.read()[-2000:]}")
    raise AssertionError("hall-controller did not become ready")


def _wait_quiet(path: Path, heard_s: float, timeout: float) -> None:
    """Until the monitor has recorded at least `heard_s` of sound and then 1.5 s of silence."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > 100_000:
            samples, rate = read_wav(path)
            tail = samples[-int(1.5 * rate):]
            if loud_seconds(samples, rate) >= heard_s and np.sqrt(np.mean(tail ** 2)) < 0.002:
                return
        time.sleep(0.5)
    raise AssertionError(f"{path.name}: still playing (or silent) after {timeout} s")


def test_every_call_is_heard_whole_in_order_in_its_zone_only(hall_config, broker, pulse_zones, device, tmp_path):
    sound = pulse_zones
    wavs = tmp_path / "announcements"
    env = {**sound.env, "HALL_MQTT_PASSWORD": broker.passwords["hall-controller"], "PYTHONUNBUFFERED": "1",
           "HALL_STATE_DIR": str(tmp_path / "state")}
    controller = _start([sys.executable, "-m", "hall_controller", "--config", str(_hall_file(hall_config, broker,
                                                                                            tmp_path)),
                         "--announce-dir", str(wavs)], env)
    try:
        kiosk = device("kiosk-01")
        for service in "A" * 10 + "C" * 10:
            assert kiosk.request(f"hall/{HALL}/request/ticket/kiosk-01",
                                 {"service": service, "request_id": new_request_id()})["status"] == "ok"
        callers = {w: CallerClient(device(f"caller-w{w}"), HALL, w, timeout=5, attempts=6) for w in (1, 2, 3, 4)}
        called: dict[str, list[tuple[str, int]]] = {"z1": [], "z2": []}
        with sound.record("zone1") as rec1, sound.record("zone2") as rec2, sound.record("hall") as rec_hall:
            started = time.monotonic()
            for burst in range(5):  # 20 calls, the four windows in turn; the broker restarts half-way
                if burst == 3:
                    broker.restart()  # empty (no persistence): every client reconnects, nothing is lost
                for w, caller in callers.items():
                    number = caller.command("call_next")["ticket"]["number"]
                    called["z1" if w in ZONES["z1"] else "z2"].append((number, w))
            callers[1].command("recall")  # a recall is announced again
            called["z1"].append((called["z1"][-2][0], 1))
            # every announcement was also kept as a WAV file (the extra sink): chime + speech per call
            deadline = time.monotonic() + 120
            while len(list(wavs.glob("*.wav"))) < 2 * 21 and time.monotonic() < deadline:
                time.sleep(0.2)
            refs = {z: sorted(wavs.glob(f"call-*-{z}-*.wav")) for z in ZONES}
            assert [len(refs[z]) for z in ZONES] == [2 * 11, 2 * 10]
            expected_s = {z: sum(loud_seconds(*read_wav(p)) for p in refs[z]) for z in ZONES}
            _wait_quiet(rec1.path, expected_s["z1"] * 0.9, 150)
            _wait_quiet(rec2.path, expected_s["z2"] * 0.9, 150)
            both_done = time.monotonic() - started
    finally:
        controller.terminate()
        controller.wait(30)

    for rec in (rec1, rec2):  # kept with the test's files for a look
        shutil.copy(rec.path, tmp_path / rec.path.name)
    for zone, rec in (("z1", rec1), ("z2", rec2)):
        names = [p.name for p in refs[zone]]
        # the zone's own calls, in the order the clerks made them: chime, then the call
        assert [n.split("-")[3:5] for n in names[1::2]] == [[t, f"w{w}"] for t, w in called[zone]]
        assert all(n.endswith("-chime.wav") for n in names[::2]) and all(n.endswith("-zh.wav") for n in names[1::2])
        matches = find_in_order(rec.samples, rec.rate, refs[zone])
        weak = [(m.name, round(m.score, 2)) for m in matches if m.score < 0.8]
        assert not weak, f"{zone}: not heard whole: {weak}"
        assert all(0.8 < m.gain < 1.25 for m in matches), [(m.name, round(m.gain, 2)) for m in matches]
        starts = [m.at_s for m in matches]
        assert starts == sorted(starts)
        # nothing else was played there: the zone heard its own announcements and no other
        heard = loud_seconds(rec.samples, rec.rate)
        assert abs(heard - expected_s[zone]) < 0.1 * expected_s[zone] + 1.0, (zone, heard, expected_s[zone])
    assert loud_seconds(rec_hall.samples, rec_hall.rate) == 0.0  # no window outside the zones called

    # the volumes of the hall file: zone1 at 100 %, zone2 at the hall's 60 %
    full = float(np.sqrt(np.mean(chime_samples() ** 2)))
    chime1, rate = read_wav(refs["z1"][0])
    chime2, _ = read_wav(refs["z2"][0])
    assert float(np.sqrt(np.mean(chime1 ** 2))) == pytest.approx(full, rel=0.05)
    assert float(np.sqrt(np.mean(chime2 ** 2))) == pytest.approx(0.6 * full, rel=0.05)
    # the zones played at the same time: together in about the time of the longer one, not the sum
    assert both_done < max(expected_s.values()) * 1.5 + 20, (both_done, expected_s)


def test_languages_of_the_hall_and_the_chime_alone_when_speech_is_off(pulse_zones, tmp_path):
    """In-process: the hall's loudspeaker speaks Mandarin then English after the chime; a zone
    whose hall turned speech off plays the chime alone (never silence)."""
    from hall_controller.features.voice import Announcer, Speaker
    sound = pulse_zones
    speakers = [Speaker(HALL, None, "pulse://hall", 100, ("zh", "en"), True),
                Speaker(HALL, "quiet", "pulse://zone1", 100, ("zh",), False, frozenset({3}))]
    ann = Announcer(speakers, tmp_path / "wav", env=sound.env)
    ann.start()
    try:
        with sound.record("hall") as hall_rec, sound.record("zone1") as quiet_rec:
            assert ann.announce(HALL, "A001", 1) and ann.announce(HALL, "B001", 3)
            assert not ann.announce(HALL, "B001", 3)  # the same call delivered twice is said once
            utts = [f.result(timeout=60) for f in list(ann.done)]
    finally:
        ann.stop()
    assert [u.engine_used for u in utts] == ["chime", "pyttsx3", "pyttsx3", "chime"]
    assert [u.lang for u in utts[1:3]] == ["zh", "en"] and "window one" in utts[2].text
    assert all(u.playback == "played" for u in utts)
    refs = sorted((tmp_path / "wav").glob("call-*-hall-*.wav"))
    assert [p.name.rsplit("-", 1)[1] for p in refs] == ["chime.wav", "en.wav", "zh.wav"]  # sorted by name
    matches = find_in_order(hall_rec.samples, hall_rec.rate, [refs[0], refs[2], refs[1]])  # chime, zh, en
    assert all(m.score > 0.8 for m in matches), matches
    chime_only = loud_seconds(quiet_rec.samples, quiet_rec.rate)
    assert 0.5 < chime_only < 1.0  # one chime (0.7 s), no speech
