"""kioskctl speech, run as a subprocess like a technician would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drivers.speech.audio import wav_info

KIOSKCTL = str(Path(sys.executable).with_name("kioskctl"))


def run(*args: str, state_dir) -> subprocess.CompletedProcess:
    env = dict(os.environ, HALL_STATE_DIR=str(state_dir))
    return subprocess.run([KIOSKCTL, *args], capture_output=True, text=True, timeout=60, env=env)


def test_say_to_wav_json(tmp_path):
    out = tmp_path / "say.wav"
    done = run("speech", "say", "请A零零一号到三号窗口办理", "--wav", str(out), "--json", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # nothing else on stdout (pyttsx3's "Audio saved" notice is dropped)
    assert data["path"] == str(out) and data["duration_s"] > 1
    assert wav_info(out).rms > 0.02


def test_chime_and_check(tmp_path):
    done = run("speech", "say", "--chime", "--wav", str(tmp_path / "c.wav"), state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run("speech", "check", "--json", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checks"]["voice"] == "cmn-latn-pinyin"


def test_wrong_voice_is_one_line_and_nonzero(tmp_path):
    done = run("speech", "check", "--voice", "cmn", state_dir=tmp_path)
    assert done.returncode == 2
    assert "English" in done.stderr and "Traceback" not in done.stderr


def test_empty_text_is_a_usage_error(tmp_path):
    done = run("speech", "say", state_dir=tmp_path)
    assert done.returncode == 64 and "Traceback" not in done.stderr
