"""The reference server over real HTTP: signatures, replay, idempotency, rules, faults."""
from __future__ import annotations

import time

import pytest
import requests

from hall_controller.backend.signing import HmacAuth
from reference_backend.process import ServerProcess

RATING = {"ticket_no": "A003", "hall_id": "hall-1", "window_id": "w3", "clerk_id": "c9",
          "matter_id": "A001", "score": 4, "rated_at": "2026-01-05T09:30:00+08:00"}


def test_unsigned_and_badly_signed_requests_are_refused(server: ServerProcess, signed) -> None:
    r = requests.get(server.url + "/api/v1/matters", timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "missing_signature"
    with requests.Session() as s:
        s.auth = HmacAuth(server.app_key, "wrong-secret", time.time)
        r = s.get(server.url + "/api/v1/matters", timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"


def test_tampered_body_is_refused(server: ServerProcess, signed) -> None:
    req = signed.prepare_request(requests.Request(
        "POST", server.url + "/api/v1/ratings", json=RATING, headers={"Idempotency-Key": "k" * 10}))
    req.body = req.body.replace(b'"score": 4', b'"score": 5')
    r = signed.send(req, timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"


def test_stale_timestamp_answer_carries_the_server_time(server: ServerProcess) -> None:
    with requests.Session() as s:
        s.auth = HmacAuth(server.app_key, server.app_secret, lambda: time.time() - 3600)
        r = s.get(server.url + "/api/v1/matters", timeout=5)
    body = r.json()
    assert r.status_code == 401 and body["code"] == "stale_timestamp"
    assert abs(body["server_time"] - time.time()) < 60
    assert "date" in {k.lower() for k in r.headers}


def test_replayed_nonce_is_refused(server: ServerProcess, signed) -> None:
    prepared = signed.prepare_request(requests.Request("GET", server.url + "/api/v1/matters"))
    assert signed.send(prepared, timeout=5).status_code == 200
    r = signed.send(prepared, timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "replayed_nonce"


def test_idempotent_write_replays_its_first_answer(server: ServerProcess, signed) -> None:
    url, key = server.url + "/api/v1/ratings", {"Idempotency-Key": "rating-idem-0001"}
    first = signed.post(url, json=RATING, headers=key, timeout=5)
    again = signed.post(url, json=RATING, headers=key, timeout=5)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    keys = [r["idem_key"] for r in server.received()["ratings"]]
    assert keys.count("rating-idem-0001") == 1
    other = signed.post(url, json={**RATING, "score": 1}, headers=key, timeout=5)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def test_second_print_needs_a_reprint_reason(server: ServerProcess, signed) -> None:
    citizen = server.citizens()[0]
    lid = citizen["licences"][0]
    url = f"{server.url}/api/v1/licences/{lid}/prints"
    first = signed.post(url, json={"kiosk_id": "k1"}, headers={"Idempotency-Key": "print-1-aaaa"})
    assert first.status_code == 200 and first.json()["sequence"] == 1
    second = signed.post(url, json={"kiosk_id": "k1"}, headers={"Idempotency-Key": "print-2-aaaa"})
    assert second.status_code == 409 and second.json()["code"] == "already_printed"
    third = signed.post(url, json={"kiosk_id": "k2", "reprint_reason": "卡纸重打"},
                        headers={"Idempotency-Key": "print-3-aaaa"})
    assert third.status_code == 200 and third.json()["sequence"] == 2


def test_licence_pdf_is_a_real_a4_pdf(server: ServerProcess, signed) -> None:
    lid = server.citizens()[1]["licences"][0]
    r = signed.get(f"{server.url}/api/v1/licences/{lid}/pdf", timeout=10)
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-") and b"%%EOF" in r.content[-64:]
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in r.content  # A4 in points


@pytest.mark.parametrize("faults, check", [
    ({"error_rate": 1.0}, lambda r: r.status_code == 503),
    ({"malformed": "html"}, lambda r: r.headers["content-type"].startswith("text/html")),
    ({"malformed": "wrong_types"}, lambda r: r.json()["items"] == "oops"),
    ({"malformed": "missing_fields"}, lambda r: "items" not in r.json()),
])
def test_faults_switch_at_run_time(server: ServerProcess, signed, faults, check) -> None:
    server.set_faults(**faults, paths="/matters$")
    try:
        assert check(signed.get(server.url + "/api/v1/matters", timeout=5))
        assert signed.get(server.url + "/api/v1/health", timeout=5).status_code == 200
    finally:
        server.clear_faults()
    assert signed.get(server.url + "/api/v1/matters", timeout=5).status_code == 200


def test_dropped_connection_and_remaining_count(server: ServerProcess, signed) -> None:
    server.set_faults(drop_rate=1.0, remaining=1)
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        signed.get(server.url + "/api/v1/matters", timeout=5)
    assert signed.get(server.url + "/api/v1/matters", timeout=5).status_code == 200


def test_admin_needs_its_token(server: ServerProcess) -> None:
    r = requests.get(server.url + "/_admin/received", timeout=5)
    assert r.status_code == 403


def test_faults_from_the_command_line(tmp_path) -> None:
    with ServerProcess(state_dir=tmp_path, extra_args=("--fault-error-rate", "1",
                                                       "--fault-error-status", "502")) as srv:
        with requests.Session() as s:
            s.auth = HmacAuth(srv.app_key, srv.app_secret, time.time)
            assert s.get(srv.url + "/api/v1/matters", timeout=5).status_code == 502
        assert srv.admin("GET", "faults")["error_rate"] == 1.0
