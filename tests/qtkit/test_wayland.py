"""Qt on Wayland, as under a kiosk compositor (cage, docs/kiosk-terminal.md): a real compositor
(weston with its headless back end, 1280x720) and Qt's wayland platform plugin, loaded with the
libraries scripts/bootstrap.sh installs; an app's full-screen window (qtkit.common.show_window)
is shown and covers the output. Cage itself refuses to run as root, as tests here do."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, time
from PySide6.QtWidgets import QLabel
from qtkit.common import application, show_window
app = application([])
w = QLabel("自助取号 Kiosk")
show_window(w, full_screen=True)
deadline = time.monotonic() + 20
while time.monotonic() < deadline and not (w.windowHandle() and w.windowHandle().isExposed()):
    app.processEvents()
    time.sleep(0.05)
print(json.dumps({"platform": app.platformName(), "exposed": w.windowHandle().isExposed(),
                  "size": [w.width(), w.height()]}))
"""


@pytest.fixture
def weston():
    runtime = Path(tempfile.mkdtemp(prefix="wayland-"))
    os.chmod(runtime, 0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    proc = subprocess.Popen(["weston", "--backend=headless-backend.so", "--socket=wayland-test", "--width=1280",
                             "--height=720", "--idle-time=0"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while not (runtime / "wayland-test").exists():
        assert proc.poll() is None and time.monotonic() < deadline, "weston did not start"
        time.sleep(0.1)
    yield {"XDG_RUNTIME_DIR": str(runtime), "WAYLAND_DISPLAY": "wayland-test"}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_a_full_screen_app_is_shown_on_wayland(weston):
    env = {**os.environ, **weston, "QT_QPA_PLATFORM": "wayland"}
    env.pop("DISPLAY", None)
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert shown == {"platform": "wayland", "exposed": True, "size": [1280, 720]}, run.stderr[-2000:]
