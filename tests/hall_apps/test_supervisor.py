"""The supervisor view: its plain model over a busy day (the tables asked of a real controller
over the real broker), the live hall through the real broker as a read-only `supervisor`
device (presence with last will, refused commands), and the Qt window rendered offscreen
(SUPERVISOR_SCREENSHOT=path also saves the README's screenshot)."""
import json
import os
import socket
from datetime import datetime

import pytest

from drivers.core.clock import FakeClock
from drivers.core.errors import Action
from drivers.core.status import DeviceState, DeviceStatus
from devkit.broker import MosquittoBroker
from hall_apps.supervisor_model import TABS, ReportClient, SupervisorModel, supervisor_endpoint
from hall_controller.core.queue import HallQueue
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.contract import Presence, encode
from hall_protocol.health import HealthPublisher
from hall_protocol.mqtt import Endpoint
from qtkit.common import application
from tests.hall_controller.core.busy_day import play
from tests.hall_controller.core.test_report import CST, DAY, busy_db  # noqa: F401  (fixture)
from tests.kiosk_app.test_e2e import keep, wait_until  # noqa: F401  (fixture)
from tests.support.fixtures import new_request_id

AFTERNOON = datetime(2026, 3, 2, 15, 0, tzinfo=CST)


@pytest.fixture
def busy_hall(busy_db, hall_config, tmp_path):  # noqa: F811
    """The busy day's database behind a real controller and broker; the supervisor desk's
    endpoint asks it for reports."""
    engine, hall, done = busy_db
    broker = MosquittoBroker(tmp_path / "broker", identities(hall_config)).start()
    config = hall_config.model_copy(update={"broker": hall_config.broker.model_copy(update={"port": broker.port})})
    controller = HallController(config, engine, clock=FakeClock(AFTERNOON),
                                password=broker.passwords[config.controller_id])
    controller.start()
    desk = supervisor_endpoint("supervisor-desk", hall.id, "127.0.0.1", broker.port,
                               broker.passwords["supervisor-desk"])
    desk.start()
    yield desk, broker, config, done
    desk.stop()
    controller.stop()
    broker.stop()


def test_model_tables_charts_and_csv(busy_hall):
    desk, _, config, done = busy_hall
    hall = config.halls[0]
    model = SupervisorModel(hall, ReportClient(desk, hall.id), FakeClock(AFTERNOON))
    model.refresh()  # today by the clock
    assert set(model.tables) == set(TABS) and model.error is None
    assert model.tables["window"].total["issued"] == done["issued"]
    assert [lab for lab, _ in model.chart("window", "served")] == ["1 号窗口", "2 号窗口", "3 号窗口", "4 号窗口"]
    assert sum(v for _, v in model.chart("window", "served")) == model.tables["window"].total["served"]
    assert model.chart("hour", "wait_mean_s", 60)[0][0] == "08:00-09:00"
    assert model.csv("clerk").splitlines()[0].startswith("clerk,issued,called,served")
    model.refresh("2026-03-05", "2026-03-01")
    assert model.error == "--from 2026-03-05 is after --to 2026-03-01"
    assert model.tables["window"].total["issued"] == done["issued"]  # the last good tables stay


def _cut(ep: Endpoint) -> None:
    """Drop the TCP connection without DISCONNECT, as a crashed device would."""
    ep.client.loop_stop()
    ep.client.socket().shutdown(socket.SHUT_RDWR)
    ep.client.socket().close()


def test_live_hall_and_presence_through_the_broker(controller, device, broker):
    app = application()
    caller = device("caller-w1")
    kiosk_presence = contract.PRESENCE.format(client="kiosk-01")
    kiosk = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01", password=broker.passwords["kiosk-01"],
                     will=(kiosk_presence, encode(Presence(state="offline", role="kiosk", halls=["demo-hall"]))))
    kiosk.start()
    kiosk.publish(kiosk_presence, encode(Presence(state="online", role="kiosk", halls=["demo-hall"])),
                  retain=True).wait_for_publish(5)
    kiosk.request(contract.TICKET_REQUEST.format(hall="demo-hall", client="kiosk-01"),
                  {"service": "A", "request_id": "supervisor-test-1"})
    caller.request(contract.WINDOW_REQUEST.format(hall="demo-hall", client="caller-w1"),
                   {"window": 1, "action": "call_next", "request_id": new_request_id()})
    model = SupervisorModel(controller.config.hall("demo-hall"), None, FakeClock())
    desk = supervisor_endpoint("supervisor-desk", "demo-hall", "127.0.0.1", broker.port,
                               broker.passwords["supervisor-desk"])
    model.attach(desk)
    desk.start()
    try:
        assert wait_until(app, lambda: model.controller_up and model.board is not None
                          and model.windows() and model.windows()[0][2] == "A001")
        assert model.windows()[0][:3] == ("1 号", "呼叫中 Calling", "A001")
        # the controller's link to the platform (none configured here) and its outbox
        assert wait_until(app, lambda: model.health is not None)
        assert model.platform() == ("政务平台：未配置（离线大厅） Platform: none configured", True)
        # the hall's guide robot, as the controller sees it: never connected here
        assert wait_until(app, lambda: model.robots is not None)
        assert model.robot_line() == ("导引机器人 robot-01：未知  Guide robot unknown", False)
        states = lambda: {d.id: d.state for d in model.devices()}  # noqa: E731
        assert wait_until(app, lambda: states()["kiosk-01"] == "online")
        assert wait_until(app, lambda: states()["supervisor-desk"] == "online")  # its own presence
        assert states()["hall-controller"] == "online" and states()["screen-main"] == "unknown"
        _cut(kiosk)  # the broker publishes the kiosk's last will
        assert wait_until(app, lambda: states()["kiosk-01"] == "offline")
        # the supervisor reads only: the broker drops its commands before the controller sees them
        handled = controller.handled
        desk.publish(contract.WINDOW_REQUEST.format(hall="demo-hall", client="supervisor-desk"),
                     json.dumps({"window": 1, "action": "finish", "request_id": new_request_id()}), qos=1).wait_for_publish(5)
        desk.publish(contract.TICKET_REQUEST.format(hall="demo-hall", client="supervisor-desk"),
                     json.dumps({"service": "A", "request_id": "supervisor-sneak"}), qos=1).wait_for_publish(5)
        r = caller.request(contract.WINDOW_REQUEST.format(hall="demo-hall", client="caller-w1"),
                           {"window": 1, "action": "status"})
        assert r["data"]["ticket"]["state"] == "called" and controller.handled == handled + 1
    finally:
        desk.stop()


def test_window_renders_a_busy_afternoon(keep, suite_config, broker, tmp_path):  # noqa: F811
    """The whole picture: a busy day played until 15:10 through the real queue, the real
    controller publishing its board, devices' presence, the window rendered and exported."""
    from hall_apps.supervisor import SupervisorWindow
    app = application()
    hall = suite_config.hall("demo-hall")
    engine = make_engine(suite_config.database.url)
    clock = FakeClock(AFTERNOON)
    play(HallQueue(engine, hall, clock), clock, clock.now(), until_hour=15.17, finish=False)
    controller = HallController(suite_config, engine, clock=clock, password=broker.passwords["hall-controller"])
    controller.start()
    online = []
    for cid in ("kiosk-01", "screen-main", "caller-w1", "caller-w2", "caller-w3"):
        ep = Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
        ep.start()
        ep.publish(contract.PRESENCE.format(client=cid), encode(Presence(
            state="online" if cid != "caller-w3" else "offline", role=cid.split("-")[0], halls=["demo-hall"])),
            retain=True).wait_for_publish(5)
        online.append(ep)
    health = HealthPublisher.on_endpoint(online[0], "demo-hall", "kiosk-01", "kiosk", clock)  # kiosk-01's faults
    health.set("printer", DeviceStatus(DeviceState.USER_ERROR, ("paper_out",), Action.STAFF, "paper out"))
    health.set("idcard", DeviceStatus(DeviceState.HARDWARE_ERROR, ("sam_error",), Action.TECHNICIAN, "SAM silent"))
    from devkit.robot_sim import RobotSimClient, SimConfig  # the guide robot's emulator
    robot = RobotSimClient.connect("robot-01", hall, "127.0.0.1", broker.port, broker.passwords["robot-01"],
                                   SimConfig(battery=86))
    robot.start()
    desk = supervisor_endpoint("supervisor-desk", "demo-hall", "127.0.0.1", broker.port,
                               broker.passwords["supervisor-desk"])
    model = SupervisorModel(hall, ReportClient(desk, "demo-hall"), clock)
    model.attach(desk)
    window = SupervisorWindow(model)
    keep(window)
    desk.start()
    try:
        model.refresh()
        window.show()
        shown = lambda: {window.devices.item(r, 0).text(): window.devices.item(r, 2).text()  # noqa: E731
                         for r in range(window.devices.rowCount())}
        assert wait_until(app, lambda: model.controller_up and model.board is not None and shown().get("caller-w2") == "online"
                          and shown()["caller-w3"] == "offline" and shown()["supervisor-desk"] == "online"
                          and shown()["display-w1"] == shown()["display-w4"] == "online"
                          and shown()["robot-01"] == "online" and model.robot_line()[1])
        assert window.robot.text().startswith("导引机器人 robot-01：空闲，电量 86%")
        assert shown()["caller-w4"] == "unknown" and len(shown()) == 1 + len(hall.devices)
        assert wait_until(app, lambda: window.visits.rowCount() == 1)  # the SAM needs a technician
        assert window.visits.item(0, 1).text() == "kiosk-01" and window.visits.item(0, 2).text() == "idcard"
        assert window.windows.rowCount() == 4 and window.chart_grid.count() == 4
        assert window.tables["window"].rowCount() == 5  # four windows and the total
        assert window.tables["service"].item(0, 0).text() == "A 综合受理"
        assert "取号" in window.summary.text() and not window.error.isVisible()
        window.tabs.setCurrentIndex(2)  # the windows tab
        window.export(str(tmp_path / "w.csv"))
        assert (tmp_path / "w.csv").read_text(encoding="utf-8").splitlines()[0].startswith("window,issued")
        window.tabs.setCurrentIndex(0)
        app.processEvents()
        shot = os.environ.get("SUPERVISOR_SCREENSHOT") or str(tmp_path / "supervisor.png")
        assert window.grab().save(shot)
    finally:
        desk.stop()
        for ep in online:
            ep.stop()
        robot.stop()
        controller.stop()
        engine.dispose()


def test_command_renders_a_screenshot_from_a_config(busy_hall, tmp_path):
    """The desk's own command: the hall file names the broker, the statistics come from the
    controller over MQTT (the desk has no database)."""
    import subprocess
    import sys

    from tests.support.fixtures import EXAMPLE_HALL, ROOT
    desk, broker, _, _ = busy_hall
    text = EXAMPLE_HALL.read_text(encoding="utf-8").replace("sqlite:///hall-state/hall.db", "sqlite:///nowhere.db")
    (tmp_path / "hall.toml").write_text(text, encoding="utf-8")
    base = [sys.executable, "-m", "hall_apps.supervisor", "--config", str(tmp_path / "hall.toml")]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HALL_MQTT_PASSWORD": broker.passwords["supervisor-desk"]}
    p = subprocess.run(base + ["--id", "supervisor-desk", "--broker", f"127.0.0.1:{broker.port}", "--from", DAY,
                               "--screenshot", str(tmp_path / "s.png")], capture_output=True,
                       text=True, cwd=ROOT, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    p = subprocess.run(base + ["--hall", "nope"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 78 and "has no hall 'nope'" in p.stderr


def test_platform_line_shows_the_outbox_backlog(hall_config):
    from types import SimpleNamespace

    from hall_protocol.contract import Health, OutboxBacklog
    model = SupervisorModel(hall_config.halls[0], None, FakeClock())
    assert model.platform() == ("政务平台：未知 Platform: unknown", False)
    down = Health(hall="demo-hall", controller="hall-controller", at="2026-03-02T10:00:00+08:00",
                  backend="unavailable", outbox=OutboxBacklog(count=12, oldest_age_s=1500, dead=0))
    model.on_health(SimpleNamespace(payload=encode(down), topic="hall/demo-hall/state/health"))
    text, fine = model.platform()
    assert not fine and "不可达" in text and "待上报 12 条" in text and "25 分钟前" in text
    delayed = down.model_copy(update={"backend": "delayed"})  # after a restart: waiting, no failure known yet
    model.on_health(SimpleNamespace(payload=encode(delayed), topic="hall/demo-hall/state/health"))
    text, fine = model.platform()
    assert not fine and "上报延迟" in text and "Platform delayed, backlog 12" in text
    ok = down.model_copy(update={"backend": "ok", "outbox": OutboxBacklog(count=0, oldest_age_s=0, dead=0)})
    model.on_health(SimpleNamespace(payload=encode(ok), topic="hall/demo-hall/state/health"))
    assert model.platform() == ("政务平台：正常，待上报 0 条  Platform ok, backlog 0", True)
