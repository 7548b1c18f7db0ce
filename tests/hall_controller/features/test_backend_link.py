"""The outage test: a scripted hall (a kiosk issuing tickets, callers calling and finishing,
ratings collected) runs while the reference backend, a real process, is STOPPED; the hall
controller is restarted during the outage; then the backend comes back. Every ticket event
and every rating arrives exactly once and in order, and the kiosk never stopped issuing."""
from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from hall_controller.backend.feed import local

from hall_controller.store import db
from kiosk_app.clients.backend import BackendUnavailable
from reference_backend.process import ServerProcess
from tests.support.hall_script import HALL, ScriptedHall, wait_for
from tests.support.platform import backend_hall, start_controller


@pytest.fixture
def database_url(tmp_path):  # platform-link tests: the controller on SQLite only
    return f"sqlite:///{tmp_path}/hall.db"


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
    assert [(e["ticket_no"], e["kind"]) for e in fed] == [(e.number, e.kind) for e in events if not local(e.kind)]
    assert len({e["event_id"] for e in fed}) == len(fed)
    # ... and reached the platform exactly once, in order, interleaved with the ratings as enqueued
    expected = [json.loads(r.payload)["event_id"] if r.kind == "ticket_event" else r.idem_key for r in outbox]
    assert received["arrivals"] == expected
    assert [e["event_id"] for e in received["ticket_events"]] == [e["event_id"] for e in fed]
    assert [r["ticket_no"] for r in received["ratings"]] == hall.rated
    # the kiosk kept issuing throughout: 3 + 9 + 4 tickets, all numbered without a hole
    assert len(hall.issued) == 16 and len(set(hall.issued)) == 16
    assert sum(1 for e in events if e.kind == "issued") == 16


def test_health_says_delayed_while_items_wait_without_a_known_failure(hall, broker, device) -> None:
    """Another controller process holds the delivery lease and delivers nothing (or this one has
    just restarted): no platform failure is known, yet items wait. Past the grace the health
    says `delayed`, never `ok`; once they are delivered it says `ok` again."""
    link = hall.backend
    box = link.outbox
    with box.engine.begin() as c:  # a peer's live lease, far from running out
        c.execute(sa.delete(box.lease))
        c.execute(sa.insert(box.lease).values(name="deliver", holder="hall-controller-2",
                                              expires_at=time.time() + 3600))
    key = box.enqueue("rating", {"ticket_no": "A001", "hall_id": HALL, "window_id": "1", "clerk_id": "c1",
                                 "score": 4, "rated_at": "2026-01-05T10:00:00+08:00"})
    assert link.health(HALL).backend == "ok"  # just enqueued: within the grace
    with box.engine.begin() as c:  # ... and then it has waited a minute
        c.execute(sa.update(box.items).where(box.items.c.idem_key == key).values(created_at=time.time() - 60))
    health = link.health(HALL)
    assert health.backend == "delayed" and health.outbox.count == 1 and health.backend_error is None
    with box.engine.begin() as c:  # the peer is gone for good (its lease ran out)
        c.execute(sa.update(box.lease).values(expires_at=0.0))
    # one reading: delivered and ok (the hall's own feed may enqueue and deliver more meanwhile)
    wait_for(lambda: (lambda h: h.outbox.count == 0 and h.backend == "ok")(link.health(HALL)), timeout=20,
             what="delivery, then ok")
