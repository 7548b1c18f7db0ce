"""`hall-provision`: the broker files, a real Mosquitto started on the generated
mosquitto.conf, the check of every device's login and rules, re-runs that keep passwords and
take effect in the running broker, rotation, and what one device gets. Nothing is mocked:
Mosquitto's dynamic security plugin reads the hashes we write and enforces, paho logs in."""
from __future__ import annotations

import json
import stat
from pathlib import Path

from config import HallSuiteConfig, KioskConfig, load_config
from hall_controller.tools import dynsec
from hall_controller.tools.provision import ADMIN_ID
from hall_controller.tools.provision_check import check_device
from hall_controller.tools.provision_cli import main
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from tests.hall_controller.features.test_displays import wait_for
from tests.hall_controller.tools.conftest import provision, run_mosquitto
from tests.support.fixtures import EXAMPLE_HALL


def check(out: Path, port: int, capsys, config: Path = EXAMPLE_HALL) -> tuple[int, list[dict]]:
    capsys.readouterr()
    rc = main(["check", "--config", str(config), "--credentials", str(out / "credentials.json"),
               "--broker", f"127.0.0.1:{port}", "--json"])
    return rc, json.loads(capsys.readouterr().out)


def admin(out: Path, port: int) -> dynsec.Control:
    password = json.loads((out / "credentials.json").read_text())[ADMIN_ID]["password"]
    return dynsec.Control("127.0.0.1", port, ADMIN_ID, password, timeout=10).open()


def test_broker_files_and_a_production_mosquitto_enforce_every_rule(production_broker, capsys):
    out, port, _ = production_broker
    for path in (out / "credentials.json", out / "ca.key", out / "broker.key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((out / "data").stat().st_mode) == 0o700   # dynsec.json: the broker's, hashes only
    conf = (out / "mosquitto.conf").read_text().splitlines()
    for line in (f"listener {port} 127.0.0.1", "per_listener_settings false", "allow_anonymous false",
                 f"plugin_opt_config_file {(out / 'data' / 'dynsec.json').resolve()}",
                 f"cafile {(out / 'ca.crt').resolve()}", "require_certificate false",
                 "set_tcp_nodelay true", "persistence true"):
        assert line in conf, line
    assert not [line for line in conf if line.startswith(("password_file", "acl_file"))]  # one mechanism
    creds = json.loads((out / "credentials.json").read_text())
    assert not any(v["password"] in (out / "data" / "dynsec.json").read_text() for v in creds.values())
    rc, results = check(out, port, capsys)
    assert rc == 0, results
    by_id = {r["id"]: r for r in results}
    config = load_config(EXAMPLE_HALL, HallSuiteConfig)
    assert set(by_id) == {config.controller_id} | {d.id for d in config.halls[0].devices}
    kiosk = {c["topic"].split(" client id ")[0]: c["got"] for c in by_id["kiosk-01"]["checks"]}
    assert kiosk == {"hall/demo-hall/state/device/kiosk-01": "allowed",          # its own health
                     "hall/demo-hall/request/window/kiosk-01": "refused",        # a kiosk cannot command a window
                     "hall/demo-hall/state/device/screen-main": "refused",       # nor write another's health
                     "login as": "refused"}                                      # nor log in as another client id
    ctl = by_id["hall-controller"]
    assert ctl["ok"] and ctl["checks"][0]["got"] == "refused" and ctl["login"].startswith("skipped")
    caller = {c["topic"]: c["got"] for c in by_id["caller-w1"]["checks"]}
    assert caller["hall/demo-hall/request/ticket/caller-w1"] == "refused"
    # the same proof by hand, as a kiosk writing a display's health
    creds = json.loads((out / "credentials.json").read_text())
    r = check_device("kiosk-01", "kiosk", "demo-hall",
                     [(contract.DEVICE_HEALTH.format(hall="demo-hall", client="display-w1"), False)],
                     creds["kiosk-01"]["password"], "127.0.0.1", port)
    assert r.ok and r.checks[0][3] == "refused"


def test_check_fails_when_the_rules_are_too_wide_and_provisioning_repairs_them(production_broker, capsys):
    out, port, _ = production_broker
    control = admin(out, port)   # someone widened kiosk-01's rules by hand
    try:
        assert control.run([{"command": "addRoleACL", "rolename": "kiosk-01", "acltype": "publishClientSend",
                             "topic": "hall/#", "allow": True}]) == [{"command": "addRoleACL"}]
    finally:
        control.close()
    rc, results = check(out, port, capsys)
    bad = [r["id"] for r in results if not r["ok"]]
    assert rc == 1 and bad == ["kiosk-01"]
    capsys.readouterr()
    assert provision(out, port) == 0   # the running broker is brought back to the hall file's rules
    assert "applied 1 changes" in capsys.readouterr().out
    assert check(out, port, capsys)[0] == 0
    # a wrong password: the login itself fails and says so
    creds = json.loads((out / "credentials.json").read_text())
    creds["screen-main"]["password"] = "not-the-password"
    (out / "credentials.json").write_text(json.dumps(creds))
    rc, results = check(out, port, capsys)
    screen = next(r for r in results if r["id"] == "screen-main")
    assert rc == 1 and screen["login"] == "Not authorized" and not screen["ok"]


def test_rerun_keeps_passwords_adds_a_device_and_rotates_one_in_the_running_broker(production_broker, tmp_path,
                                                                                   capsys):
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
    assert check(out, port, capsys, hall_toml)[0] == 0    # no restart, no reload: the broker has kiosk-02
    assert proc.poll() is None
    # twice is the same as once
    assert provision(out, port, hall_toml) == 0
    assert json.loads((out / "credentials.json").read_text()) == after
    # rotation: kiosk-02 gets a new password at once; the connected holder of the old one is
    # disconnected and cannot come back
    holder = Endpoint("kiosk-02", "127.0.0.1", port, username="kiosk-02", password=after["kiosk-02"]["password"])
    holder.start(timeout=10)
    try:
        assert provision(out, port, hall_toml, "--rotate", "kiosk-02") == 0
        assert wait_for(lambda: not holder.connected.is_set())
        assert wait_for(lambda: holder.refused == "Not authorized") and not holder.connected.is_set()
    finally:
        holder.stop()
    rotated = json.loads((out / "credentials.json").read_text())
    assert rotated["kiosk-02"]["password"] != after["kiosk-02"]["password"]
    assert {k: v for k, v in rotated.items() if k != "kiosk-02"} == {k: v for k, v in after.items() if k != "kiosk-02"}
    own = [(contract.DEVICE_HEALTH.format(hall="demo-hall", client="kiosk-02"), True)]
    assert check_device("kiosk-02", "kiosk", "demo-hall", own, after["kiosk-02"]["password"],
                        "127.0.0.1", port).login == "Not authorized"
    assert check_device("kiosk-02", "kiosk", "demo-hall", own, rotated["kiosk-02"]["password"], "127.0.0.1", port).ok
    # a device taken out of the hall file is removed from the running broker
    capsys.readouterr()
    assert provision(out, port) == 0
    assert "kiosk-02" in capsys.readouterr().out and "kiosk-02" not in json.loads((out / "credentials.json").read_text())
    assert check_device("kiosk-02", "kiosk", "demo-hall", own, rotated["kiosk-02"]["password"],
                        "127.0.0.1", port).login == "Not authorized"
    # credentials.json lost: every identity gets a new password, hall-provision's own too, so the
    # running broker cannot be changed; it says to restart the broker, which loads the new file
    (out / "credentials.json").unlink()
    capsys.readouterr()
    assert provision(out, port) == 1
    assert "restart it on" in capsys.readouterr().err
    proc.terminate()
    proc.wait(10)
    proc = run_mosquitto(out, port, tmp_path / "restarted.log")
    try:
        assert check(out, port, capsys)[0] == 0
    finally:
        proc.terminate()
        proc.wait(10)
    assert provision(out, port, hall_toml, "--rotate", "kiosk-99") == 2
    assert "--rotate kiosk-99" in capsys.readouterr().err


def test_what_a_device_gets(tmp_path, capsys):
    out = tmp_path / "broker"
    assert provision(out, 1883, EXAMPLE_HALL, "--offline") == 0
    creds = out / "credentials.json"
    password = json.loads(creds.read_text())["kiosk-01"]["password"]
    capsys.readouterr()
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "kiosk-01",
                 "--out", str(tmp_path / "kiosk-01.toml"), "--broker", "10.0.0.2"]) == 0
    kiosk = load_config(tmp_path / "kiosk-01.toml", KioskConfig)   # the kiosk's own schema accepts it
    assert (kiosk.id, kiosk.hall, kiosk.broker.host, kiosk.broker.port, kiosk.broker.username) == \
        ("kiosk-01", "demo-hall", "10.0.0.2", 8883, "kiosk-01")
    # another machine: TLS, with the hall's CA copied next to the kiosk's files
    assert kiosk.broker.tls and kiosk.broker.ca_file == str((tmp_path / "hall-ca.crt").resolve())
    assert (tmp_path / "hall-ca.crt").read_bytes() == (out / "ca.crt").read_bytes()
    assert kiosk.broker.connection("kiosk-01").tls.ca_file == kiosk.broker.ca_file
    env = tmp_path / "kiosk-01.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    # the kiosk's password in a credential file of its own (0600) that its TOML names; not in its env file
    secret = tmp_path / "kiosk-01.password"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and secret.read_text().strip() == password
    assert kiosk.password_file == str(secret.resolve()) and password not in env.read_text()
    assert f"HALL_ARGS='--config {tmp_path / 'kiosk-01.toml'}'" in env.read_text().splitlines()
    said = capsys.readouterr().out
    assert "run: kiosk --config" in said and "--hall-config" not in said
    # a caller gets its command line and the env file
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "caller-w3",
                 "--out", str(tmp_path / "caller-w3.env")]) == 0
    assert "window-caller --hall demo-hall --id caller-w3 --window 3 --broker 127.0.0.1:1883\n" in capsys.readouterr().out
    # what its unit (deploy/systemd/hall-window-caller@.service) runs: `window-caller $HALL_ARGS`
    assert "HALL_ARGS='--hall demo-hall --id caller-w3 --window 3 --broker 127.0.0.1:1883'" in \
        (tmp_path / "caller-w3.env").read_text().splitlines()
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "pad-w1",
                 "--out", str(tmp_path / "pad-w1.env")]) == 0
    assert "rating-pad --hall demo-hall --id pad-w1 --window 1 --broker 127.0.0.1:1883\n" in capsys.readouterr().out
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "screen-main",
                 "--out", str(tmp_path / "screen" / "screen-main.env"), "--broker", "hall-broker.local",
                 "--client-cert", "--files-dir", "/etc/hall"]) == 0
    assert ("calling-screen --hall demo-hall --id screen-main --broker hall-broker.local:8883 --tls-ca "
            "/etc/hall/hall-ca.crt --tls-cert /etc/hall/screen-main.crt --tls-key /etc/hall/screen-main.key") \
        in capsys.readouterr().out
    assert stat.S_IMODE((tmp_path / "screen" / "screen-main.key").stat().st_mode) == 0o600
    # mistakes get a clear message
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(creds), "--id", "kiosk-09",
                 "--out", str(tmp_path / "k.toml")]) == 2
    err = capsys.readouterr().err
    assert "--id kiosk-09" in err and "has no such device" in err and "kiosk-01" in err
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(tmp_path / "none.json"),
                 "--id", "kiosk-01", "--out", str(tmp_path / "k.toml")]) == 78
    assert "hall-provision broker" in capsys.readouterr().err
