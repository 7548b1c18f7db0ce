"""`hall-ops` against the real apps: the controller, a kiosk and a calling screen run as their
own processes on the real broker with their provisioned identities; the technician's command
(its own identity, tech-01) lists them with presence, version and uptime, shows a killed one
offline, fetches the kiosk's log (a synthetic ID number the kiosk logged comes back masked),
pushes configuration to the kiosk's own file, and restarts an app, which answers and exits with 75."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from config import KioskConfig, load_config
from hall_protocol.opsmsg import RESTART_EXIT_CODE
from hall_protocol.presence import suite_version
from tests.support.fixtures import EXAMPLE_HALL, ROOT

HALL = "demo-hall"
TECH = "tech-01"
RAW_ID = "11010519491231002X"  # a synthetic resident ID number
MASKED_ID = "110105********002X"


def _wait(cond, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return False


def _hall_ops(broker, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hall_controller.tools.ops_cli", "--config", str(EXAMPLE_HALL),
                           "--id", TECH, "--broker-port", str(broker.port), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "HALL_MQTT_PASSWORD": broker.passwords[TECH]})


def _rows(out: str) -> dict[str, list[str]]:
    """DEVICE -> its columns (HALL DEVICE ROLE PRESENCE HEALTH... VERSION UPTIME) split on spaces."""
    return {cols[1]: cols for cols in (line.split() for line in out.splitlines()[1:]) if len(cols) > 1}


def test_hall_ops_lists_logs_and_restarts_the_running_apps(broker, tmp_path):
    toml = tmp_path / "hall.toml"
    toml.write_text(EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {broker.port}"), "utf-8")
    kiosk_toml = tmp_path / "kiosk.toml"
    kiosk_toml.write_text(f'id = "kiosk-01"\nhall = "{HALL}"\n[broker]\nport = {broker.port}\n'
                          f'[voice]\nspeaker = "none"\n', "utf-8")
    at = f"127.0.0.1:{broker.port}"
    apps = {
        "hall-controller": ["hall_controller", "--config", str(toml), "--database", f"sqlite:///{tmp_path}/h.db",
                            "--no-speaker"],
        "kiosk-01": ["kiosk_app", "--config", str(kiosk_toml), "--hall-config", str(toml)],
        "screen-main": ["hall_apps.calling_screen", "--hall", HALL, "--id", "screen-main", "--broker", at],
    }
    procs: dict[str, subprocess.Popen] = {}

    def logs() -> str:
        return "\n".join(f"--- {cid}\n{(tmp_path / f'{cid}.out').read_text(errors='replace')[-2000:]}"
                         for cid in apps)
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for cid, argv in apps.items():
            procs[cid] = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, stdin=subprocess.DEVNULL,
                                          stdout=open(tmp_path / f"{cid}.out", "wb"), stderr=subprocess.STDOUT,
                                          env={**env, "HALL_MQTT_PASSWORD": broker.passwords[cid]})
        listed: dict[str, list[str]] = {}

        def all_online() -> bool:
            run = _hall_ops(broker, "devices")
            listed.clear()
            listed.update(_rows(run.stdout))
            return run.returncode == 0 and all(listed.get(cid, [""] * 4)[3] == "online" for cid in apps) \
                and listed["hall-controller"][4] != "-"  # and the controller's first health is out
        assert _wait(all_online, 90), (listed, logs())
        for cid in apps:
            row = listed[cid]
            assert row[0] == HALL and suite_version() in row and row[-1].endswith("min"), row
        assert listed["kiosk-01"][2] == "kiosk" and listed["screen-main"][2] == "screen"
        assert listed["hall-controller"][4] == "ok"  # an offline hall: its outbox has nowhere to go, not a fault
        assert listed["caller-w2"][3] == "unknown"  # in the file, never started

        log = _hall_ops(broker, "log", "kiosk-01", "--lines", "200")
        assert log.returncode == 0 and "kiosk-01 connected to 127.0.0.1" in log.stdout, (log.stdout, log.stderr)
        assert "ops log asked by technician tech-01" in log.stdout  # every op is logged with its technician

        # configuration pushed to the kiosk's own file: validated, written, applied or "after a restart"
        run = _hall_ops(broker, "push-config", "kiosk-01", "idle_timeout_s=90", "language=en")
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert "applied idle_timeout_s = 90" in run.stdout and "after a restart: language" in run.stdout
        assert load_config(kiosk_toml, KioskConfig).idle_timeout_s == 90
        assert load_config(kiosk_toml, KioskConfig).language == "en"
        before = kiosk_toml.read_text("utf-8")
        run = _hall_ops(broker, "push-config", "kiosk-01", "printer_url=tcp://10.9.9.9:9100")
        assert run.returncode == 1 and "not_allowed" in run.stderr and "printer_url" in run.stderr
        run = _hall_ops(broker, "push-config", "kiosk-01", "idle_timeout_s=1")
        assert run.returncode == 1 and "bad_config" in run.stderr and "idle_timeout_s" in run.stderr
        # a synthetic ID number typed where a language belongs: refused and logged by the kiosk, masked
        run = _hall_ops(broker, "push-config", "kiosk-01", f"language={RAW_ID}")
        assert run.returncode == 1 and MASKED_ID in run.stderr and RAW_ID not in run.stderr, run.stderr
        assert kiosk_toml.read_text("utf-8") == before  # nothing written for a refused push
        log = _hall_ops(broker, "log", "kiosk-01", "--lines", "50")
        assert log.returncode == 0 and MASKED_ID in log.stdout and RAW_ID not in log.stdout, log.stdout
        assert "ops config by technician tech-01" in log.stdout

        # restart: the screen answers, then exits with the distinct code (systemd's Restart= brings it back)
        run = _hall_ops(broker, "restart", "screen-main")
        assert run.returncode == 0 and "restarting (exit code 75)" in run.stdout, (run.stdout, run.stderr)
        assert procs["screen-main"].wait(30) == RESTART_EXIT_CODE, logs()
        run = _hall_ops(broker, "restart", "hall-controller")
        assert run.returncode == 0, run.stderr
        assert procs["hall-controller"].wait(30) == RESTART_EXIT_CODE, logs()

        # a killed kiosk (no goodbye): its last will, and the list says offline
        os.kill(procs["kiosk-01"].pid, signal.SIGKILL)
        procs["kiosk-01"].wait(10)

        def kiosk_offline() -> bool:
            run = _hall_ops(broker, "devices")
            row = _rows(run.stdout).get("kiosk-01", [""] * 4)
            return row[3] == "offline" and row[-1] == "-"
        assert _wait(kiosk_offline, 30)
        assert "Traceback" not in logs(), logs()
        assert RAW_ID not in logs()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


def _other_apps(broker, tmp_path) -> dict[str, tuple[str, list[str]]]:
    at = f"127.0.0.1:{broker.port}"
    web_toml = tmp_path / "web.toml"
    web_toml.write_text(f'id = "web-01"\nlisten_port = 0\n[broker]\nport = {broker.port}\n'
                        f'[[halls]]\nid = "{HALL}"\n', "utf-8")
    return {
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


def test_every_other_app_answers_info_and_restarts_with_75(broker, tmp_path):
    """The window screen, window caller, rating pad, supervisor desk and public web service wire
    the same responder: each answers `info` with its role and pid and exits 75 on `restart`."""
    apps = _other_apps(broker, tmp_path)
    procs: dict[str, subprocess.Popen] = {}

    def logs() -> str:
        return "\n".join(f"--- {cid}\n{(tmp_path / f'{cid}.out').read_text(errors='replace')[-1500:]}"
                         for cid in apps)
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for cid, (_, argv) in apps.items():
            procs[cid] = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, stdin=subprocess.DEVNULL,
                                          stdout=open(tmp_path / f"{cid}.out", "wb"), stderr=subprocess.STDOUT,
                                          env={**env, "HALL_MQTT_PASSWORD": broker.passwords[cid]})

        def online() -> bool:
            rows = _rows(_hall_ops(broker, "devices").stdout)
            return all(rows.get(cid, [""] * 4)[3] == "online" for cid in apps)
        assert _wait(online, 90), logs()
        for cid, (role, _) in apps.items():
            info = _hall_ops(broker, "info", cid)
            assert info.returncode == 0, (cid, info.stderr)
            assert f"role: {role}" in info.stdout and f"pid: {procs[cid].pid}" in info.stdout, info.stdout
            run = _hall_ops(broker, "restart", cid)
            assert run.returncode == 0 and "exit code 75" in run.stdout, (cid, run.stdout, run.stderr)
        for cid, proc in procs.items():
            assert proc.wait(30) == RESTART_EXIT_CODE, (cid, logs())
        assert "Traceback" not in logs(), logs()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
