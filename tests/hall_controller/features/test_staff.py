"""Staff sign-in at the window callers against a real Mosquitto and a real controller: the PIN is
checked against the hall file's scrypt hash, wrong PINs are counted and lock, the clerk on every
event is the one signed in (not what a caller types), the clerk card (with photo) is retained for
the window screen and the pad, a hall that requires sign-in refuses calls without it, sign-out
closes the window, and a restarted controller keeps who is signed in."""
from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.staff import StaffCard
from tests.support.fixtures import ROOT, new_request_id

HALL = "demo-hall"


@pytest.fixture
def database_url(tmp_path):  # sign-in is stored like any window change: SQLite is enough here
    return f"sqlite:///{tmp_path}/hall.db"


def staff(device, action, window=1, staff_id=None, pin=None, caller="caller-w1"):
    body = {"action": action, "window": window, "request_id": new_request_id()}
    body.update({k: v for k, v in (("staff_id", staff_id), ("pin", pin)) if v})
    return device(caller).request(f"hall/{HALL}/request/staff/{caller}", body, timeout=15)


def window(device, action, w=1, **kw):
    return device(f"caller-w{w}").request(f"hall/{HALL}/request/window/caller-w{w}",
                                         {"window": w, "action": action, "request_id": new_request_id(), **kw})


def cards(device, client="screen-main"):
    got: dict[int, StaffCard] = {}
    event = threading.Event()

    def on(msg):
        card = StaffCard.model_validate_json(msg.payload)
        got[card.window] = card
        event.set()
    device(client).subscribe(f"hall/{HALL}/state/clerk/+", on)
    return got, event


def wait(cond, timeout=10.0):
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return False


def test_a_clerk_signs_in_and_is_the_clerk_on_every_event(controller, device):
    got, _ = cards(device)
    assert wait(lambda: 1 in got and got[1].staff_id is None)  # nobody yet: a card without a clerk
    r = staff(device, "sign_in", staff_id="0101", pin="2468")
    assert r["status"] == "ok", r
    assert r["data"]["name"] == "王丽华" and r["data"]["photo_jpeg_b64"] is None  # the answer carries no photo
    assert wait(lambda: got[1].staff_id == "0101")
    card = got[1]
    assert card.name == "王丽华" and card.title == "综合受理员" and card.photo_jpeg_b64.startswith("/9j/")  # a JPEG
    kiosk = device("kiosk-01")
    assert kiosk.request(f"hall/{HALL}/request/ticket/kiosk-01", {"service": "A", "request_id": new_request_id()})[
        "status"] == "ok"
    # the caller types another clerk: the event still names the one signed in
    assert window(device, "call_next", clerk="somebody-else")["status"] == "ok"
    q = controller.queues[HALL]
    assert q.ticket("A001").clerk == "0101" and q.windows[1].clerk == "0101"
    assert window(device, "finish")["status"] == "ok"
    assert q.ticket("A001").clerk == "0101"

    assert staff(device, "sign_out")["status"] == "ok"
    assert wait(lambda: got[1].staff_id is None)
    assert q.window_state(1)["state"] == "closed"


def test_wrong_pins_are_counted_and_lock(controller, device):
    r = staff(device, "sign_in", staff_id="0101", pin="1111")
    assert r["status"] == "error" and r["code"] == "wrong_pin" and "4 tries left" in r["error"]
    assert staff(device, "sign_in", staff_id="9999", pin="2468")["code"] == "wrong_pin"  # no such clerk: the same
    for _ in range(4):  # five wrong PINs for 0101 in all
        staff(device, "sign_in", staff_id="0101", pin="1111")
    r = staff(device, "sign_in", staff_id="0101", pin="2468")  # right, but too late
    assert r["code"] == "locked" and "locked for" in r["error"]
    assert controller.queues[HALL].windows[1].clerk is None
    r = staff(device, "sign_in", window=2, staff_id="0102", pin="2468")  # caller-w1 at window 2
    assert r["code"] == "forbidden"
    assert staff(device, "sign_in", window=2, staff_id="0102", pin="2468", caller="caller-w2")["status"] == "ok"


def test_a_hall_that_requires_sign_in_refuses_calls_without_it(suite_config, broker, device):
    hall = suite_config.halls[0].model_copy(update={"sign_in_required": True})
    cfg = suite_config.model_copy(update={"halls": [hall]})
    c = HallController(cfg, make_engine(cfg.database.url), password=broker.passwords[cfg.controller_id])
    c.start()
    try:
        r = window(device, "call_next")
        assert r["code"] == "sign_in_required" and "sign in" in r["error"]
        assert window(device, "status")["status"] == "ok"  # looking is allowed
        assert staff(device, "sign_in", staff_id="0101", pin="2468")["status"] == "ok"
        assert device("kiosk-01").request(f"hall/{HALL}/request/ticket/kiosk-01",
                                          {"service": "A", "request_id": new_request_id()})["status"] == "ok"
        assert window(device, "call_next")["data"]["ticket"]["number"] == "A001"
        assert staff(device, "sign_out")["code"] == "conflict"  # a ticket is still at the window
    finally:
        c.stop()
    # a restarted controller still knows who is signed in (stored with the window)
    c2 = HallController(cfg, make_engine(cfg.database.url), password=broker.passwords[cfg.controller_id])
    got, _ = cards(device, "supervisor-desk")
    c2.start()
    try:
        assert wait(lambda: got.get(1) is not None and got[1].staff_id == "0101")
        assert window(device, "finish")["status"] == "ok"
    finally:
        c2.stop()


def test_staff_pin_makes_a_hash_and_never_takes_the_pin_as_an_argument():
    from hall_controller.core.staff import verify_pin
    p = subprocess.run([sys.executable, "-m", "hall_controller.tools.provision_cli", "staff-pin"], input="8642\n",
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0 and verify_pin("8642", p.stdout.strip()) and not verify_pin("8643", p.stdout.strip())
    p = subprocess.run([sys.executable, "-m", "hall_controller.tools.provision_cli", "staff-pin"], input="12ab\n",
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 2 and "4 to 8 digits" in p.stderr
