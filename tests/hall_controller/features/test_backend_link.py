"""The outage test: a scripted hall (a kiosk issuing tickets, callers calling and finishing,
ratings collected) runs while the reference backend, a real process, is STOPPED; the hall
controller is restarted during the outage; then the backend comes back. Every ticket event
and every rating arrives exactly once and in order, and the kiosk never stopped issuing."""
from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa

from hall_controller.store import db
from hall_protocol import contract
from kiosk_app.clients.backend import BackendUnavailable, KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from reference_backend.process import ServerProcess
from tests.support.platform import backend_hall, start_controller
from tests.support.fixtures import new_request_id


@pytest.fixture
def database_url(tmp_path):  # platform-link tests: the controller on SQLite only
    return f"sqlite:///{tmp_path}/hall.db"

HALL = "demo-hall"


def wait_for(cond, timeout: float = 90.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        threading.Event().wait(0.1)
    pytest.fail(f"timed out waiting for {what}")


class ScriptedHall:
    def __init__(self, device) -> None:
        self.kiosk_ep = device("kiosk-01")
        self.tickets = TicketClient(self.kiosk_ep, HALL, timeout=10)
        self.backend = KioskBackend(self.kiosk_ep, HALL, timeout=20)
        self.callers = {n: device(f"caller-w{n}") for n in (1, 2)}
        self.issued: list[str] = []
        self.rated: list[str] = []

    def window(self, n: int, action: str) -> dict:
        ep = self.callers[n]
        r = ep.request(contract.WINDOW_REQUEST.format(hall=HALL, client=ep.client_id),
                       {"window": n, "action": action, "request_id": new_request_id()}, timeout=10)
        assert r["status"] == "ok", r
        return r["data"]

    def round(self, services: str = "AAB") -> None:
        """Issue tickets, serve what the windows call, rate every finished ticket."""
        for s in services:
            self.issued.append(self.tickets.request(s).number)
        for n in (1, 2):
            called = self.window(n, "call_next")["ticket"]
            if called is None:
                continue
            self.window(n, "start")
            self.window(n, "finish")
            self.backend.rate(called["number"], 1 + len(self.rated) % 5, reason_codes=["r"])
            self.rated.append(called["number"])


def test_outage_loses_nothing_and_duplicates_nothing(suite_config, broker, device, tmp_path) -> None:
    server = ServerProcess(state_dir=tmp_path / "backend").start()
    config = backend_hall(suite_config, server)
    controller = start_controller(config, broker)
    try:
        hall = ScriptedHall(device)
        hall.round()
        wait_for(lambda: controller.backend.health(HALL).outbox.count == 0, what="first delivery")

        server.stop()  # the platform is gone
        for _ in range(3):
            hall.round()
        with pytest.raises(BackendUnavailable):
            hall.backend.matters()
        health = controller.backend.health(HALL)
        assert health.outbox.count > 0 and health.backend == "unavailable"

        controller.stop()  # the controller restarts during the outage
        controller = start_controller(config, broker)
        for _ in range(2):
            hall.round("BA")
        backlog = wait_for(lambda: controller.backend.health(HALL).outbox.count, what="backlog")
        assert backlog > 0

        server.start()  # same port, same state
        wait_for(lambda: controller.backend.health(HALL).outbox.count == 0, what="delivery after the outage")
        received = server.received()
    finally:
        controller.stop()
        server.stop()

    engine = sa.create_engine(config.database.url)
    with engine.connect() as c:
        events = c.execute(sa.select(db.events).order_by(db.events.c.id)).fetchall()
        outbox = c.execute(sa.text("SELECT kind, idem_key, payload FROM backend_outbox ORDER BY id")).fetchall()
    # every event of the hall went into the outbox once, in the order of the events table
    fed = [json.loads(r.payload) for r in outbox if r.kind == "ticket_event"]
    assert [(e["ticket_no"], e["kind"]) for e in fed] == [(e.number, e.kind) for e in events]
    assert len({e["event_id"] for e in fed}) == len(fed)
    # ... and reached the platform exactly once, in order, interleaved with the ratings as enqueued
    expected = [json.loads(r.payload)["event_id"] if r.kind == "ticket_event" else r.idem_key for r in outbox]
    assert received["arrivals"] == expected
    assert [e["event_id"] for e in received["ticket_events"]] == [e["event_id"] for e in fed]
    assert [r["ticket_no"] for r in received["ratings"]] == hall.rated
    # the kiosk kept issuing throughout: 3 + 9 + 4 tickets, all numbered without a hole
    assert len(hall.issued) == 16 and len(set(hall.issued)) == 16
    assert sum(1 for e in events if e.kind == "issued") == 16
