"""The kiosk's help button over the real broker: the call is on the hall's retained help
board at once, a second press is the same call, a clerk at a window caller acknowledges it,
and a device that is neither kiosk nor clerk can do neither."""
import json
import threading

import pytest

from hall_protocol import contract
from hall_protocol.help import HelpBoard
from hall_protocol.mqtt import MqttError
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def board_watcher(ep):
    boards, changed = [], threading.Condition()

    def on(msg):
        with changed:
            boards.append(HelpBoard.model_validate_json(msg.payload))
            changed.notify_all()
    ep.subscribe(contract.HELP_BOARD.format(hall=HALL), on)

    def wait(cond, timeout=10.0):
        with changed:
            assert changed.wait_for(lambda: boards and cond(boards[-1]), timeout), boards[-1:] or "no board"
            return boards[-1]
    return wait


def test_a_help_call_reaches_the_clerks_and_their_answer_reaches_the_kiosk(controller, device):
    kiosk, caller = device("kiosk-01"), device("caller-w1")
    seen_by_kiosk, seen_by_caller = board_watcher(kiosk), board_watcher(caller)
    ask = contract.HELP_REQUEST.format(hall=HALL, client="kiosk-01")
    rid = new_request_id()
    first = kiosk.request(ask, {"request_id": rid, "page": "ticket", "problem": "printer_paper_out", "elderly": True})
    assert first["status"] == "ok" and first["transaction"]
    help_id = first["data"]["help_id"]
    call = seen_by_caller(lambda b: b.calls and b.calls[0].id == help_id).calls[0]
    assert (call.kiosk, call.page, call.problem, call.elderly, call.state) == (
        "kiosk-01", "ticket", "printer_paper_out", True, "open")
    # a retry, and a second press on another page: still one call
    assert kiosk.request(ask, {"request_id": rid, "page": "ticket"})["data"]["help_id"] == help_id
    again = kiosk.request(ask, {"request_id": new_request_id(), "page": "identify"})
    assert again["data"]["help_id"] == help_id
    board = seen_by_caller(lambda b: b.calls[0].page == "identify")
    assert len(board.calls) == 1
    # the clerk at window 1 is coming
    ack = caller.request(contract.HELP_ACK.format(hall=HALL, client="caller-w1"),
                         {"help_id": help_id, "request_id": new_request_id(), "clerk": "clerk-1"})
    assert ack["status"] == "ok" and ack["data"]["state"] == "acknowledged"
    done = seen_by_kiosk(lambda b: b.calls[0].state == "acknowledged").calls[0]
    assert done.by == "caller-w1 clerk-1" and done.acknowledged_at
    # a new press after the answer opens a new call
    later = kiosk.request(ask, {"request_id": new_request_id(), "page": "home"})
    assert later["data"]["help_id"] != help_id


def test_bad_help_requests_are_refused_and_strangers_cannot_answer(controller, device):
    kiosk, screen = device("kiosk-01"), device("screen-main")
    ask = contract.HELP_REQUEST.format(hall=HALL, client="kiosk-01")
    r = kiosk.request(ask, {"request_id": new_request_id(), "page": "Home Page!"})
    assert r["code"] == "bad_request" and "page" in r["error"]
    # a kiosk may not acknowledge: the broker drops its publish, the controller sees nothing
    handled = controller.handled
    info = kiosk.publish(contract.HELP_ACK.format(hall=HALL, client="kiosk-01"),
                         json.dumps({"help_id": "0123456789abcdef", "request_id": new_request_id()}), qos=1)
    info.wait_for_publish(5)
    with pytest.raises(MqttError):  # the screen may not ask for help either: the broker drops it
        screen.request(contract.HELP_REQUEST.format(hall=HALL, client="screen-main"),
                       {"request_id": new_request_id(), "page": "home"}, timeout=1.5)
    assert controller.handled == handled
    caller = device("caller-w1")
    r = caller.request(contract.HELP_ACK.format(hall=HALL, client="caller-w1"),
                       {"help_id": "0123456789abcdef", "request_id": new_request_id()})
    assert r["code"] == "not_found"
