"""Presence for every app: the calling screen, a window screen, a window caller, a rating pad,
the supervisor desk and the public web service each run as their own process against the real
broker under their provisioned identities. While they run, their retained presence says online
with role, version and start time; killed with SIGKILL (no goodbye), the broker publishes each
one's last will and the presence says offline. A supervisor desk's model lists them all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from config.schema import DeviceConfig
from drivers.core.clock import SystemClock
from hall_apps.supervisor_model import SupervisorModel, supervisor_endpoint, uptime_text
from hall_protocol.presence import suite_version
from tests.support.fixtures import EXAMPLE_HALL, ROOT, load_config

HALL = "demo-hall"
WATCHER = "supervisor-watch"  # a second supervisor desk: the test's eyes (the app under test is supervisor-desk)


@pytest.fixture
def hall_config():
    from config import HallSuiteConfig
    config = load_config(EXAMPLE_HALL, HallSuiteConfig)
    hall = config.halls[0]
    hall = hall.model_copy(update={"devices": [*hall.devices, DeviceConfig(id=WATCHER, role="supervisor")]})
    return config.model_copy(update={"halls": [hall, *config.halls[1:]]})


@pytest.fixture
def database_url(tmp_path):  # the controller's journal: SQLite is enough here
    return f"sqlite:///{tmp_path}/hall.db"


def _apps(broker, tmp_path) -> dict[str, tuple[str, list[str]]]:
    at = f"127.0.0.1:{broker.port}"
    web_toml = tmp_path / "web.toml"
    web_toml.write_text(f'id = "web-01"\nlisten_port = 0\n[broker]\nport = {broker.port}\n'
                        f'[[halls]]\nid = "{HALL}"\n', "utf-8")
    return {
        "screen-main": ("screen", ["hall_apps.calling_screen", "--hall", HALL, "--id", "screen-main", "--broker", at]),
        "screen-w1": ("screen", ["hall_apps.calling_screen", "--hall", HALL, "--id", "screen-w1", "--window", "1",
                                 "--broker", at]),
        "caller-w1": ("caller", ["hall_apps.caller", "--hall", HALL, "--id", "caller-w1", "--window", "1",
                                 "--broker", at]),
        "pad-w1": ("ratingpad", ["hall_apps.rating_pad", "--hall", HALL, "--id", "pad-w1", "--window", "1",
                                 "--speaker", "none", "--broker", at]),
        "supervisor-desk": ("supervisor", ["hall_apps.supervisor", "--config", str(EXAMPLE_HALL), "--hall", HALL,
                                           "--id", "supervisor-desk", "--broker", at]),
        "web-01": ("web", ["hall_web", "--config", str(web_toml)]),
    }


def _wait(cond, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_every_app_is_present_and_its_will_says_offline_when_killed(controller, broker, hall_config, tmp_path):
    model = SupervisorModel(hall_config.hall(HALL), None, SystemClock())
    watcher = supervisor_endpoint(WATCHER, HALL, "127.0.0.1", broker.port, broker.passwords[WATCHER])
    model.attach(watcher)
    watcher.start()
    apps = _apps(broker, tmp_path)
    procs: dict[str, subprocess.Popen] = {}
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for cid, (_, argv) in apps.items():
            procs[cid] = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, stdin=subprocess.DEVNULL,
                                          stdout=open(tmp_path / f"{cid}.out", "wb"), stderr=subprocess.STDOUT,
                                          env={**env, "HALL_MQTT_PASSWORD": broker.passwords[cid]})

        def rows():
            return {d.id: d for d in model.devices()}

        def logs() -> str:
            return "\n".join(f"--- {cid}\n{(tmp_path / f'{cid}.out').read_text(errors='replace')[-1500:]}"
                             for cid in apps)

        assert _wait(lambda: all(rows()[cid].state == "online" for cid in [*apps, "hall-controller"])), (
            {cid: rows()[cid].state for cid in apps}, logs())
        assert rows()["hall-controller"].version == suite_version() and rows()["hall-controller"].uptime_s is not None
        for cid, (role, _) in apps.items():
            row, presence = rows()[cid], model.presence[cid]
            assert (row.role, presence.role, presence.halls) == (role, role, [HALL]), cid
            assert row.version == presence.version == suite_version() != "", cid
            assert presence.started_at and row.uptime_s is not None and 0 <= row.uptime_s < 600, cid
            assert uptime_text(row.uptime_s).endswith("min"), cid
        for cid, proc in procs.items():
            assert proc.poll() is None, (cid, logs())
            os.kill(proc.pid, signal.SIGKILL)  # no goodbye: only the last will can say it
            proc.wait(10)
        assert _wait(lambda: all(rows()[cid].state == "offline" for cid in apps), 30), (
            {cid: rows()[cid].state for cid in apps})
        for cid, (role, _) in apps.items():
            presence = model.presence[cid]
            assert (presence.role, presence.halls, presence.version) == (role, [HALL], suite_version()), cid
            assert rows()[cid].uptime_s is None, cid
        assert "Traceback" not in logs()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        watcher.stop()
