"""TicketClient (kiosk_app/clients/ticketing.py) against a private Mosquitto and a real hall
controller on a SQLite file: one request id per citizen action, a refusal with the
controller's code, no controller at all. Nothing of ours is mocked."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from hall_controller.service import HallController
from hall_controller.store import db
from hall_controller.store.db import make_engine
from hall_protocol.errors import MqttError
from kiosk_app.clients.ticketing import TicketClient, TicketRefused, TicketUnavailable
from kiosk_app.errors import KioskError

HALL = "demo-hall"


def issued(controller, service: str) -> int:
    with controller.queues[HALL].engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(db.tickets).where(
            db.tickets.c.hall == HALL, db.tickets.c.service == service)).scalar_one()


def test_a_ticket_with_what_the_screen_shows(controller, device):
    info = TicketClient(device("kiosk-01"), HALL).request("B", lang="en")
    assert info.number == "B001" and info.service == "B" and info.people_ahead == 0
    token = controller.queues[HALL].ticket("B001").token   # its phone page, by token (128 bits), not number
    assert info.priority == "normal" and info.qr_url.endswith(f"/t/{HALL}/{token}") and len(token) >= 22


def test_a_retry_after_a_lost_answer_gets_the_same_ticket(controller, device, database_url, caplog):
    """The controller's database is locked for longer than the kiosk waits (but not for longer
    than the controller waits for it): the first request's answer comes too late, the kiosk
    asks again with the same request id and gets the ticket the first request made, not a
    second one."""
    caplog.set_level(logging.INFO)
    client = TicketClient(device("kiosk-01"), HALL, timeout=3.0, attempts=2)
    lock = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(4.0, lock.rollback)   # within the controller's busy timeout (5 s)
    release.start()
    try:
        started = time.monotonic()
        info = client.request("A")
        took = time.monotonic() - started
    finally:
        release.join()
        lock.close()
    assert took >= 3.0            # the first attempt got no answer in time
    assert info.number == "A001" and issued(controller, "A") == 1
    # the first request did issue it (the database was back in time): nothing was refused
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_each_citizen_action_is_a_new_ticket(controller, device):
    client = TicketClient(device("kiosk-01"), HALL)
    assert [client.request("C").number for _ in range(3)] == ["C001", "C002", "C003"]


@pytest.fixture
def limited_controller(suite_config, broker):
    """The example hall with service D limited to one ticket a day."""
    hall = suite_config.hall(HALL)
    services = [s.model_copy(update={"daily_limit": 1}) if s.code == "D" else s for s in hall.services]
    config = suite_config.model_copy(update={"halls": [
        h.model_copy(update={"services": services}) if h.id == HALL else h for h in suite_config.halls]})
    engine = make_engine(config.database.url)
    c = HallController(config, engine, password=broker.passwords[config.controller_id])
    c.start()
    yield c
    c.stop()
    engine.dispose()


def test_a_refusal_carries_the_controllers_code(limited_controller, device):
    client = TicketClient(device("kiosk-01"), HALL)
    assert client.request("D").number == "D001"
    with pytest.raises(TicketRefused) as refused:
        client.request("D")
    assert refused.value.code == "limit_reached" and "D" in str(refused.value)
    with pytest.raises(TicketRefused) as unknown:
        client.request("Z")                     # the hall has no service Z
    assert unknown.value.code == "bad_request" and "Z" in str(unknown.value)
    assert isinstance(unknown.value, KioskError)


def test_no_controller_is_unavailable_after_every_attempt(device):
    client = TicketClient(device("kiosk-01"), HALL, timeout=0.5, attempts=2)
    started = time.monotonic()
    with pytest.raises(TicketUnavailable) as unavailable:
        client.request("A")
    assert time.monotonic() - started >= 1.0        # both attempts waited
    assert isinstance(unavailable.value, KioskError) and unavailable.value.code is None
    assert isinstance(unavailable.value.__cause__, MqttError)
