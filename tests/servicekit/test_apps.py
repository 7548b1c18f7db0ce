"""The web service and a Qt app (the calling screen) under a real notify socket, as systemd
starts them (Type=notify, WatchdogSec=): READY=1 once they serve, WATCHDOG=1 pings at about a
quarter of the period, and STOPPING=1 from the web service when it is stopped."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from demo.processes import ROOT
from devkit.broker import free_port
from tests.support.notify import NotifySocket

WATCHDOG_S = 1.0


@pytest.fixture
def notify():
    s = NotifySocket()
    yield s
    s.close()


def _spawn(args, env, log):
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=open(log, "ab"))


def _pings_at_the_rate(notify: NotifySocket, proc) -> None:
    t0 = time.monotonic()
    time.sleep(3 * WATCHDOG_S)
    pings = notify.times("WATCHDOG", since=t0, until=time.monotonic())
    assert 2 * 3 <= len(pings) <= 4 * 3 + 3, pings
    os.kill(proc.pid, signal.SIGSTOP)  # a process that does not run feeds nothing
    try:
        time.sleep(0.3)
        stopped = time.monotonic()
        time.sleep(2 * WATCHDOG_S)
        assert notify.times("WATCHDOG", since=stopped, until=time.monotonic()) == []
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    resumed = time.monotonic()
    time.sleep(1.5 * WATCHDOG_S)
    assert notify.times("WATCHDOG", since=resumed), "no pings after SIGCONT"


def test_hall_web_is_ready_feeds_the_watchdog_and_says_stopping(tmp_path, broker, notify):
    toml = tmp_path / "web.toml"
    toml.write_text(f'id = "web-01"\nlisten_port = {free_port()}\n[broker]\nport = {broker.port}\n'
                    f'[[halls]]\nid = "demo-hall"\n', "utf-8")
    proc = _spawn(["-m", "hall_web", "--config", str(toml)],
                  {"HALL_MQTT_PASSWORD": broker.passwords["web-01"], **notify.env(WATCHDOG_S)}, tmp_path / "web.log")
    try:
        ready = notify.wait_for("READY", "1", timeout=30)
        assert "listening on 127.0.0.1" in ready["STATUS"]
        _pings_at_the_rate(notify, proc)
        proc.terminate()
        proc.wait(20)
        notify.wait_for("STOPPING", "1", timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert "Traceback" not in (tmp_path / "web.log").read_text("utf-8")


def test_a_calling_screen_is_ready_and_feeds_the_watchdog_from_its_event_loop(tmp_path, broker, notify):
    env = {"HALL_MQTT_PASSWORD": broker.passwords["screen-main"], "QT_QPA_PLATFORM": "offscreen",
           **notify.env(WATCHDOG_S)}
    proc = _spawn(["-m", "hall_apps.calling_screen", "--hall", "demo-hall", "--id", "screen-main",
                   "--broker", f"127.0.0.1:{broker.port}"], env, tmp_path / "screen.log")
    try:
        ready = notify.wait_for("READY", "1", timeout=60)
        assert ready["STATUS"] == "screen screen-main running"
        _pings_at_the_rate(notify, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    assert "Traceback" not in (tmp_path / "screen.log").read_text("utf-8")
