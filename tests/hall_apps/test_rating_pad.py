"""The rating pad (好差评 评价器) against a real Mosquitto and a real controller: it shows the clerk
signed in at its window and the ticket served; when the clerk finishes (or calls the next one)
it invites the citizen to rate that ticket, with a spoken prompt; a low level asks for reasons;
the rating reaches the controller's durable outbox once, linked to ticket, window, clerk and
service, also when the network was down at the tap; a pad cannot rate another window's ticket;
an invitation nobody answers ends politely. (RATING_PAD_SCREENSHOT=path saves a picture.)"""
from __future__ import annotations

import os
import threading

import pytest

from hall_apps.rating_pad_model import RatingPadModel, pad_endpoint
from hall_controller.core.ratings import rating_key
from tests.hall_apps.ui_support import HALL, clock, clocked_controller, endpoint, issue, wait_for  # noqa: F401
from tests.support.fixtures import new_request_id


@pytest.fixture
def database_url(tmp_path):  # the outbox and the journal as everywhere: SQLite is enough here
    return f"sqlite:///{tmp_path}/hall.db"


def window(device, action, w=1, **kw):
    r = device(f"caller-w{w}").request(f"hall/{HALL}/request/window/caller-w{w}",
                                       {"window": w, "action": action, "request_id": new_request_id(), **kw})
    assert r["status"] == "ok", r
    return r["data"]


class Now:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def pad(broker):
    now = Now()
    model = RatingPadModel(HALL, 1, monotonic=now, timeout_s=60)
    spoken: list[str] = []
    model.on_prompt = spoken.append
    ep = pad_endpoint("pad-w1", HALL, "127.0.0.1", broker.port, broker.passwords["pad-w1"])
    model.attach(ep)
    ep.start()
    yield model, now, spoken
    ep.stop()


def test_the_pad_shows_the_clerk_invites_a_rating_and_delivers_it_once(clocked_controller, device, broker, clock, pad):
    model, now, spoken = pad
    assert device("caller-w1").request(f"hall/{HALL}/request/staff/caller-w1", {
        "action": "sign_in", "window": 1, "staff_id": "0101", "pin": "2468", "request_id": new_request_id()},
        timeout=15)["status"] == "ok"
    issue(device, clock, ["A", "A"])
    assert wait_for(lambda: model.card is not None and model.card.name == "王丽华")
    window(device, "call_next")
    assert wait_for(lambda: model.phase == "serving" and model.pad.ticket == "A001")
    assert model.pad.service_name == "综合受理" and model.pad.service_name_en == "General Services"
    window(device, "finish")
    assert wait_for(lambda: model.phase == "rate" and model.ticket == "A001")
    assert spoken == ["请您对本次服务进行评价"]  # the spoken prompt, once
    model.tap(1)  # 非常不满意: why?
    assert model.phase == "reasons"
    model.toggle("waiting")
    model.toggle("attitude")
    model.toggle("waiting")
    model.toggle("waiting")
    broker.stop()  # the network goes at the tap: the citizen is thanked, the rating waits
    model.submit()
    assert model.phase == "thanks" and model.pending
    broker.start()
    assert wait_for(lambda: not model.pending and model.sent == 1, timeout=60)
    q = clocked_controller.queues[HALL]
    stored = clocked_controller.backend.outbox.get(rating_key(HALL, q.day, "A001"))
    rating = stored["payload"]
    assert (rating["ticket_no"], rating["window_id"], rating["clerk_id"], rating["score"]) == ("A001", "1", "0101", 1)
    assert sorted(rating["reason_codes"]) == ["attitude", "waiting"]
    now.t += 5
    model.tick()
    assert model.phase in ("welcome", "serving")

    # calling the next ticket without "finish" also invites the last one's citizen
    window(device, "call_next")
    window(device, "call_next")
    assert wait_for(lambda: model.phase == "rate" and model.ticket == "A002")
    model.tap(5)  # 非常满意: no reasons asked
    assert wait_for(lambda: model.sent == 2)
    assert clocked_controller.backend.outbox.get(rating_key(HALL, q.day, "A002"))["payload"]["score"] == 5


def test_deliveries_started_at_once_send_each_rating_once(clocked_controller, device, broker, clock, pad):
    """A rating given while the network is down is sent by the tap's delivery and by the
    reconnect's at the same time: one of them sends it, once; neither fails."""
    model, now, _ = pad
    issue(device, clock, ["A"])
    window(device, "call_next")
    window(device, "finish")
    assert wait_for(lambda: model.phase == "rate")
    failures: list[BaseException] = []
    previous, threading.excepthook = threading.excepthook, lambda args: failures.append(args.exc_value)
    try:
        broker.stop()
        model.score, model.ticket = 4, "A001"
        with model._lock:  # the tap, without its own delivery thread: the runs below are the race
            model.pending.append({"request_id": new_request_id(), "ticket": "A001", "score": 4, "reasons": []})
        broker.start()
        runs = [threading.Thread(target=model.deliver) for _ in range(4)]
        for t in runs:
            t.start()
        for t in runs:
            t.join(60)
    finally:
        threading.excepthook = previous
    assert not failures and not model.pending and model.sent == 1
    q = clocked_controller.queues[HALL]
    assert clocked_controller.backend.outbox.get(rating_key(HALL, q.day, "A001"))["payload"]["score"] == 4


def test_a_pad_rates_only_tickets_of_its_window(clocked_controller, device, broker, clock, pad):
    issue(device, clock, ["A", "B"])
    window(device, "call_next", w=2)
    window(device, "finish", w=2)
    pad_ep = device("pad-w1")
    ask = lambda ticket, score=2: pad_ep.request(f"hall/{HALL}/request/rating/pad-w1",  # noqa: E731
                                                 {"request_id": new_request_id(), "ticket": ticket, "score": score})
    r = ask("A001")
    assert r["code"] == "forbidden" and "window 1" in r["error"]  # served at window 2
    assert ask("B001")["code"] == "forbidden"  # not served at this window
    # (a kiosk or a caller may not even publish there: tests/hall_protocol/test_acl.py proves the row)
    window(device, "call_next")
    assert ask("B001", 4)["code"] == "not_served"  # called, not finished
    bad = pad_ep.request(f"hall/{HALL}/request/rating/pad-w1", {"request_id": "x", "ticket": "B001", "score": 9})
    assert bad["code"] == "bad_request" and "score" in bad["error"]


def test_an_invitation_nobody_answers_ends_politely(clocked_controller, device, broker, clock, pad):
    model, now, _ = pad
    issue(device, clock, ["A"])
    window(device, "call_next")
    window(device, "finish")
    assert wait_for(lambda: model.phase == "rate")
    now.t += 61
    model.tick()
    assert model.phase == "thanks" and not model.pending and model.sent == 0
    now.t += 5
    model.tick()
    assert model.phase == "welcome"


def test_the_pad_screen_has_large_targets(pad):
    from hall_apps.rating_pad import RatingPad
    from hall_protocol.rating_pad import PadState
    from hall_protocol.staff import StaffCard
    from qtkit.common import application
    import base64

    from devkit.avatars import avatar_jpeg
    app = application()
    model, _, spoken = pad
    model.card = StaffCard(hall=HALL, window=1, staff_id="0101", name="王丽华", title="综合受理员",
                           title_en="Service clerk", photo_jpeg_b64=base64.b64encode(avatar_jpeg("0101")).decode())
    model.broker_up = model.controller_up = True
    view = RatingPad(model)
    view.resize(1280, 800)
    view.show()
    model.take(PadState(hall=HALL, window=1, seq=5, state="rate", ticket="A012", service="A", service_name="综合受理",
                        service_name_en="General Services", at="2026-11-23T10:00:00+08:00"))
    app.processEvents()
    view.render()
    app.processEvents()
    try:
        assert view.pages.currentWidget() is view.rate_page and "A012 综合受理 · 王丽华 0101" == view.about.text()
        for b in view.levels.values():  # elderly friendly: big, far apart
            assert b.height() >= 280 and b.width() >= 200
        assert [b.property("level") for b in view.levels.values()] == ["非常满意", "满意", "基本满意", "不满意",
                                                                      "非常不满意"]
        shot = os.environ.get("RATING_PAD_SCREENSHOT")
        if shot:
            view.grab().save(shot)
        view.levels[2].click()
        assert view.pages.currentWidget() is view.reasons_page
        view.reason_buttons["slow"].click()
        assert model.reasons == ["slow"] and view.reason_buttons["slow"].isChecked()
    finally:
        view.close()


@pytest.mark.parametrize("voice,want", [("cmn-latn-pinyin", ("online", "none")),
                                        ("zz-no-such-voice", ("no_device", "technician"))])
def test_the_pads_speech_health_is_published(broker, device, tmp_path, voice, want):
    """The rating pad as its own process, its spoken prompt through the real espeak-ng: the
    speech part's retained health says it works, or that a technician must come for a voice
    espeak-ng does not have, and the pad stays online (silent) either way."""
    import subprocess
    import sys
    import time

    from hall_protocol import contract
    from hall_protocol.contract import DeviceHealth, Presence
    from tests.support.fixtures import ROOT
    seen: dict[str, object] = {}
    desk = device("supervisor-desk")
    desk.subscribe(contract.DEVICE_HEALTH.format(hall=HALL, client="pad-w1"),
                   lambda msg: msg.payload and seen.__setitem__("health", contract.read(msg, DeviceHealth)))
    desk.subscribe(contract.PRESENCE.format(client="pad-w1"),
                   lambda msg: msg.payload and seen.__setitem__("presence", contract.read(msg, Presence)))
    out = tmp_path / "pad.out"
    proc = subprocess.Popen([sys.executable, "-m", "hall_apps.rating_pad", "--hall", HALL, "--id", "pad-w1",
                             "--window", "1", "--speaker", "auto", "--voice", voice, "--broker", f"127.0.0.1:{broker.port}"],
                            cwd=ROOT, stdout=open(out, "wb"), stderr=subprocess.STDOUT,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                 "HALL_MQTT_PASSWORD": broker.passwords["pad-w1"]})
    try:
        def speech():
            health = seen.get("health")
            part = next((p for p in health.parts if p.part == "speech"), None) if health else None
            return part and (part.state, part.action)

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (speech() != want or getattr(seen.get("presence"), "state", "") != "online"):
            time.sleep(0.1)
        assert speech() == want, (seen, out.read_text(errors="replace")[-2000:])
        assert seen["presence"].state == "online" and seen["health"].role == "ratingpad"
        if want[1] == "technician":
            part = next(p for p in seen["health"].parts if p.part == "speech")
            assert voice in part.message
        assert proc.poll() is None and "Traceback" not in out.read_text(errors="replace")
    finally:
        proc.kill()
        proc.wait(10)
