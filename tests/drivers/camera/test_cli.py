"""kioskctl camera, as a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2

KIOSKCTL = str(Path(sys.executable).with_name("kioskctl"))


def run(*args: str, state_dir) -> subprocess.CompletedProcess:
    env = dict(os.environ, HALL_STATE_DIR=str(state_dir))
    return subprocess.run([KIOSKCTL, "camera", *args], capture_output=True, text=True, timeout=60, env=env)


def test_snapshot_saves_one_frame(tmp_path, clip):
    out = tmp_path / "snap.png"
    done = run("snapshot", "--url", f"file://{clip}?loop=1", "--out", str(out), "--json", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"out": str(out), "width": 160, "height": 120}
    assert cv2.imread(str(out)).shape == (120, 160, 3)


def test_status_and_missing_camera(tmp_path):
    done = run("status", "--url", "sim://camera?width=320&height=240", state_dir=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("online 320x240"), done.stderr
    done = run("snapshot", "--url", "device://0", "--out", str(tmp_path / "x.png"), state_dir=tmp_path)
    assert done.returncode == 2 and "no video" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()
    done = run("status", "--url", "sim://camera?pattern=plaid", state_dir=tmp_path)
    assert done.returncode == 64 and "Traceback" not in done.stderr
