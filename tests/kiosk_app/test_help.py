"""Help on every kiosk page, on the real broker with the real controller: the kiosk's 求助 / Help
button (its window offscreen, clicked) sends a help call that a window caller's model and the
supervisor desk's model see (with the page, what failed, elderly mode); the hall's guide robot
(its emulator, devkit/robot_sim.py) is sent to greet the citizen; a clerk acknowledges at the
window caller, and the kiosk shows and says "工作人员马上就到" (heard on a real PulseAudio null
sink). "需要引导 / Guide me" sets the ticket's guide flag. Nothing of our own is mocked; the
kiosk's flows run on a FakeClock so that no page times out while the test waits."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from config.schema import KioskConfig, KioskVoiceConfig
from devkit.robot_sim import RobotSimClient, SimConfig
from drivers.core.clock import FakeClock
from hall_apps.caller_model import CallerClient, CallerModel
from hall_apps.supervisor_floor import FloorModel
from hall_apps.supervisor_model import supervisor_endpoint
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application, process_until
from tests.hall_apps.ui_support import endpoint
from tests.kiosk_app.test_e2e import keep  # noqa: F401 (fixture)
from tests.support.hearing import loud_seconds
from tests.support.pulse import pulse  # noqa: F401 (fixture)

HALL = "demo-hall"


@pytest.fixture
def help_kiosk(suite_config, broker, controller, pulse, monkeypatch):  # noqa: F811
    """A kiosk without a receipt printer (a ticket is shown as a QR: what failed is the printer)."""
    for name in ("PULSE_SERVER", "XDG_RUNTIME_DIR"):
        monkeypatch.setenv(name, pulse.env[name])
    cfg = KioskConfig(id="kiosk-01", hall=HALL, broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}),
                      voice=KioskVoiceConfig(speaker="pulse://hall"))
    k = Kiosk(cfg, suite_config.hall(HALL), password=broker.passwords["kiosk-01"], clock=FakeClock())
    k.start()
    yield k
    k.stop()


@pytest.fixture
def robot(broker, suite_config):
    r = RobotSimClient.connect("robot-01", suite_config.hall(HALL), "127.0.0.1", broker.port,
                               broker.passwords["robot-01"], SimConfig(speed=60.0, dwell_s=0.05), keepalive=5)
    r.start()
    yield r
    r.stop()


def test_a_help_press_reaches_caller_and_supervisor_and_the_clerks_ack_is_shown_and_said(
        keep, help_kiosk, robot, broker, pulse):  # noqa: F811
    app, kiosk = application(), help_kiosk
    caller_ep = endpoint(broker, "caller-w1")
    caller = CallerModel(CallerClient(caller_ep, HALL, 1, timeout=5))
    caller.attach(caller_ep)
    desk = supervisor_endpoint("supervisor-desk", HALL, "127.0.0.1", broker.port, broker.passwords["supervisor-desk"])
    floor = FloorModel(HALL, "0900")
    floor.attach(desk)
    caller_ep.start()
    desk.start()
    window = KioskWindow.for_kiosk(kiosk)
    keep(window)
    window.show()
    try:
        QTest.mouseClick(window.elderly_button, Qt.LeftButton)
        QTest.mouseClick(window.service_buttons["A"], Qt.LeftButton)
        assert process_until(app, lambda: kiosk.flow.screen.page == "ticket", 15)
        assert kiosk.flow.screen.show_qr and kiosk.flow.screen.problem == "printer_error"

        tasks_before = robot.tasks_seen
        with pulse.record("hall") as rec:
            QTest.mouseClick(window.assist.help_button, Qt.LeftButton)     # 求助
            assert process_until(app, lambda: kiosk.help.state.status == "notified", 15), kiosk.help.state
            assert process_until(app, lambda: window.assist.status.isVisible()
                                 and "已通知工作人员" in window.assist.status.text(), 5)
            # the window caller and the supervisor desk see it at once
            assert process_until(app, lambda: caller.open_help() != [], 10)
            call = caller.open_help()[0]
            assert (call.kiosk, call.page, call.problem, call.elderly, call.lang) == (
                "kiosk-01", "ticket", "printer_error", True, "zh")
            assert call.id == kiosk.help.state.help_id
            assert process_until(app, lambda: any(a.id == f"help:{call.id}" for a in floor.open_alerts()), 10)
            alert = next(a for a in floor.open_alerts() if a.id == f"help:{call.id}")
            assert alert.title_zh == "kiosk-01 求助：取号 · 打印机故障（长者）"
            # the guide robot is on its way to greet the citizen
            assert kiosk.help.state.robot == "coming" and "导引机器人正在赶来" in window.assist.status.text()
            assert process_until(app, lambda: robot.tasks_seen > tasks_before, 10)
            # pressed again while waiting: still one call, and the robot is not sent twice
            tasks, states = robot.tasks_seen, []
            kiosk.help.listeners.append(lambda st: states.append(st.status))
            QTest.mouseClick(window.assist.help_button, Qt.LeftButton)
            assert process_until(app, lambda: states[-1:] == ["notified"], 15), states
            assert kiosk.help.state.help_id == call.id and kiosk.help.state.robot == "coming"
            process_until(app, lambda: False, 0.5)
            assert [c.id for c in caller.open_help()] == [call.id] and robot.tasks_seen == tasks

            assert caller.acknowledge(call.id), caller.error                  # a clerk: "I'm coming"
            assert process_until(app, lambda: kiosk.help.state.status == "coming", 10), kiosk.help.state
            assert process_until(app, lambda: "工作人员马上就到" in window.assist.status.text(), 5)
            assert process_until(app, lambda: any("工作人员马上就到" in p.text and p.outcome == "played"
                                                  for p in kiosk.voice.history), 30), list(kiosk.voice.history)
        said = next(p for p in kiosk.voice.history if "工作人员马上就到" in p.text)
        assert said.lang == "zh" and loud_seconds(rec.samples, rec.rate) >= 1.0
        # one call for the press: the controller's board holds one open or acknowledged call of this kiosk
        assert [c.id for c in caller.help.calls if c.kiosk == "kiosk-01"] == [call.id]
    finally:
        caller_ep.stop()
        desk.stop()


def test_guide_me_sets_the_tickets_guide_flag(keep, help_kiosk, controller):
    app, kiosk = application(), help_kiosk
    window = KioskWindow.for_kiosk(kiosk)
    keep(window)
    window.show()
    guide = window.assist.guide_button
    assert guide is not None and guide.text() == "需要引导"
    QTest.mouseClick(window.service_buttons["B"], Qt.LeftButton)       # without: no guide
    assert process_until(app, lambda: kiosk.flow.screen.page == "ticket", 15)
    first = kiosk.flow.screen.ticket.number
    kiosk.flow.done()
    assert process_until(app, lambda: window.stack.currentIndex() == 0, 5)
    QTest.mouseClick(window.assist.guide_button, Qt.LeftButton)
    assert process_until(app, lambda: kiosk.flow.screen.guide and "✓" in guide.text(), 5)
    QTest.mouseClick(window.service_buttons["B"], Qt.LeftButton)
    assert process_until(app, lambda: kiosk.flow.screen.page == "ticket" and kiosk.flow.screen.ticket.number != first,
                         15)
    second = kiosk.flow.screen.ticket.number
    queue = controller.queues[HALL]
    assert not queue.ticket(first).guide and queue.ticket(second).guide
    kiosk.flow.done()   # the session ends: the next citizen is not guided unless asked
    assert not kiosk.flow.screen.guide
