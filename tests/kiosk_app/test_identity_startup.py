"""Face verification problems stop the kiosk at start-up, with the key or file named, before
any window or citizen: the real `kiosk` program in its own process."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


BASE = 'id = "kiosk-01"\nhall = "demo-hall"\nidcard_url = "sim://idcard?face=orl:12"\n'
CAMERA = 'camera_url = "sim://camera?pattern=face&person=12"\n'


def run_kiosk(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    config = tmp_path / "kiosk.toml"
    config.write_text(text, "utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", HALL_STATE_DIR=str(tmp_path))
    # no hall file: the kiosk learns its hall from the controller (start-up checks come first)
    return subprocess.run([sys.executable, "-m", "kiosk_app", "--config", str(config), "--broker-port", "9"],
                          capture_output=True, text=True, timeout=120, env=env)


def test_missing_face_model_stops_the_kiosk_at_start_up(tmp_path):
    missing = tmp_path / "models" / "sface.onnx"
    run = run_kiosk(tmp_path, BASE + CAMERA + f'[face]\nrecognizer_model = "{missing}"\n')
    assert run.returncode == 78, run.stderr
    assert "face model file not found" in run.stderr and str(missing) in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("table, expected", [
    ("[face]\nmatch_treshold = 0.4\n", "unknown key face.match_treshold"),
    ("[face]\nmin_frames = \"three\"\n", "face.min_frames must be int"),
])
def test_bad_face_table_is_a_configuration_error(tmp_path, table, expected):
    run = run_kiosk(tmp_path, BASE + CAMERA + table)
    assert run.returncode == 78 and expected in run.stderr and "kiosk.toml" in run.stderr, run.stderr


def test_bad_camera_url_is_named(tmp_path):
    run = run_kiosk(tmp_path, BASE + 'camera_url = "sim://camera?pattern=face&person=99"\n')
    assert run.returncode == 78 and "camera_url" in run.stderr and "person" in run.stderr, run.stderr


def test_an_unreadable_credential_file_is_named(tmp_path):
    missing = tmp_path / "kiosk-01.password"
    run = run_kiosk(tmp_path, BASE.replace("idcard_url", f'password_file = "{missing}"\nidcard_url'))
    assert run.returncode == 78 and f"password_file {missing}" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
