"""The guide robot over a real Mosquitto with real access rules, the real controller and the
robot emulator (devkit/robot_sim.py) as the vendor robot: tasks on calls and on a
kiosk's help button, and a hall that goes on whatever the robot does."""
import json
import logging
import threading

import pytest

from devkit.robot_sim import RobotSimClient, SimConfig
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol import contract
from tests.support.fixtures import new_request_id

HALL, ROBOT = "demo-hall", "robot-01"
FAST = dict(speed=60.0, dwell_s=0.05)  # a quick robot: the tests wait on events, not on its walk


@pytest.fixture
def make_controller(suite_config, broker):
    made = []

    def make(**robot_changes) -> HallController:
        hall = suite_config.halls[0]
        hall = hall.model_copy(update={"robot": hall.robot.model_copy(update=robot_changes)})
        cfg = suite_config.model_copy(update={"halls": [hall]})
        engine = make_engine(cfg.database.url)
        c = HallController(cfg, engine, password=broker.passwords[cfg.controller_id])
        c.start()
        made.append((c, engine))
        return c

    yield make
    for c, engine in made:
        c.stop()
        engine.dispose()


@pytest.fixture
def robot(broker, hall_config):
    made = []

    def start(**sim) -> RobotSimClient:
        r = RobotSimClient.connect(ROBOT, hall_config.halls[0], "127.0.0.1", broker.port, broker.passwords[ROBOT],
                                   SimConfig(**{**FAST, **sim}), keepalive=5)
        r.start()
        made.append(r)
        return r

    yield start
    for r in made:
        r.stop()


def take(kiosk, service="A", **extra):
    r = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client=kiosk.client_id),
                      {"service": service, "request_id": new_request_id(), **extra})
    assert r["status"] == "ok", r
    return r["data"]["number"]


def call(caller, window):
    r = caller.request(contract.WINDOW_REQUEST.format(hall=HALL, client=caller.client_id),
                       {"window": window, "action": "call_next", "request_id": new_request_id()})
    assert r["status"] == "ok", r
    return r["data"]["ticket"]["number"]


def robot_ready(c: HallController) -> bool:
    return c.robot.wait_for(lambda: c.robot.availability(HALL) is None, 10)


def finished(c: HallController, n: int = 1):
    assert c.robot.wait_for(lambda: len(c.robot.history) >= n, 15), c.robot.current
    return list(c.robot.history)


def test_guide_task_sent_on_call_and_completed(make_controller, robot, device):
    c = make_controller()
    sim = robot()
    assert robot_ready(c)
    kiosk, caller = device("kiosk-01"), device("caller-w1")
    boards, done = [], threading.Event()
    sup = device("supervisor-desk")
    sup.subscribe(contract.ROBOT_BOARD.format(hall=HALL), lambda m: (
        boards.append(json.loads(m.payload)),
        (boards[-1]["robots"][0]["task"] or {}).get("progress") == "done" and done.set()))
    plain = take(kiosk)
    guided = take(kiosk, guide=True)
    assert call(caller, 1) == plain  # no guide asked, not green: no task
    assert call(caller, 1) == guided
    rec = finished(c)[0]
    assert (rec.task.kind, rec.task.window, rec.task.ticket, rec.progress) == ("guide", 1, guided, "done")
    assert sim.tasks_seen == 1 and c.robot.current[HALL] is None
    assert done.wait(10)  # the supervisor sees it on the retained robot board
    assert boards[-1]["robots"][0]["id"] == ROBOT and boards[-1]["robots"][0]["online"]


def test_green_ticket_is_guided_under_asked_or_green(make_controller, robot, device):
    c = make_controller(guide_on_call="asked_or_green")
    robot()
    assert robot_ready(c)
    number = take(device("kiosk-01"), priority="green")
    call(device("caller-w1"), 1)
    rec = finished(c)[0]
    assert (rec.task.ticket, rec.task.priority, rec.progress) == (number, "high", "done")


def test_robot_missing_calls_go_on_and_nothing_is_queued(make_controller, device):
    c = make_controller()
    kiosk, caller = device("kiosk-01"), device("caller-w1")
    numbers = [take(kiosk, guide=True) for _ in range(3)]
    got = []
    screen = device("screen-main")
    screen.subscribe(contract.CALL_EVENT.format(hall=HALL), lambda m: got.append(json.loads(m.payload)))
    assert [call(caller, 1) for _ in numbers] == numbers
    assert c.robot.wait_for(lambda: c.robot.skipped["offline"] == 3, 10)
    assert c.robot.current[HALL] is None and not c.robot.history
    r = kiosk.request(contract.ROBOT_REQUEST.format(hall=HALL, client="kiosk-01"), {"request_id": new_request_id()})
    assert r["status"] == "error" and r["code"] == "robot_unavailable" and "not connected" in r["error"]


def test_robot_dropping_off_fails_its_task_and_calls_go_on(make_controller, robot, device):
    c = make_controller()
    robot(fault="disconnect")
    assert robot_ready(c)
    kiosk, caller = device("kiosk-01"), device("caller-w1")
    first, second = take(kiosk, guide=True), take(kiosk, guide=True)
    assert call(caller, 1) == first
    rec = finished(c)[0]
    assert (rec.task.ticket, rec.progress, rec.reason) == (first, "failed", "robot offline")
    assert call(caller, 1) == second  # the robot is gone: the call is the same
    assert c.robot.wait_for(lambda: c.robot.skipped["offline"] == 1, 10)
    assert c.robot.current[HALL] is None and c.robot.view(HALL).state == "offline"


def test_task_without_progress_times_out_and_is_cancelled(make_controller, robot, device):
    c = make_controller(task_timeout_s=1)
    sim = robot(fault="no_answer")
    assert robot_ready(c)
    kiosk, caller = device("kiosk-01"), device("caller-w1")
    number = take(kiosk, guide=True)
    call(caller, 1)
    rec = finished(c)[0]
    assert (rec.task.ticket, rec.progress) == (number, "failed") and rec.reason.startswith("timeout")
    assert c.robot.wait_for(lambda: sim.tasks_seen == 2, 10)  # the guide, then its cancel
    assert robot_ready(c)  # free for the next task, nothing left waiting
    take(kiosk)
    call(caller, 1)


def test_task_failing_midway_is_reported(make_controller, robot, device):
    c = make_controller()
    robot(fault="fail_midway")
    assert robot_ready(c)
    take(device("kiosk-01"), guide=True)
    call(device("caller-w1"), 1)
    rec = finished(c)[0]
    assert (rec.progress, rec.reason) == ("failed", "obstacle")
    assert c.robot.view(HALL).task.reason == "obstacle"


def test_low_battery_fails_the_task_and_the_robot_goes_charging(make_controller, robot, device):
    c = make_controller()
    robot(fault="battery_low", charge_per_s=0.01)
    assert robot_ready(c)
    take(device("kiosk-01"), guide=True)
    call(device("caller-w1"), 1)
    assert finished(c)[0].reason == "battery_low"
    assert c.robot.wait_for(lambda: c.robot.view(HALL).state == "charging", 15)
    r = device("kiosk-01").request(contract.ROBOT_REQUEST.format(hall=HALL, client="kiosk-01"),
                                   {"request_id": new_request_id()})
    assert r["code"] == "robot_unavailable" and r["error"].startswith("charging")


def test_kiosk_help_button_sends_a_greeting_once(make_controller, robot, device):
    c = make_controller()
    sim = robot()
    assert robot_ready(c)
    kiosk = device("kiosk-01")
    req = {"request_id": new_request_id()}
    r = kiosk.request(contract.ROBOT_REQUEST.format(hall=HALL, client="kiosk-01"), req)
    assert r["status"] == "ok" and r["data"]["robot"]["id"] == ROBOT
    again = kiosk.request(contract.ROBOT_REQUEST.format(hall=HALL, client="kiosk-01"), req)
    assert again["data"]["task_id"] == r["data"]["task_id"]  # a retry sends no second task
    rec = finished(c)[0]
    assert (rec.task.kind, rec.task.text_zh, rec.progress) == ("greet", c.config.halls[0].robot.greeting_zh, "done")
    assert sim.tasks_seen == 1


def test_broker_refuses_robot_publishing_elsewhere(make_controller, device):
    """The robot may write only its own state and presence: Mosquitto drops the rest."""
    c = make_controller()
    sup = device("supervisor-desk")
    seen, sentinel = [], threading.Event()
    sup.subscribe(f"hall/{HALL}/robot/+/state", lambda m: (seen.append(m.topic), m.payload == b'{"x": 1}' and sentinel.set()))
    rogue = device(ROBOT)  # the robot's own credentials
    for topic, payload in [(f"hall/{HALL}/robot/robot-02/state", b"{}"),
                           (contract.TICKET_REQUEST.format(hall=HALL, client=ROBOT), json.dumps(
                               {"service": "A", "request_id": new_request_id()}).encode()),
                           (contract.ROBOT_REQUEST.format(hall=HALL, client=ROBOT), json.dumps(
                               {"request_id": new_request_id()}).encode()),
                           (contract.WINDOW_REQUEST.format(hall=HALL, client=ROBOT), b'{"window": 1, "action": "call_next", "request_id": new_request_id()}'),
                           (contract.ROBOT_TASK.format(hall=HALL, robot=ROBOT), b"{}")]:
        rogue.publish(topic, payload, qos=1).wait_for_publish(5)
    rogue.publish(contract.ROBOT_STATE.format(hall=HALL, robot=ROBOT), b'{"x": 1}', qos=1).wait_for_publish(5)
    assert sentinel.wait(10)  # its own topic arrives; what it sent before never did
    assert seen == [contract.ROBOT_STATE.format(hall=HALL, robot=ROBOT)] * len(seen)
    assert c.handled == 0 and c.robot.rejected["help"] == 0 and not c.queues[HALL].waiting()


def test_malformed_robot_state_is_rejected_logged_and_counted(make_controller, device, caplog):
    c = make_controller()
    rogue = device(ROBOT)
    topic = contract.ROBOT_STATE.format(hall=HALL, robot=ROBOT)
    caplog.set_level(logging.WARNING, logger="hall_controller.features.robot")
    for payload in (b"not json", b"[]", b'{"state": "dancing"}', json.dumps(
            {"state": "idle", "position": {"x": 0, "y": 0}, "battery": 140, "at": "now"}).encode()):
        rogue.publish(topic, payload, qos=1).wait_for_publish(5)
    assert c.robot.wait_for(lambda: c.robot.rejected["robot_state"] == 4, 10)
    assert "battery" in caplog.text and topic in caplog.text
    good = {"state": "idle", "position": {"x": 0, "y": 0, "area": "entrance"}, "battery": 80, "at": "now"}
    rogue.publish(topic, json.dumps(good).encode(), qos=1)
    assert c.robot.wait_for(lambda: c.robot.seen[HALL].state is not None, 10)
    assert c.robot.view(HALL).battery == 80
    take(device("kiosk-01"))  # the controller goes on
