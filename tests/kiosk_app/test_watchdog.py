"""The kiosk watchdog (kiosk_app/watchdog.py) on real processes: the kiosk runs on a real X screen
(Xvfb, Qt's xcb platform) against the test's private broker; SIGKILL (a crash) and SIGSTOP (a
frozen kiosk) are real signals. Without systemd."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from devkit.xwindows import wait_mapped

from ..support.xscreen import xscreen  # noqa: F401 (fixture)
from .kiosk_process import ROOT, WatchdogRun, kiosk_files

RESTART_S = 10.0   # the promise: a crashed or frozen kiosk is back within 10 s


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def watched(tmp_path, broker, xscreen):  # noqa: F811
    kiosk_path, hall_path = kiosk_files(tmp_path, broker)
    run = WatchdogRun(xscreen, broker, kiosk_path, hall_path, tmp_path / "beat", tmp_path / "watchdog.log")
    first = run.next_start(30)
    wait_mapped(first, xscreen.display, timeout=60)   # the first start may be slow on a busy machine
    yield run, first, xscreen
    run.stop()
    assert gone(first)


def heartbeat_fresh(path) -> bool:
    """The kiosk's event loop wrote its monotonic time lately (it beats every second)."""
    try:
        return time.monotonic() - float(path.read_text("ascii")) < 2.5
    except (FileNotFoundError, ValueError):
        return False


def test_a_killed_kiosk_is_back_within_10_s(watched):
    run, first, x = watched
    os.kill(first, signal.SIGKILL)
    t0 = time.monotonic()
    second = run.next_start(RESTART_S)
    assert second != first
    wait_mapped(second, x.display, timeout=RESTART_S - (time.monotonic() - t0))
    assert heartbeat_fresh(run.heartbeat)
    assert time.monotonic() - t0 < RESTART_S


def test_a_frozen_kiosk_is_killed_and_replaced_within_10_s(watched):
    run, first, x = watched
    os.kill(first, signal.SIGSTOP)   # alive, but its event loop no longer runs: no heartbeat
    t0 = time.monotonic()
    second = run.next_start(RESTART_S)
    assert gone(first)               # SIGKILLed, not left stopped beside the new one
    wait_mapped(second, x.display, timeout=RESTART_S - (time.monotonic() - t0))
    assert heartbeat_fresh(run.heartbeat)
    assert time.monotonic() - t0 < RESTART_S


def test_a_kiosk_with_a_broken_file_is_not_restarted_in_a_loop(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('id = "kiosk-01"\nhall = "demo-hall"\nkiosk_mode = "perhaps"\n', "utf-8")
    run = subprocess.run([sys.executable, "-m", "kiosk_app.watchdog", "--", "--config", str(bad), "--hall-config",
                          str(ROOT / "config/examples/hall.toml")], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 78
    assert run.stdout.count('"event": "started"') == 1
    assert "kiosk_mode" in run.stderr and "Traceback" not in run.stderr


def test_a_pin_written_where_its_hash_belongs_is_refused_and_not_echoed(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('id = "kiosk-01"\nhall = "demo-hall"\ntechnician_pin_hash = "987654"\n', "utf-8")
    run = subprocess.run([sys.executable, "-m", "kiosk_app", "--config", str(bad), "--hall-config",
                          str(ROOT / "config/examples/hall.toml")], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 78
    assert "technician_pin_hash" in run.stderr and "hash-pin" in run.stderr
    assert "987654" not in run.stderr + run.stdout and "Traceback" not in run.stderr


def test_sigterm_stops_the_kiosk_in_order(tmp_path, broker, xscreen, device, hall_config):  # noqa: F811
    """SIGTERM (systemd, the watchdog, the demo) ends the event loop: the kiosk exits 0 and says
    it is offline (an orderly disconnect discards the last will, so it must say so itself)."""
    from hall_protocol import contract
    from hall_protocol.contract import Presence

    from .kiosk_process import start_kiosk
    states: list[str] = []
    watcher = device(hall_config.controller_id)          # the controller reads every presence
    watcher.subscribe(contract.PRESENCE.format(client="kiosk-01"),
                      lambda msg: states.append(contract.read(msg, Presence).state))
    kiosk_path, hall_path = kiosk_files(tmp_path, broker)
    proc = start_kiosk(xscreen, broker, kiosk_path, hall_path, log=tmp_path / "kiosk.log")
    try:
        wait_mapped(proc, xscreen.display, timeout=60)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and states[-1:] != ["online"]:
            time.sleep(0.1)
        assert states[-1:] == ["online"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0, (tmp_path / "kiosk.log").read_text()[-2000:]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and states[-1:] != ["offline"]:
            time.sleep(0.1)
        assert states[-1] == "offline"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
