"""`hall-provision`: the broker files, a real Mosquitto started on the generated
mosquitto.conf, the check of every device's login and rules, re-runs that keep passwords,
rotation, and what one device gets. Nothing is mocked: mosquitto_passwd hashes, Mosquitto
enforces, paho logs in."""
from __future__ import annotations

import getpass
import json
import os
import signal
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from config import HallSuiteConfig, KioskConfig, load_config
from devkit.broker import free_port
from hall_controller.tools.provision_check import check_device
from hall_controller.tools.provision_cli import main
from hall_protocol import contract
from tests.hall_controller.features.test_displays import wait_for
from tests.support.fixtures import EXAMPLE_HALL

USER = "root" if os.geteuid() == 0 else getpass.getuser()


def provision(out: Path, port: int, config: Path = EXAMPLE_HALL, *extra: str) -> int:
    return main(["broker", "--config", str(config), "--out", str(out), "--port", str(port), "--bind", "127.0.0.1",
                 "--user", USER, *extra])


@pytest.fixture
def production_broker(tmp_path):
    """Provision the example hall, then run Mosquitto on the generated configuration."""
    out, port = tmp_path / "broker", free_port()
    assert provision(out, port) == 0
    log = open(tmp_path / "mosquitto.log", "wb")
    proc = subprocess.Popen(["mosquitto", "-c", str(out / "mosquitto.conf")], stdout=log, stderr=log)

    def listening() -> bool:
        assert proc.poll() is None, (tmp_path / "mosquitto.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False
    assert wait_for(listening)
    yield out, port, proc
    proc.terminate()
    proc.wait(10)
    log.close()


def check(out: Path, port: int, capsys, config: Path = EXAMPLE_HALL) -> tuple[int, list[dict]]:
    capsys.readouterr()
    rc = main(["check", "--config", str(config), "--credentials", str(out / "credentials.json"),
               "--broker", f"127.0.0.1:{port}", "--json"])
    return rc, json.loads(capsys.readouterr().out)


def test_broker_files_and_a_production_mosquitto_enforce_every_rule(production_broker, capsys):
    out, port, _ = production_broker
    for name in ("passwd", "acl", "credentials.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
    conf = (out / "mosquitto.conf").read_text()
    for line in (f"listener {port} 127.0.0.1", "per_listener_settings false", "allow_anonymous false",
                 f"password_file {out.resolve() / 'passwd'}", f"acl_file {out.resolve() / 'acl'}",
                 "set_tcp_nodelay true", "persistence true"):
        assert line in conf.splitlines(), line
    rc, results = check(out, port, capsys)
    assert rc == 0, results
    by_id = {r["id"]: r for r in results}
    config = load_config(EXAMPLE_HALL, HallSuiteConfig)
    assert set(by_id) == {config.controller_id} | {d.id for d in config.halls[0].devices}
    kiosk = {c["topic"]: c["got"] for c in by_id["kiosk-01"]["checks"]}
    assert kiosk == {"hall/demo-hall/state/device/kiosk-01": "allowed",          # its own health
                     "hall/demo-hall/request/window/kiosk-01": "refused",        # a kiosk cannot command a window
                     "hall/demo-hall/state/device/screen-main": "refused"}       # nor write another's health
    caller = {c["topic"]: c["got"] for c in by_id["caller-w1"]["checks"]}
    assert caller["hall/demo-hall/request/ticket/caller-w1"] == "refused"
    # the same proof by hand, as a kiosk writing a display's health
    creds = json.loads((out / "credentials.json").read_text())
    r = check_device("kiosk-01", "kiosk", "demo-hall",
                     [(contract.DEVICE_HEALTH.format(hall="demo-hall", client="display-w1"), False)],
                     creds["kiosk-01"]["password"], "127.0.0.1", port)
    assert r.ok and r.checks[0][3] == "refused"


def test_check_fails_when_the_rules_are_too_wide(production_broker, capsys):
    out, port, proc = production_broker
    acl = out / "acl"
    acl.write_text(acl.read_text().replace("user kiosk-01\n", "user kiosk-01\ntopic write hall/#\n"))
    proc.send_signal(signal.SIGHUP)  # Mosquitto reloads passwd and acl
    assert wait_for(lambda: check(out, port, capsys)[0] == 1)
    rc, results = check(out, port, capsys)
    bad = [r["id"] for r in results if not r["ok"]]
    assert bad == ["kiosk-01"]
    # a wrong password: the login itself fails and says so
    creds = json.loads((out / "credentials.json").read_text())
    creds["screen-main"]["password"] = "not-the-password"
    (out / "credentials.json").write_text(json.dumps(creds))
    rc, results = check(out, port, capsys)
    screen = next(r for r in results if r["id"] == "screen-main")
    assert rc == 1 and screen["login"] == "Not authorized" and not screen["ok"]


def test_rerun_keeps_passwords_adds_a_device_and_rotates_one(production_broker, tmp_path, capsys):
    out, port, proc = production_broker
    before = json.loads((out / "credentials.json").read_text())
    # a new kiosk in the hall file; provisioning again must not lock the others out
    hall_toml = tmp_path / "hall.toml"
    hall_toml.write_text(EXAMPLE_HALL.read_text(encoding="utf-8").replace(
        '  [[halls.devices]]\n  id = "kiosk-01"', '  [[halls.devices]]\n  id = "kiosk-02"\n  role = "kiosk"\n\n'
        '  [[halls.devices]]\n  id = "kiosk-01"'), encoding="utf-8")
    assert provision(out, port, hall_toml) == 0
    after = json.loads((out / "credentials.json").read_text())
    assert set(after) == set(before) | {"kiosk-02"}
    assert {k: v for k, v in after.items() if k != "kiosk-02"} == before
    proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: check(out, port, capsys, hall_toml)[0] == 0)
    # twice is the same as once
    assert provision(out, port, hall_toml) == 0
    assert json.loads((out / "credentials.json").read_text()) == after
    # rotation: kiosk-02 gets a new password, the old one stops working after the reload
    assert provision(out, port, hall_toml, "--rotate", "kiosk-02") == 0
    rotated = json.loads((out / "credentials.json").read_text())
    assert rotated["kiosk-02"]["password"] != after["kiosk-02"]["password"]
    assert {k: v for k, v in rotated.items() if k != "kiosk-02"} == {k: v for k, v in after.items() if k != "kiosk-02"}
    proc.send_signal(signal.SIGHUP)
    own = [(contract.DEVICE_HEALTH.format(hall="demo-hall", client="kiosk-02"), True)]
    assert wait_for(lambda: check_device("kiosk-02", "kiosk", "demo-hall", own, after["kiosk-02"]["password"],
                                         "127.0.0.1", port).login == "Not authorized")
    assert check_device("kiosk-02", "kiosk", "demo-hall", own, rotated["kiosk-02"]["password"], "127.0.0.1", port).ok
    assert provision(out, port, hall_toml, "--rotate", "kiosk-99") == 2
    assert "--rotate kiosk-99" in capsys.readouterr().err


def test_what_a_device_gets(tmp_path, capsys):
    out = tmp_path / "broker"
    assert provision(out, 1883) == 0
    creds = out / "credentials.json"
    password = json.loads(creds.read_text())["kiosk-01"]["password"]
    capsys.readouterr()
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "kiosk-01",
                 "--out", str(tmp_path / "kiosk-01.toml"), "--broker", "10.0.0.2"]) == 0
    kiosk = load_config(tmp_path / "kiosk-01.toml", KioskConfig)   # the kiosk's own schema accepts it
    assert (kiosk.id, kiosk.hall, kiosk.broker.host, kiosk.broker.port, kiosk.broker.username) == \
        ("kiosk-01", "demo-hall", "10.0.0.2", 1883, "kiosk-01")
    env = tmp_path / "kiosk-01.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert f"HALL_MQTT_PASSWORD={password}" in env.read_text().splitlines()
    assert "run: kiosk --config" in capsys.readouterr().out
    # a caller gets its command line and the env file
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "caller-w3",
                 "--out", str(tmp_path / "caller-w3.env")]) == 0
    assert "window-caller --hall demo-hall --id caller-w3 --window 3 --broker 127.0.0.1:1883" in capsys.readouterr().out
    # mistakes get a clear message
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "kiosk-09",
                 "--out", str(tmp_path / "k.toml")]) == 2
    err = capsys.readouterr().err
    assert "--id kiosk-09" in err and "has no such device" in err and "kiosk-01" in err
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(tmp_path / "none.json"),
                 "--id", "kiosk-01", "--out", str(tmp_path / "k.toml")]) == 78
    assert "hall-provision broker" in capsys.readouterr().err
