"""The controller over a real Mosquitto with passwords and access rules."""
import json
import threading

import pytest

from hall_protocol import contract
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def ticket_topic(client):
    return contract.TICKET_REQUEST.format(hall=HALL, client=client)


def window_topic(client):
    return contract.WINDOW_REQUEST.format(hall=HALL, client=client)


def test_ticket_request_and_call_reach_the_board(controller, device):
    kiosk = device("kiosk-01")
    r = kiosk.request(ticket_topic("kiosk-01"), {"service": "A", "request_id": new_request_id()})
    assert r["status"] == "ok" and r["data"]["number"] == "A001"
    assert r["data"]["people_ahead"] == 0 and r["data"]["service_name"] == "综合受理"
    r2 = kiosk.request(ticket_topic("kiosk-01"), {"service": "A", "request_id": new_request_id()})
    # No window has signed on yet: the hall cannot say how long (test_estimate.py has figures).
    assert r2["data"]["people_ahead"] == 1 and r2["data"]["estimated_wait_min"] is None

    screen = device("screen-main")
    boards, calls = [], []
    got_call, board_with_call = threading.Event(), threading.Event()

    def on_board(m):
        boards.append(json.loads(m.payload))
        if boards[-1]["current"]:
            board_with_call.set()
    screen.subscribe(contract.BOARD.format(hall=HALL), on_board)
    screen.subscribe(contract.CALL_EVENT.format(hall=HALL),
                     lambda m: (calls.append(json.loads(m.payload)), got_call.set()))
    caller = device("caller-w1")
    r = caller.request(window_topic("caller-w1"), {"window": 1, "action": "call_next", "request_id": new_request_id()})
    assert r["status"] == "ok" and r["data"]["ticket"]["number"] == "A001"
    assert got_call.wait(5)
    assert calls[0]["text_zh"] == "请 A001 号到 1 号窗口办理"
    assert board_with_call.wait(5)  # the board is published right after the call event
    latest = max(boards, key=lambda b: b["seq"])
    assert latest["current"][0]["ticket"] == "A001" and latest["waiting"]["A"] == 1


def test_screen_rebuilds_from_retained_board(controller, device):
    kiosk = device("kiosk-01")
    kiosk.request(ticket_topic("kiosk-01"), {"service": "B", "request_id": new_request_id()})
    device("caller-w3").request(window_topic("caller-w3"), {"window": 3, "action": "call_next", "request_id": new_request_id()})
    # The answer goes out before the board (the board follows the burst): the screen that
    # connects now gets the retained board, which shows the call at once or a moment later.
    late = device("screen-main")
    got = threading.Event()
    boards = []

    def on_board(m):
        boards.append(json.loads(m.payload))
        if boards[-1]["current"]:
            got.set()
    late.subscribe(contract.BOARD.format(hall=HALL), on_board)
    assert got.wait(5), boards
    assert boards[-1]["current"][0] == {**boards[-1]["current"][0], "ticket": "B001", "window": 3}


@pytest.mark.parametrize("payload, expected", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({"service": "A"}).encode(), "request_id"),
    (json.dumps({"service": "A", "request_id": "abcdefgh1", "colour": 1}).encode(), "colour"),
    (json.dumps({"service": "Q", "request_id": "abcdefgh2"}).encode(), "unknown service"),
])
def test_malformed_requests_get_clear_errors_and_change_nothing(controller, device, payload, expected):
    kiosk = device("kiosk-01")
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties
    got = threading.Event()
    answers = []
    kiosk.subscribe("reply/kiosk-01/raw", lambda m: (answers.append(json.loads(m.payload)), got.set()))
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = "reply/kiosk-01/raw"
    props.CorrelationData = b"c1"
    kiosk.publish(ticket_topic("kiosk-01"), payload, properties=props)
    assert got.wait(5)
    assert answers[0]["status"] == "error" and expected in answers[0]["error"]
    assert sum(controller.rejected.values()) == 1
    assert controller.queues[HALL].waiting() == []


def test_caller_may_only_command_its_own_window(controller, device):
    caller = device("caller-w1")
    r = caller.request(window_topic("caller-w1"), {"window": 2, "action": "call_next", "request_id": new_request_id()})
    assert r["status"] == "error" and r["code"] == "forbidden"


def test_broker_refuses_kiosk_calling_and_screen_publishing(controller, device, broker):
    """The access rules are the broker's: the controller never sees the refused messages."""
    kiosk = device("kiosk-01")
    kiosk.request(ticket_topic("kiosk-01"), {"service": "A", "request_id": new_request_id()})
    # a kiosk publishing a window command, even under a caller's topic, is dropped by Mosquitto
    for topic in (window_topic("kiosk-01"), window_topic("caller-w1")):
        info = kiosk.publish(topic, json.dumps({"window": 1, "action": "call_next", "request_id": new_request_id()}), qos=1)
        info.wait_for_publish(5)
    screen = device("screen-main")
    info = screen.publish(ticket_topic("screen-main"), json.dumps({"service": "A", "request_id": new_request_id()}))
    info.wait_for_publish(5)
    # a round trip through the controller after them proves they had time to arrive
    caller = device("caller-w2")
    r = caller.request(window_topic("caller-w2"), {"window": 2, "action": "status"})
    assert r["status"] == "ok" and r["data"]["ticket"] is None
    assert [t.number for t in controller.queues[HALL].waiting()] == ["A001"]
    assert controller.handled == 2


def test_wrong_password_is_refused(broker, device):
    from hall_protocol.mqtt import MqttError
    with pytest.raises(MqttError, match="did not accept"):
        device("kiosk-01", password="wrong", timeout=3)


def _hall_controller(suite_config, broker, database_url, clock=None, **hall_changes):
    from hall_controller.service import HallController
    from hall_controller.store.db import make_engine
    hall = suite_config.halls[0].model_copy(update=hall_changes)
    cfg = suite_config.model_copy(update={"halls": [hall]})
    c = HallController(cfg, make_engine(database_url), clock=clock,
                       password=broker.passwords[cfg.controller_id])
    c.start()
    return c


def test_auto_call_announces_to_the_signed_on_window(suite_config, broker, database_url, device):
    c = _hall_controller(suite_config, broker, database_url, auto_call=True)
    try:
        screen = device("screen-main")
        calls, got = [], threading.Event()
        screen.subscribe(contract.CALL_EVENT.format(hall=HALL),
                         lambda m: (calls.append(json.loads(m.payload)), got.set()))
        caller = device("caller-w2")
        assert caller.request(window_topic("caller-w2"), {"window": 2, "action": "open", "request_id": new_request_id()})["status"] == "ok"
        kiosk = device("kiosk-01")
        r = kiosk.request(ticket_topic("kiosk-01"), {"service": "D", "request_id": new_request_id()})
        assert r["status"] == "ok"
        assert got.wait(5), "no automatic call was announced"
        assert calls[0]["call"] == {**calls[0]["call"], "ticket": "D001", "window": 2}
        status = caller.request(window_topic("caller-w2"), {"window": 2, "action": "status"})
        assert status["data"]["ticket"]["number"] == "D001"
    finally:
        c.stop()


def test_a_running_controller_rolls_over_at_the_day_boundary(suite_config, broker, database_url, device):
    from datetime import datetime, timedelta, timezone

    from drivers.core.clock import FakeClock
    clock = FakeClock(datetime(2026, 3, 2, 23, 50, tzinfo=timezone(timedelta(hours=8))))
    c = _hall_controller(suite_config, broker, database_url, clock=clock)
    try:
        kiosk = device("kiosk-01")
        assert kiosk.request(ticket_topic("kiosk-01"), {"service": "A", "request_id": new_request_id()})[
            "data"]["day"] == "2026-03-02"
        boards, new_day = [], threading.Event()
        screen = device("screen-main")
        screen.subscribe(contract.BOARD.format(hall=HALL), lambda m: (
            boards.append(json.loads(m.payload)), boards[-1]["day"] == "2026-03-03" and new_day.set()))
        clock.advance(15 * 60)  # past midnight; nothing else happens in the hall
        c.housekeeping()        # what the controller's timer runs every few seconds
        assert new_day.wait(5), "the board did not move to the new day"
        assert boards[-1]["waiting"]["A"] == 0
        r = kiosk.request(ticket_topic("kiosk-01"), {"service": "A", "request_id": new_request_id()})
        assert (r["data"]["number"], r["data"]["day"]) == ("A001", "2026-03-03")
        assert c.queues[HALL].ticket("A001").state == "waiting"  # today's; yesterday's one expired
    finally:
        c.stop()


def test_answers_never_go_to_a_wildcard_or_endless_response_topic(controller, device):
    """A hostile kiosk names a 202-level or a wildcard Response Topic: the controller answers
    nowhere (Mosquitto would drop such a publish and paho would resend it after every
    reconnect), counts it, and goes on answering everybody else."""
    import time

    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    kiosk = device("kiosk-01")
    for bad in ("reply/kiosk-01/" + "/".join(["x"] * 200), "reply/kiosk-01/#", "hall/demo-hall/state/board"):
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic, props.CorrelationData = bad, b"hostile"
        kiosk.publish(ticket_topic("kiosk-01"), json.dumps({"service": "A", "request_id": new_request_id()}),
                      properties=props)
    deadline = time.monotonic() + 10
    while controller.rejected["reply_topic"] < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert controller.rejected["reply_topic"] == 3
    assert controller.endpoint.connected.is_set()
    r = kiosk.request(ticket_topic("kiosk-01"), {"service": "A", "request_id": new_request_id()})
    assert r["status"] == "ok" and r["transaction"]  # every answer echoes the correlation data
