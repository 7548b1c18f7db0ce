"""Kiosks learn their hall from the controller (hall/<hall>/state/config, retained), not from a
copy of the hall file:

- what `hall-provision device` writes for a kiosk host (its TOML, its credential, its env file)
  holds no platform secret, no staff PIN hash, nothing of the hall file and no other device's
  password;
- a service added to the hall file reaches a running kiosk's home page when the real controller
  process is sent SIGHUP, without a restart, and a ticket shown meanwhile stays on screen;
- a kiosk started before the controller says "正在连接 / Connecting" and offers nothing, then its
  services once the retained configuration arrives; a malformed configuration is refused with a
  logged reason and the last good one stays.

Real Mosquitto (private, with the hall's identities and access rules), the real controller
(a process, or in-process where the test stops it), the kiosk's real window offscreen. Nothing
of ours is mocked.
"""
from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

import pytest

from config import HallSuiteConfig, KioskConfig, load_config
from config.kiosk_view import kiosk_view
from demo.processes import Processes
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision_cli import main as provision
from hall_protocol import contract
from hall_protocol.hall_config import ServiceHours
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application
from tests.hall_controller.test_systemd import _hall_file
from tests.support.fixtures import EXAMPLE_HALL

from .test_e2e import keep, wait_until  # noqa: F401 (keep is a fixture)

HALL = "demo-hall"
APP_KEY, APP_SECRET = "platform-key-7Hq2", "platform-secret-Zk81x0PqWm3"


def kiosk_config(broker, tmp_path: Path) -> KioskConfig:
    """The kiosk's own file only: identity, broker, and the path of its credential (0600)."""
    secret = tmp_path / "kiosk-01.password"
    secret.write_text(broker.passwords["kiosk-01"] + "\n", encoding="utf-8")
    secret.chmod(0o600)
    return KioskConfig(id="kiosk-01", hall=HALL, password_file=str(secret),
                       broker={"host": "127.0.0.1", "port": broker.port, "username": "kiosk-01"})


def home_prompt(window: KioskWindow) -> str:
    window.render(window.flow.screen)
    return window.prompt.text()


def test_a_kiosk_host_holds_no_secret_of_the_hall(tmp_path, capsys):
    hall_toml = tmp_path / "hall.toml"
    hall_toml.write_text(EXAMPLE_HALL.read_text("utf-8").replace(
        "timeout_s = 5.0", f'timeout_s = 5.0\napp_key = "{APP_KEY}"\napp_secret = "{APP_SECRET}"', 1), "utf-8")
    suite = load_config(hall_toml, HallSuiteConfig)
    assert suite.backend.app_secret == APP_SECRET
    broker_dir, host = tmp_path / "broker", tmp_path / "kiosk-host"
    assert provision(["broker", "--config", str(hall_toml), "--out", str(broker_dir), "--offline"]) == 0
    assert provision(["device", "--config", str(hall_toml), "--credentials", str(broker_dir / "credentials.json"),
                      "--id", "kiosk-01", "--out", str(host / "kiosk-01.toml"), "--broker", "10.0.0.2"]) == 0
    said = capsys.readouterr().out
    creds = json.loads((broker_dir / "credentials.json").read_text())
    written = {p.name: p.read_bytes() for p in host.iterdir()}
    assert set(written) == {"kiosk-01.toml", "kiosk-01.password", "kiosk-01.env", "hall-ca.crt"}, set(written)
    hall = suite.hall(HALL)
    secrets = {"the platform's key": APP_KEY, "the platform's secret": APP_SECRET,
               **{f"staff {m.id}'s PIN hash": m.pin_hash.split("$")[-1] for m in hall.staff},
               **{f"{cid}'s password": v["password"] for cid, v in creds.items() if cid != "kiosk-01"},
               # nothing of the hall file either: its services, its path
               **{f"service {s.code}'s name": s.name for s in hall.services}, "the hall file": str(hall_toml)}
    assert len(secrets) > 10
    for name, data in written.items():
        text = data.decode("utf-8")
        for what, secret in secrets.items():
            assert secret not in text, f"{name} holds {what}"
    for what, secret in secrets.items():
        assert secret not in said, f"the printed command line holds {what}"
    # the kiosk's own password only in its credential file, which only its owner may read
    own = creds["kiosk-01"]["password"]
    assert [n for n, d in written.items() if own.encode() in d] == ["kiosk-01.password"]
    assert (host / "kiosk-01.password").stat().st_mode & 0o777 == 0o600
    kiosk = load_config(host / "kiosk-01.toml", KioskConfig)   # the kiosk's own schema accepts it
    assert kiosk.password_file == str((host / "kiosk-01.password").resolve())
    assert "--hall-config" not in said and "--hall-config" not in written["kiosk-01.env"].decode()


@pytest.fixture
def controller_process(tmp_path, broker):
    """The real controller process on a hall file of the test's (SQLite)."""
    toml = _hall_file(tmp_path / "hall.toml", broker.port)
    procs = Processes(tmp_path)
    procs.spawn("controller", ["-m", "hall_controller", "--config", str(toml), "--database",
                               f"sqlite:///{tmp_path / 'hall.db'}", "--no-speaker"],
                env={"HALL_MQTT_PASSWORD": broker.passwords["hall-controller"]}, ready="hall-controller: ready")
    yield procs.procs[0][1], toml, tmp_path / "controller.log"
    procs.stop_all()


def test_a_service_added_to_the_hall_file_reaches_a_running_kiosk_on_sighup(keep, broker, tmp_path,  # noqa: F811
                                                                            controller_process):
    app = application()
    proc, toml, log = controller_process
    kiosk = Kiosk(kiosk_config(broker, tmp_path))          # no hall file
    window = KioskWindow.for_kiosk(kiosk)
    keep(window)
    kiosk.start()
    try:
        assert wait_until(app, lambda: list(window.service_buttons) == ["A", "B", "C", "D"], 20), \
            list(window.service_buttons)
        assert home_prompt(window).startswith("请选择")
        # a citizen holds a ticket on screen while the hall file changes
        shown = kiosk.flow.choose_service("A")
        assert shown.page == "ticket" and shown.ticket.number.startswith("A"), shown
        _hall_file(toml, broker.port, extra_service=True)
        proc.send_signal(signal.SIGHUP)
        assert wait_until(app, lambda: "E" in window.service_buttons, 20), list(window.service_buttons)
        assert kiosk.flow.screen.page == "ticket" and kiosk.flow.screen.ticket.number == shown.ticket.number
        assert [s.code for s in kiosk.hall.services] == ["A", "B", "C", "D", "E"]
        kiosk.flow.done()
        app.processEvents()
        assert kiosk.flow.screen.page == "home"
        window.render(kiosk.flow.screen)
        assert "公积金" in window.service_buttons["E"].text() and "Housing Fund" in window.service_buttons["E"].text()
        # and the new service is taken from the kiosk, issued by the controller that read the file again
        taken = kiosk.flow.choose_service("E")
        assert taken.page == "ticket" and taken.ticket.number.startswith("E"), taken
    finally:
        kiosk.stop()
    assert proc.poll() is None
    assert "Traceback" not in log.read_text("utf-8")


def test_connecting_until_the_controller_then_a_malformed_configuration_is_refused(  # noqa: F811
        keep, broker, tmp_path, suite_config, device, caplog):
    app = application()
    caplog.set_level(logging.INFO)
    kiosk = Kiosk(kiosk_config(broker, tmp_path))
    window = KioskWindow.for_kiosk(kiosk)
    keep(window)
    kiosk.start()
    engine = make_engine(suite_config.database.url)
    controller = None
    try:
        wait_until(app, lambda: False, 0.5)   # connected, subscribed: nothing retained yet
        assert not kiosk.hall.ready and window.service_buttons == {}
        assert "正在连接" in home_prompt(window)
        kiosk.flow.toggle_language()
        assert "Connecting" in home_prompt(window)
        kiosk.flow.toggle_language()

        controller = HallController(suite_config, engine, password=broker.passwords["hall-controller"])
        controller.start()
        assert wait_until(app, lambda: list(window.service_buttons) == ["A", "B", "C", "D"], 20)
        assert kiosk.hall.ready and home_prompt(window).startswith("请选择")
        assert kiosk.hall.name == suite_config.hall(HALL).name
        controller.stop()
        controller = None

        # what only the controller may publish, as the controller's identity: broken messages
        as_controller = device("hall-controller")
        topic = contract.HALL_CONFIG.format(hall=HALL)
        good = kiosk_view(suite_config.hall(HALL))
        as_controller.publish(topic, b"{not json", retain=True)
        hours = good.services[0].model_copy(update={"hours": [ServiceHours(opens="17:00:00", closes="08:00:00",
                                                                            weekdays=[1])]})
        as_controller.publish(topic, contract.encode(good.model_copy(update={"services": [hours]})), retain=True)
        as_controller.publish(topic, json.dumps({**good.model_dump(), "app_secret": "x"}).encode(), retain=True)
        assert wait_until(app, lambda: len(kiosk.hall.refused) == 3, 20), kiosk.hall.refused
        assert list(window.service_buttons) == ["A", "B", "C", "D"] and kiosk.hall.view == good
        refused = [r.getMessage() for r in caplog.records if "refused a hall configuration" in r.getMessage()]
        assert len(refused) == 3, refused
        assert all(topic in r for r in refused) and "closes" in refused[1] and "opens" in refused[1], refused
        assert "Traceback" not in caplog.text
        # a good one after them is applied: the refusals were not merely late; the hall's timeouts too
        assert kiosk.flow.idle_timeout_s == kiosk.config.idle_timeout_s != 45
        fewer = good.model_copy(update={"services": good.services[:2], "idle_timeout_s": 45, "elderly_age": 75})
        as_controller.publish(topic, contract.encode(fewer), retain=True)
        assert wait_until(app, lambda: list(window.service_buttons) == ["A", "B"], 20)
        assert kiosk.flow.idle_timeout_s == kiosk.civic.idle_timeout_s == kiosk.booking.idle_timeout_s == 45
        assert kiosk.hall.priority.elderly_age == 75
    finally:
        if controller is not None:
            controller.stop()
        kiosk.stop()
        engine.dispose()
