"""Backend functions for kiosks over MQTT: a real broker with ACLs, the real hall controller,
the reference server as a process, and the kiosk's client (kiosk_app.clients.backend)."""
from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass

import pytest

from hall_protocol import contract
from kiosk_app.clients.backend import BackendBroken, BackendUnavailable, KioskBackend, NotFound, Refused
from kiosk_app.clients.ticketing import TicketClient
from reference_backend.process import ServerProcess
from tests.support.platform import make_client
from tests.support.fixtures import new_request_id


@pytest.fixture
def database_url(tmp_path):  # platform-link tests: the controller on SQLite only
    return f"sqlite:///{tmp_path}/hall.db"

HALL = "demo-hall"


@dataclass
class Citizen:  # what the identity flow hands over: anything with .id_number
    id_number: str


@pytest.fixture()
def kiosk(hall, device) -> KioskBackend:
    return KioskBackend(device("kiosk-01"), HALL, timeout=20)


def window(device, n: int):
    ep = device(f"caller-w{n}")
    return lambda action, **kw: ep.request(contract.WINDOW_REQUEST.format(hall=HALL, client=ep.client_id),
                                           {"window": n, "action": action, "request_id": new_request_id(), **kw})


def test_catalogue_and_guide_need_no_id(kiosk: KioskBackend) -> None:
    matters = kiosk.matters()
    assert {m.service_code for m in matters} == {"A", "B", "C", "D"}
    guide = kiosk.guide(matters[0].matter_id)
    assert guide.matter_id == matters[0].matter_id and guide.documents and guide.window_area
    with pytest.raises(NotFound) as err:
        kiosk.guide("NO-SUCH")
    assert err.value.code == "not_found"


def test_check_in_issues_an_appointment_ticket_once(kiosk: KioskBackend, server: ServerProcess, hall) -> None:
    citizen = next(c for c in server.citizens() if c["appointments"])
    appts = kiosk.appointments(Citizen(citizen["id_number"]))
    booked = next(a for a in appts if a.status.value == "booked" and a.service_code in "ABCD")
    assert kiosk.appointment(booked.code).code == booked.code
    rid = uuid.uuid4().hex
    appt, ticket = kiosk.check_in(booked.code, request_id=rid)
    assert appt.status.value == "checked_in" and ticket.priority == "appointment"
    assert ticket.service == booked.service_code
    again_appt, again = kiosk.check_in(booked.code, request_id=rid)  # a retry after a lost answer
    assert again.number == ticket.number and again_appt.code == appt.code
    with pytest.raises(Refused) as err:
        kiosk.check_in(booked.code)  # a second check-in, not a retry
    assert err.value.code == "appointment_checked_in"
    assert [c["code"] for c in server.received()["checkins"]].count(booked.code) == 1
    assert hall.queues[HALL].ticket(ticket.number).priority == "appointment"


def test_progress_licences_and_a_chunked_pdf_arrive_intact(kiosk, server: ServerProcess, hall, clock) -> None:
    citizen = Citizen(server.citizens()[2]["id_number"])
    assert kiosk.progress(citizen) and all(a.steps for a in kiosk.progress(citizen))
    lic = next(x for x in kiosk.licences(citizen) if x.printable)
    with make_client(server, clock) as direct:
        expected = direct.licence_pdf(lic.licence_id)
    hall.backend.gateway.chunk_size = 7000  # several chunks
    assert len(expected) > 3 * 7000
    assert kiosk.licence_pdf(lic.licence_id) == expected
    rid = uuid.uuid4().hex
    first = kiosk.record_print(lic.licence_id, request_id=rid)
    assert first.kiosk_id == "kiosk-01"  # the controller says who prints, not the kiosk
    assert kiosk.record_print(lic.licence_id, request_id=rid) == first  # retry: same record
    with pytest.raises(Refused) as err:
        kiosk.record_print(lic.licence_id, request_id=uuid.uuid4().hex)
    assert err.value.code == "already_printed"
    assert kiosk.record_print(lic.licence_id, request_id=uuid.uuid4().hex, reprint_reason="卡纸").sequence \
        == first.sequence + 1


@pytest.mark.parametrize("mode", ["wrong_types", "missing_fields", "html"])
def test_malformed_platform_answers_are_backend_contract(kiosk, server: ServerProcess, mode) -> None:
    citizen = Citizen(server.citizens()[0]["id_number"])
    server.set_faults(malformed=mode)
    for call in (kiosk.matters, lambda: kiosk.guide("A001"), lambda: kiosk.licences(citizen)):
        with pytest.raises(BackendBroken) as err:
            call()
        assert err.value.code == "backend_contract"
    server.clear_faults()
    assert kiosk.matters()  # the controller is unharmed


def test_truncated_pdf_never_reaches_the_kiosk(kiosk, server: ServerProcess) -> None:
    lid = server.citizens()[0]["licences"][0]
    server.set_faults(malformed="truncated_pdf")
    with pytest.raises(BackendBroken):
        kiosk.licence_pdf(lid)
    server.clear_faults()
    assert kiosk.licence_pdf(lid).startswith(b"%PDF-")


def test_platform_down_is_backend_unavailable_and_tickets_still_work(kiosk, server) -> None:
    server.set_faults(error_rate=1.0, error_status=503)
    with pytest.raises(BackendUnavailable) as err:
        kiosk.matters()
    assert err.value.code == "backend_unavailable"
    server.set_faults(drop_rate=1.0)
    with pytest.raises(BackendUnavailable):
        kiosk.appointment("whatever1")
    ticket = TicketClient(kiosk.endpoint, HALL).request("A")
    assert ticket.number.startswith("A")


def test_a_slow_platform_does_not_block_ticketing(kiosk, server: ServerProcess) -> None:
    server.set_faults(delay_s=2.0, paths="/matters$")
    order: list[str] = []
    slow_done = threading.Event()

    def slow() -> None:
        kiosk.matters()
        order.append("matters")
        slow_done.set()

    threading.Thread(target=slow, daemon=True).start()
    tickets = TicketClient(kiosk.endpoint, HALL, timeout=10)
    # a ticket requested while the platform is still thinking is answered first
    for _ in range(3):
        tickets.request("B")
        order.append("ticket")
    assert slow_done.wait(30)
    assert order[0] == "ticket" and order[-1] == "matters"


def test_id_numbers_reach_the_log_only_masked(kiosk, server: ServerProcess, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    idn = server.citizens()[1]["id_number"]
    kiosk.licences(Citizen(idn))
    server.set_faults(error_rate=1.0)
    with pytest.raises(BackendUnavailable):
        kiosk.progress(Citizen(idn))
    assert idn not in caplog.text
    assert f"{idn[:6]}********{idn[-4:]}" in caplog.text  # the one masking rule: first 6, last 4


def test_bad_requests_get_clear_errors(hall, device) -> None:
    ep = device("kiosk-01")
    topic = contract.BACKEND_REQUEST.format(hall=HALL, client="kiosk-01")
    r = ep.request(topic, {"op": "guide"})
    assert r["status"] == "error" and r["code"] == "bad_request" and "matter_id" in r["error"]
    r = ep.request(topic, {"op": "licences", "id_number": "12345"})
    assert r["code"] == "bad_request" and "id_number" in r["error"]
    r = ep.request(topic, {"op": "explode"})
    assert r["code"] == "bad_request"


def test_ratings_are_validated_stored_once_and_delivered(kiosk, hall, device, server: ServerProcess) -> None:
    tickets = TicketClient(kiosk.endpoint, HALL)
    waiting = tickets.request("A")
    served = tickets.request("A")
    with pytest.raises(NotFound):
        kiosk.rate("Z999", 5)
    with pytest.raises(Refused) as err:
        kiosk.rate(waiting.number, 5)
    assert err.value.code == "not_served"
    call = window(device, 1)
    assert call("call", ticket=served.number)["status"] == "ok"
    assert call("finish")["status"] == "ok"
    ans = kiosk.rate(served.number, 4, reason_codes=["fast"], comment="很好")
    assert ans.duplicate is False
    assert kiosk.rate(served.number, 4, reason_codes=["fast"], comment="很好").duplicate is True
    with pytest.raises(Refused) as err:
        kiosk.rate(served.number, 1)
    assert err.value.code == "already_rated"
    for _ in range(300):  # delivered by the outbox thread
        got = [r for r in server.received()["ratings"] if r["ticket_no"] == served.number]
        if got:
            break
        threading.Event().wait(0.1)
    assert len(got) == 1 and got[0]["score"] == 4 and got[0]["window_id"] == "1"


def test_a_retried_rating_is_a_duplicate_also_once_delivered_and_masked(kiosk, hall, device,
                                                                        server: ServerProcess) -> None:
    """The outbox masks a rating once the platform has it; the kiosk's retry of the same rating
    (its comment with a phone number as written) is still answered as a duplicate."""
    comment = "请回电 10012345678"
    served = TicketClient(kiosk.endpoint, HALL).request("A")
    call = window(device, 1)
    assert call("call", ticket=served.number)["status"] == "ok" and call("finish")["status"] == "ok"
    assert kiosk.rate(served.number, 2, comment=comment).duplicate is False
    for _ in range(300):
        if hall.backend.outbox.backlog()["count"] == 0:
            break
        threading.Event().wait(0.1)
    stored = hall.backend.outbox.get(next(iter(
        r["idem_key"] for r in server.received()["ratings"] if r["ticket_no"] == served.number)))
    assert stored["state"] == "delivered" and stored["payload"]["comment"] == "请回电 100****5678"
    assert kiosk.rate(served.number, 2, comment=comment).duplicate is True
    with pytest.raises(Refused):
        kiosk.rate(served.number, 2, comment="请回电 10012345679")  # another rating: refused


def test_health_is_retained_with_backlog_and_backend_state(kiosk, device, server: ServerProcess) -> None:
    seen: list[dict] = []
    down, up, unavailable = threading.Event(), threading.Event(), threading.Event()

    def on_health(msg) -> None:
        h = contract.Health.model_validate(json.loads(msg.payload))
        seen.append(h.model_dump())
        if h.backend == "unavailable":
            unavailable.set()
            if h.outbox.count > 0:
                down.set()
        elif h.backend == "ok" and h.outbox.count == 0:
            up.set()

    screen = device("screen-main")
    screen.subscribe(contract.HEALTH.format(hall=HALL), on_health)
    assert up.wait(20)
    server.set_faults(error_rate=1.0, paths="/ticket-events$")
    TicketClient(kiosk.endpoint, HALL).request("C")
    assert down.wait(20)
    server.clear_faults()
    up.clear()
    assert up.wait(30)
    assert seen[-1]["outbox"]["dead"] == 0
    # a kiosk request finds the platform down; once it is back the health says so by itself
    server.set_faults(error_rate=1.0)
    with pytest.raises(BackendUnavailable):
        kiosk.matters()
    unavailable.clear()
    assert unavailable.wait(20)
    server.clear_faults()
    up.clear()
    assert up.wait(30)


def test_without_a_platform_every_op_is_unavailable(controller, device) -> None:
    kiosk = KioskBackend(device("kiosk-01"), HALL, timeout=10)
    with pytest.raises(BackendUnavailable):
        kiosk.matters()
