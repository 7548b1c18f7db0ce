"""KioskBackend (kiosk_app/clients/backend.py) on a private Mosquitto and a real controller on a
SQLite file: an answer lost to a slow database is asked for again with the same request id,
and the rating is stored once."""
from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import select

from hall_protocol import contract
from kiosk_app.clients.backend import KioskBackend
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def test_a_rating_whose_answer_was_lost_is_asked_again_and_stored_once(controller, device, database_url):
    kiosk = device("kiosk-01")
    assert kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                         {"service": "A", "request_id": new_request_id()})["status"] == "ok"
    caller = device("caller-w1")
    for action in ("call_next", "finish"):
        assert caller.request(contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1"),
                              {"window": 1, "action": action, "request_id": new_request_id()})["status"] == "ok"
    backend = KioskBackend(kiosk, HALL, timeout=3.0, attempts=2)
    lock = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")   # the controller waits for it (5 s), the kiosk does not (3 s)
    release = threading.Timer(4.0, lock.rollback)
    release.start()
    try:
        started = time.monotonic()
        answer = backend.rate("A001", 4, reason_codes=["fast"])
        took = time.monotonic() - started
    finally:
        release.join()
        lock.close()
    assert took >= 3.0, "the first attempt was answered: the test proves nothing"
    assert answer.ticket == "A001" and answer.score == 4
    outbox = controller.backend.outbox
    with outbox.engine.connect() as c:
        rows = c.execute(select(outbox.items.c.payload).where(outbox.items.c.kind == "rating")).all()
    assert len(rows) == 1, rows


def test_a_request_the_contract_cannot_carry_is_refused_not_stuck(controller, device, caplog):
    """A number no card has (here: 16 digits) is refused at once with bad_request and a message
    that names the field, never the number: the kiosk can tell the citizen instead of waiting."""
    import pytest

    from kiosk_app.clients.backend import Refused

    backend = KioskBackend(device("kiosk-01"), HALL, timeout=3.0, attempts=1)

    class Holder:
        id_number = "1101011990030712"

    with pytest.raises(Refused) as caught:
        backend.progress(Holder())
    assert caught.value.code == "bad_request" and "id_number" in str(caught.value)
    assert Holder.id_number not in str(caught.value) and Holder.id_number not in caplog.text
