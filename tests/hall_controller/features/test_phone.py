"""Remote tickets for phones, over the real broker and the reference platform (a real process):
an SMS code confirms the phone, the hall file's quotas hold (per service, per phone, one open
ticket per phone), a remote ticket joins the calling order only at its check-in (a kiosk that
scanned its page token, or a clerk), a reminder goes out once when the people ahead fall to the
citizen's number, and the phone's rating reaches the platform through the outbox."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from config.schema import RemoteConfig
from hall_apps.caller_model import CallerClient
from hall_protocol import contract
from hall_protocol.phone import QueueProgress
from reference_backend.process import ServerProcess
from tests.support.backend import backend_hall, start_controller
from tests.support.fixtures import new_request_id

HALL = "demo-hall"
P1, P2, P3 = "13900000001", "13900000002", "13900000003"   # synthetic numbers


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with ServerProcess(state_dir=tmp_path_factory.mktemp("platform"), extra_args=("--sms-resend-s", "0")) as srv:
        yield srv


@pytest.fixture
def hall(suite_config, broker, platform):
    h = suite_config.halls[0]
    remote = RemoteConfig(quota={"A": 5, "B": 1}, per_phone_daily=2, check_in="required")
    config = suite_config.model_copy(update={"halls": [h.model_copy(update={"remote": remote})]})
    controller = start_controller(backend_hall(config, platform), broker)
    yield controller
    controller.stop()


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Phone:
    """The web service's side: PhoneRequests under its own identity."""

    def __init__(self, ep) -> None:
        self.ep = ep

    def ask(self, op: str, **kw) -> dict:
        return self.ep.request(contract.PHONE_REQUEST.format(hall=HALL, client="web-01"), {"op": op, **kw})

    def take(self, platform: ServerProcess, phone: str, service: str, code: str | None = None) -> dict:
        sent = self.ask("send_code", phone=phone, request_id=new_request_id())
        assert sent["status"] == "ok", sent
        return self.ask("take", verification=sent["data"]["verification"], code=code or platform.sms_code(phone),
                        service=service, request_id=new_request_id())


def test_a_remote_ticket_from_its_sms_code_to_its_rating(hall, device, platform):
    web, kiosk, caller = Phone(device("web-01")), device("kiosk-01"), device("caller-w1")
    progress, seen = [], threading.Condition()

    def on_progress(msg):
        with seen:
            progress.append(QueueProgress.model_validate_json(msg.payload))
            seen.notify_all()
    web.ep.subscribe(contract.TICKETS_STATE.format(hall=HALL), on_progress)

    def kiosk_ticket(service: str) -> str:
        r = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                          {"service": service, "request_id": new_request_id()})
        return r["data"]["number"]

    # the code: sent through the platform, a wrong one refused, the right one takes the ticket
    sent = web.ask("send_code", phone=P1, request_id=new_request_id())
    assert sent["status"] == "ok" and sent["data"]["phone_masked"] == "139****0001"
    wrong = f"{(int(platform.sms_code(P1)) + 1) % 10**6:06d}"
    bad = web.ask("take", verification=sent["data"]["verification"], code=wrong, service="A",
                  request_id=new_request_id())
    assert (bad["status"], bad["code"]) == ("error", "code_wrong")
    k1, k2 = kiosk_ticket("A"), kiosk_ticket("A")
    took = web.ask("take", verification=sent["data"]["verification"], code=platform.sms_code(P1), service="A",
                   request_id=new_request_id())
    assert took["status"] == "ok", took
    mine = took["data"]
    assert (mine["state"], mine["remote"], mine["check_in_required"], mine["phone_masked"]) == (
        "arriving", True, True, "139****0001")
    assert len(mine["token"]) >= 22 and mine["number"] == "A003" and mine["people_ahead"] == 2
    # not in the calling order before its check-in: a kiosk ticket after it has nobody ahead of the phone's
    k3 = kiosk_ticket("A")
    assert hall.ticket_info(hall.queues[HALL], hall.queues[HALL].ticket(k3)).people_ahead == 2

    # the hall file's rules: one open remote ticket per phone, the service's daily quota
    again = web.take(platform, P1, "B")
    assert (again["status"], again["code"]) == ("error", "open_ticket") and "A003" in again["error"]
    b = web.take(platform, P2, "B")
    assert b["status"] == "ok" and b["data"]["number"] == "B001"
    full = web.take(platform, P3, "B")
    assert (full["status"], full["code"]) == ("error", "quota_reached")
    # forged or malformed: clear answers, nothing changes
    forged = web.ask("follow", token="A" * 22)
    assert (forged["status"], forged["code"]) == ("error", "not_found")
    malformed = web.ask("send_code", phone="12345", request_id=new_request_id())
    assert malformed["code"] == "bad_request" and "phone" in malformed["error"]

    # check-in: a kiosk only by the token it scanned, a clerk by number
    checkin = contract.CHECKIN_REQUEST.format(hall=HALL, client="kiosk-01")
    by_number = kiosk.request(checkin, {"request_id": new_request_id(), "number": "A003"})
    assert (by_number["status"], by_number["code"]) == ("error", "forbidden")
    scanned = kiosk.request(checkin, {"request_id": new_request_id(), "token": mine["token"]})
    assert scanned["status"] == "ok" and scanned["data"]["state"] == "waiting"
    assert scanned["data"]["people_ahead"] == 3          # behind k1, k2 and k3: it joined at check-in
    clerk = CallerClient(caller, HALL, 1).check_in("b001")   # the window caller's check_in (window-caller CLI)
    assert clerk["state"] == "waiting" and clerk["number"] == "B001"

    # remind me when 2 people are ahead: once, by SMS and on the progress the pages read
    remind = web.ask("remind", token=mine["token"], reminders=[2])
    assert remind["status"] == "ok" and remind["data"]["reminders"] == [2]
    window = contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1")

    def call_next() -> str:
        r = caller.request(window, {"window": 1, "action": "call_next", "request_id": new_request_id()})
        assert r["status"] == "ok", r
        caller.request(window, {"window": 1, "action": "finish", "request_id": new_request_id()})
        return r["data"]["ticket"]["number"]

    called = [call_next()]
    assert called == [k1]
    reminders = wait_for(lambda: [s for s in platform.sms() if s["template"] == "queue_reminder"], what="SMS")
    assert [(s["phone"], s["text"]) for s in reminders] == [
        (P1, "【示范区政务服务中心】您的A003号前面还有2人，请留意叫号，及时到窗口办理。")]
    with seen:
        assert seen.wait_for(lambda: progress and any(t.number == "A003" and t.reminded == [2] and t.ahead == 2
                                                      for t in progress[-1].tickets), 10)
    while "A003" not in called:
        called.append(call_next())
    time.sleep(0.5)  # the ahead count fell further: still one reminder
    assert len([s for s in platform.sms() if s["template"] == "queue_reminder"]) == 1
    with seen:
        assert seen.wait_for(lambda: any(t.number == "A003" and t.state == "done" and t.window == 1
                                         for t in progress[-1].tickets), 10)

    # the rating, once, tied to ticket and window, through the outbox to the platform
    view = web.ask("follow", token=mine["token"])["data"]
    assert (view["state"], view["can_rate"], view["window"]) == ("done", True, 1)
    rid = new_request_id()
    rated = web.ask("rate", token=mine["token"], score=5, reason_codes=["efficient"], request_id=rid)
    assert rated["status"] == "ok" and rated["data"] == {"number": "A003", "score": 5, "duplicate": False}
    assert web.ask("rate", token=mine["token"], score=5, reason_codes=["efficient"], request_id=rid)["data"][
        "duplicate"]
    other = web.ask("rate", token=mine["token"], score=1, request_id=new_request_id())
    assert other["code"] == "already_rated"
    assert web.ask("follow", token=mine["token"])["data"]["can_rate"] is False
    got = wait_for(lambda: [r for r in platform.received()["ratings"] if r["ticket_no"] == "A003"], what="rating")
    assert (got[0]["hall_id"], got[0]["window_id"], got[0]["score"]) == (HALL, "1", 5)
    # the hall kept the platform's pseudonym of each phone and the masked number, never the number
    url = hall.config.database.url
    if url.startswith("sqlite:///"):
        stored = b"".join(p.read_bytes() for p in Path(url[len("sqlite:///"):]).parent.glob("hall.db*"))
        assert b"139****0001" in stored and not any(p.encode() in stored for p in (P1, P2, P3))


def test_only_the_web_service_asks_for_phones_and_kiosks_check_in_only_scanned_tokens(hall, device, broker):
    kiosk = device("kiosk-01")
    # a kiosk has no right to the phone topic at all: the broker drops it, no answer comes
    with pytest.raises(Exception, match="no answer"):
        kiosk.request(contract.PHONE_REQUEST.format(hall=HALL, client="kiosk-01"),
                      {"op": "follow", "token": "A" * 22}, timeout=1.5)
    # a caller checking in a ticket that is not a remote one changes nothing
    caller = device("caller-w1")
    r = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                      {"service": "A", "request_id": new_request_id()})
    number = r["data"]["number"]
    again = caller.request(contract.CHECKIN_REQUEST.format(hall=HALL, client="caller-w1"),
                           {"request_id": new_request_id(), "number": number})
    assert again["status"] == "ok" and again["data"]["state"] == "waiting"
    assert [t.number for t in hall.queues[HALL].waiting()] == [number]


def test_a_remote_ticket_and_its_phone_survive_a_restart_of_the_controller(hall, broker, device, platform):
    web = Phone(device("web-01"))
    took = web.take(platform, "13900000009", "A")
    assert took["status"] == "ok", took
    token = took["data"]["token"]
    assert web.ask("remind", token=token, reminders=[4, 2])["status"] == "ok"
    hall.stop()
    again = start_controller(hall.config, broker)     # the same database, a new process's memory
    try:
        view = web.ask("follow", token=token)
        assert view["status"] == "ok", view
        v = view["data"]
        assert (v["number"], v["remote"], v["phone_masked"], v["reminders"], v["state"]) == (
            took["data"]["number"], True, "139****0009", [4, 2], "arriving")
        # the quota counts it: one remote ticket per phone, still
        second = web.take(platform, "13900000009", "B")
        assert second["code"] == "open_ticket"
    finally:
        again.stop()
