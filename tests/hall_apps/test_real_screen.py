"""Each hall app as a real process on a real X screen (a private Xvfb, Qt's xcb platform, not
offscreen), the way a hall runs it: its window is mapped, full screen for the screens and the
pad, at its own size for the caller and the supervisor. The broker is the test's private one;
the kiosk's own run is in tests/kiosk_app/test_lockdown.py."""
from __future__ import annotations

import subprocess
import sys

import pytest

from demo.run import write_configs
from devkit.xwindows import wait_mapped

from ..support.xscreen import xcb_env, xscreen  # noqa: F401 (fixture)

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]

APPS = {  # name: (device id, arguments after the broker's, full screen)
    "calling-screen": ("screen-main", ["-m", "hall_apps.calling_screen", "--hall", "demo-hall"], True),
    "window-screen": ("screen-w1", ["-m", "hall_apps.calling_screen", "--hall", "demo-hall", "--window", "1"], True),
    "window-caller": ("caller-w1", ["-m", "hall_apps.caller", "--hall", "demo-hall", "--window", "1"], False),
    "rating-pad": ("pad-w1", ["-m", "hall_apps.rating_pad", "--hall", "demo-hall", "--window", "1",
                              "--speaker", "none"], True),
    "supervisor": ("supervisor-desk", ["-m", "hall_apps.supervisor"], False),
}


@pytest.mark.parametrize("name", sorted(APPS))
def test_the_app_maps_its_window_on_xcb(name, tmp_path, broker, xscreen):  # noqa: F811
    device, args, full = APPS[name]
    hall_path, *_ = write_configs(tmp_path, broker.port)
    where = (["--config", str(hall_path)] if name == "supervisor"
             else ["--broker", f"127.0.0.1:{broker.port}"])
    log = tmp_path / f"{name}.log"
    proc = subprocess.Popen([sys.executable, *args, "--id", device, *where], cwd=ROOT,
                            env=xcb_env(xscreen, HALL_MQTT_PASSWORD=broker.passwords[device]),
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    try:
        rect = wait_mapped(proc, xscreen.display, timeout=60)
        if full:
            assert (rect.width, rect.height) == (1920, 1080), rect
        else:
            assert rect.width > 300 and rect.height > 300 and rect.inside(1920, 1080), rect
        assert proc.poll() is None, log.read_text()[-2000:]
    finally:
        proc.terminate()
        proc.wait(20)
