"""BackendClient against the RUNNING reference server: every method, errors, skew, retries."""
from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest
import requests

from hall_controller.backend import (BackendContractError, BackendError, BackendNotFound, BackendRefused,
                                     BackendUnavailable, new_idempotency_key)
from hall_controller.backend.client import BackendClient
from reference_backend.process import ServerProcess
from tests.support.platform import make_client

RATING = {"ticket_no": "B012", "hall_id": "hall-1", "window_id": "w7", "clerk_id": "c2",
          "matter_id": "B001", "score": 5, "reason_codes": ["fast"], "comment": "办理很快",
          "rated_at": "2026-01-05T09:30:00+08:00"}


def test_catalogue_and_guides(client: BackendClient) -> None:
    matters = client.list_matters()
    assert {x.service_code for x in matters} == {"A", "B", "C", "D"}
    guide = client.guide(matters[0].matter_id)
    assert guide.documents and guide.window_area and guide.fee.description
    with pytest.raises(BackendNotFound) as err:
        client.guide("NO-SUCH/../matter")
    assert err.value.status == 404 and isinstance(err.value, BackendRefused)


def test_appointments_and_check_in(client: BackendClient, server: ServerProcess) -> None:
    citizen = next(c for c in server.citizens() if c["appointments"])
    appts = client.appointments_by_id(citizen["id_number"])
    assert {a.code for a in appts} == set(citizen["appointments"])
    booked = next(a for a in appts if a.status.value == "booked")
    assert client.appointment_by_code(booked.code).code == booked.code
    key = new_idempotency_key()
    first = client.check_in(booked.code, key)
    assert first.appointment.status.value == "checked_in"
    assert client.check_in(booked.code, key) == first  # same key: the first answer again
    with pytest.raises(BackendRefused) as err:
        client.check_in(booked.code, new_idempotency_key())
    assert err.value.code == "appointment_checked_in"
    with pytest.raises(BackendNotFound):
        client.appointment_by_code("00000000x")


def test_progress_and_licences(client: BackendClient, server: ServerProcess) -> None:
    citizen = server.citizens()[2]
    apps = client.progress(citizen["id_number"])
    assert apps and all(a.steps for a in apps)
    lics = client.licences(citizen["id_number"])
    assert [x.licence_id for x in lics] == citizen["licences"]
    assert client.licences("110105194912310021") == []  # valid format, unknown citizen


def test_licence_pdf_and_print_records(client: BackendClient, server: ServerProcess) -> None:
    lic = next(x for c in server.citizens() for x in client.licences(c["id_number"])
               if x.printable and x.print_count == 0)
    pdf = client.licence_pdf(lic.licence_id)
    assert pdf.startswith(b"%PDF-")
    key = new_idempotency_key()
    rec = client.record_print(lic.licence_id, "kiosk-01", key)
    assert rec.sequence == 1 and client.record_print(lic.licence_id, "kiosk-01", key) == rec
    with pytest.raises(BackendRefused) as err:
        client.record_print(lic.licence_id, "kiosk-01", new_idempotency_key())
    assert err.value.code == "already_printed"
    again = client.record_print(lic.licence_id, "kiosk-01", new_idempotency_key(), "打印卡纸")
    assert again.sequence == 2 and again.reprint_reason == "打印卡纸"


def test_rating_and_ticket_events(client: BackendClient, server: ServerProcess) -> None:
    key = new_idempotency_key()
    ack = client.submit_rating(RATING, key)
    assert client.submit_rating(RATING, key) == ack
    assert [r["idem_key"] for r in server.received()["ratings"]].count(key) == 1
    events = [{"event_id": f"ev-{key}-{i}", "hall_id": "hall-1", "ticket_no": "A001",
               "kind": k, "at": "2026-01-05T09:00:00+08:00"} for i, k in
              enumerate(["issued", "called", "finished"])]
    assert client.send_ticket_events(events, new_idempotency_key()).accepted == 3
    dup = client.send_ticket_events(events, new_idempotency_key())
    assert (dup.accepted, dup.duplicates) == (0, 3)
    with pytest.raises(BackendRefused):
        client.submit_rating({**RATING, "score": 9}, new_idempotency_key())


def test_clock_skew_is_learned_and_the_call_retried(server: ServerProcess, clock) -> None:
    clock.set(clock.now() - timedelta(hours=2))
    with make_client(server, clock) as c:
        assert c.list_matters()
        assert 7190 < c.clock_offset_s < 7210
        assert c.health().status == "ok"


def test_safe_calls_are_retried_through_5xx(client: BackendClient, server: ServerProcess) -> None:
    server.set_faults(error_rate=1.0, remaining=2)
    assert client.list_matters()
    server.set_faults(error_rate=1.0, remaining=5)
    with pytest.raises(BackendUnavailable) as err:
        client.list_matters()
    assert err.value.status == 503


def test_a_lost_answer_is_retried_with_the_same_key(client: BackendClient, server: ServerProcess) -> None:
    key = new_idempotency_key()
    server.set_faults(error_rate=1.0, error_after=True, remaining=1, paths="/ratings$")
    client.submit_rating(RATING, key)
    assert [r["idem_key"] for r in server.received()["ratings"]].count(key) == 1


@pytest.mark.parametrize("mode", ["wrong_types", "missing_fields", "html"])
def test_malformed_answers_are_contract_errors(client, server: ServerProcess, mode: str) -> None:
    server.set_faults(malformed=mode)
    for call in (client.list_matters, lambda: client.guide("A001"), client.health,
                 lambda: client.progress(server.citizens()[0]["id_number"])):
        with pytest.raises(BackendContractError):
            call()


def test_truncated_pdf_is_a_contract_error(client: BackendClient, server: ServerProcess) -> None:
    lid = server.citizens()[0]["licences"][0]
    server.set_faults(malformed="truncated_pdf")
    with pytest.raises(BackendContractError):
        client.licence_pdf(lid)


def test_dropped_connections_and_timeouts_are_unavailable(server: ServerProcess, clock) -> None:
    server.set_faults(drop_rate=1.0)
    with make_client(server, clock, retries=1) as c, pytest.raises(BackendUnavailable) as err:
        c.list_matters()
    assert isinstance(err.value.__cause__, requests.RequestException)
    server.set_faults(delay_s=1.0)
    with make_client(server, clock, retries=0, timeout=0.3) as c, \
            pytest.raises(BackendUnavailable) as err:
        c.list_matters()
    assert isinstance(err.value.__cause__, requests.Timeout)
    server.clear_faults()


def test_no_server_at_all(clock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with BackendClient(f"http://127.0.0.1:{port}", "k", "s", clock=clock, retries=1) as c:
        with pytest.raises(BackendError) as err:
            c.list_matters()
    assert isinstance(err.value, BackendUnavailable)
    assert isinstance(err.value.__cause__, requests.ConnectionError)


def test_wrong_credentials_are_refused(server: ServerProcess, clock) -> None:
    with BackendClient(server.url, server.app_key, "not-the-secret", clock=clock) as c:
        with pytest.raises(BackendRefused) as err:
            c.list_matters()
    assert (err.value.status, err.value.code) == (401, "bad_signature")


def test_id_numbers_never_reach_the_log(client, server: ServerProcess, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    idn = server.citizens()[0]["id_number"]
    client.appointments_by_id(idn)
    client.progress(idn)
    client.licences(idn)
    server.set_faults(malformed="wrong_types")
    with pytest.raises(BackendContractError) as err:
        client.licences(idn)
    assert idn not in caplog.text and idn not in str(err.value)


def test_a_typed_id_number_never_reaches_a_url_nor_a_message_unmasked(client: BackendClient, caplog) -> None:
    """A citizen types an ID number (or a phone number) where an appointment code belongs, a hostile
    kiosk sends one as a licence or matter id: the appointment code travels in the body (no URL
    holds it, urllib3's debug log included), the ids left in paths are masked in every error
    message and in the client's own log."""
    from tests.support.personal import personal_numbers
    numbers = personal_numbers(11)
    caplog.set_level(logging.DEBUG)
    errors = []
    for number in numbers.values():
        for call in (client.appointment_by_code, lambda n: client.check_in(n, new_idempotency_key()),
                     client.licence_pdf, client.guide, lambda n: client.record_print(n, "kiosk-01",
                                                                                    new_idempotency_key())):
            with pytest.raises(BackendError) as err:
                call(number)
            errors.append(str(err.value))
    assert len(errors) == 5 * len(numbers) and all("HTTP 404" in e for e in errors)
    leaks = [(n, e) for n in numbers.values() for e in errors if n in e]
    assert leaks == []
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("hall_controller"))
    assert "/api/v1/licences/" in ours and not [n for n in numbers.values() if n in ours]
    urls = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("urllib3"))
    assert "/api/v1/appointments/query" in urls and "/api/v1/appointments/check-in" in urls
    for number in numbers.values():  # urllib3 logs paths as sent: only the platform's ids are in them
        assert f"appointments/{number}" not in urls
