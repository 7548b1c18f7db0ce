"""The durable outbox on SQLite and PostgreSQL against the running reference server."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from hall_controller.backend.outbox import Outbox
from reference_backend.process import ServerProcess
from tests.support.platform import make_client


def rating(n: int) -> dict:
    return {"ticket_no": f"A{n:03d}", "hall_id": "hall-1", "window_id": "w1", "clerk_id": "c1",
            "score": 1 + n % 5, "rated_at": "2026-01-05T10:00:00+08:00"}


def event(n: int) -> dict:
    return {"hall_id": "hall-1", "ticket_no": f"A{n:03d}", "kind": "issued",
            "at": "2026-01-05T10:00:00+08:00"}


def make_outbox(db, srv: ServerProcess, clock, **kw) -> Outbox:
    engine, schema = db
    client = make_client(srv, clock, retries=0, timeout=2.0)
    kw.setdefault("min_backoff_s", 0.05)
    kw.setdefault("max_backoff_s", 0.2)
    return Outbox(engine, client, clock, schema=schema, **kw)


def test_enqueue_is_durable_and_backlog_ages(db, server: ServerProcess, clock) -> None:
    box = make_outbox(db, server, clock)
    key = box.enqueue("rating", rating(1))
    clock.advance(42)
    assert box.backlog() == {"count": 1, "oldest_age_s": 42.0, "dead": 0, "last_error": None}
    reopened = make_outbox(db, server, clock)  # a new process on the same database
    assert reopened.backlog()["count"] == 1
    assert reopened.deliver_once() == 1
    assert reopened.backlog()["count"] == 0 and reopened.backlog()["oldest_age_s"] == 0.0
    assert [r["idem_key"] for r in server.received()["ratings"]].count(key) == 1


def test_mixed_items_arrive_in_order_once(db, server: ServerProcess, clock) -> None:
    box = make_outbox(db, server, clock, batch_size=3)
    ratings = [box.enqueue("rating", rating(i)) for i in range(3)]
    events = [box.enqueue("ticket_event", event(i)) for i in range(7)]
    ratings += [box.enqueue("rating", rating(9))]
    assert box.deliver_once() == 11
    assert server.received()["arrivals"][-11:] == ratings[:3] + events + ratings[3:]
    assert box.deliver_once() == 0


def test_unknown_kind_and_invalid_payload_are_refused_at_enqueue(db, server, clock) -> None:
    box = make_outbox(db, server, clock)
    with pytest.raises(ValueError):
        box.enqueue("parcel", {})
    with pytest.raises(ValueError):
        box.enqueue("rating", {**rating(1), "score": 0})
    assert box.backlog()["count"] == 0


def test_a_lost_answer_does_not_duplicate(db, server: ServerProcess, clock) -> None:
    box = make_outbox(db, server, clock)
    key = box.enqueue("rating", rating(3))
    server.set_faults(error_rate=1.0, error_after=True, remaining=1)
    assert box.deliver_once() == 0 and box.backlog()["last_error"]
    assert box.deliver_once() == 1
    assert [r["idem_key"] for r in server.received()["ratings"]].count(key) == 1


def test_a_refused_item_is_dead_lettered_and_the_rest_flows(db, server, clock) -> None:
    box = make_outbox(db, server, clock)
    first = box.enqueue("ticket_event", event(1))
    bad = box.enqueue("ticket_event", event(2))
    last = box.enqueue("ticket_event", event(3))
    with box.engine.begin() as c:  # an item the platform will refuse (422): corrupt it on disk
        c.execute(sa.update(box.items).where(box.items.c.idem_key == bad)
                  .values(payload=json.dumps({**event(2), "kind": "teleported"})))
    assert box.deliver_once() == 2
    ids = [e["event_id"] for e in server.received()["ticket_events"]]
    assert first in ids and last in ids and bad not in ids
    assert box.backlog()["dead"] == 1 and box.dead_letters()[0]["idem_key"] == bad


def test_one_deliverer_at_a_time(db, server: ServerProcess, clock) -> None:
    a, b = make_outbox(db, server, clock), make_outbox(db, server, clock)
    a.enqueue("rating", rating(5))
    assert a.deliver_once() == 1  # a holds the lease now
    b.enqueue("rating", rating(6))
    assert b.deliver_once() == 0
    clock.advance(a.lease_s + 1)  # a's lease expires (a crashed): b takes over
    assert b.deliver_once() == 1


def test_outage_every_item_arrives_once_in_order(db, tmp_path, clock) -> None:
    srv = ServerProcess(state_dir=tmp_path / "state").start()
    try:
        box = make_outbox(db, srv, clock)
        box.start()
        keys = [box.enqueue("rating", rating(0))]
        _wait(lambda: box.backlog()["count"] == 0)
        srv.stop()  # the platform goes away
        for i in range(1, 25):
            kind, payload = ("rating", rating(i)) if i % 3 == 0 else ("ticket_event", event(i))
            keys.append(box.enqueue(kind, payload))
            clock.advance(5)
        _wait(lambda: box.backlog()["last_error"] is not None)
        assert box.backlog()["count"] == 24 and box.backlog()["oldest_age_s"] >= 115
        srv.start()  # same port, same state dir
        _wait(lambda: box.backlog()["count"] == 0)
        box.stop()
        assert srv.received()["arrivals"] == keys  # all, once each, in order
    finally:
        srv.stop()


def _wait(cond, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


CRASHING_PRODUCER = """
import sys
import sqlalchemy as sa
from hall_controller.backend import BackendClient
from hall_controller.backend.outbox import Outbox
url, key, secret, db = sys.argv[1:5]
box = Outbox(sa.create_engine(db), BackendClient(url, key, secret, retries=0, timeout=5),
             batch_size=1)
for i in range(20):
    box.enqueue("ticket_event", {"hall_id": "h", "ticket_no": f"A{i:03d}", "kind": "issued",
                                 "at": "2026-01-05T10:00:00+08:00"})
print("enqueued", flush=True)
box.deliver_once()
"""


def test_a_killed_process_loses_nothing(tmp_path, server: ServerProcess, clock) -> None:
    db_url = f"sqlite:///{tmp_path / 'controller.sqlite'}"
    server.set_faults(delay_s=0.2)  # slow platform: the kill lands mid-delivery
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_PRODUCER, server.url, server.app_key,
                             server.app_secret, db_url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "enqueued"
    time.sleep(0.5)  # about two items delivered, the third in flight
    proc.kill()
    proc.wait(10)
    proc.stdout.close()
    server.clear_faults()
    engine = sa.create_engine(db_url)
    box = Outbox(engine, make_client(server, clock, retries=0), clock, lease_s=60)
    with engine.connect() as c:
        keys = [r[0] for r in c.execute(sa.select(box.items.c.idem_key).order_by(box.items.c.id))]
    assert len(keys) == 20
    clock.advance(box.lease_s * 3)  # the dead process's lease (taken a little later) runs out
    box.deliver_once()
    assert box.backlog() == {"count": 0, "oldest_age_s": 0.0, "dead": 0, "last_error": None}
    got = [k for k in server.received()["arrivals"] if k in set(keys)]
    assert got == keys
    engine.dispose()


def test_a_restarted_controller_takes_its_own_lease_at_once(db, server: ServerProcess, clock) -> None:
    """The lease names the controller, not the process: after a crash (no release) the same
    controller's new process delivers at once; another controller waits for the lease to run out."""
    crashed = make_outbox(db, server, clock, holder="hall-controller")
    crashed.enqueue("rating", rating(20))
    assert crashed.deliver_once() == 1  # it holds the lease for lease_s, then "crashes"
    restarted = make_outbox(db, server, clock, holder="hall-controller")
    other = make_outbox(db, server, clock, holder="hall-controller-2")
    restarted.enqueue("rating", rating(21))
    assert other.deliver_once() == 0  # a live-looking lease of another controller
    assert restarted.deliver_once() == 1  # its own: no waiting
    other.enqueue("rating", rating(22))
    clock.advance(restarted.lease_s + 1)  # now the restarted one dies too: the peer takes over
    assert other.deliver_once() == 1


def test_delivery_resumes_soon_after_an_outage_whatever_the_backoff(db, tmp_path, clock) -> None:
    """Backed off to 30 s, the outbox asks the platform's health every probe_s and delivers as soon
    as it answers again (without the probe this waits the whole backoff)."""
    srv = ServerProcess(state_dir=tmp_path / "state").start()
    box = make_outbox(db, srv, clock, min_backoff_s=30.0, max_backoff_s=60.0, probe_s=0.2)
    try:
        srv.stop()
        key = box.enqueue("rating", rating(30))
        box.start()
        _wait(lambda: box.backlog()["last_error"] is not None)
        time.sleep(0.5)  # a probe or two fail: the platform is down
        srv.start()
        back = time.monotonic()
        _wait(lambda: box.backlog()["count"] == 0, timeout=20)
        drained = time.monotonic() - back
        assert drained < 10, f"delivered {drained:.1f} s after the platform came back"
        assert [k for k in srv.received()["arrivals"]] == [key]
    finally:
        box.stop()
        srv.stop()


def test_a_delivered_items_payload_is_masked_a_waiting_one_is_not(db, server: ServerProcess, clock) -> None:
    """The platform receives the comment as the citizen wrote it; afterwards the outbox keeps it masked."""
    from tests.support.personal import personal_numbers
    phone, idn = personal_numbers(4)["phone"], personal_numbers(4)["resident"]
    box = make_outbox(db, server, clock)
    comment = f"请回电 {phone}，身份证 {idn}"
    server.set_faults(error_rate=1.0)
    key = box.enqueue("rating", {**rating(40), "comment": comment})
    assert box.deliver_once() == 0 and box.get(key)["payload"]["comment"] == comment  # waiting: as written
    server.clear_faults()
    assert box.deliver_once() == 1
    assert next(r for r in server.received()["ratings"] if r["idem_key"] == key)["comment"] == comment
    stored = box.get(key)
    assert stored["state"] == "delivered" and phone not in json.dumps(stored, ensure_ascii=False)
    assert stored["payload"]["comment"] == f"请回电 {phone[:3]}****{phone[-4:]}，身份证 {idn[:6]}********{idn[-4:]}"
    assert stored["payload"]["score"] == rating(40)["score"]  # only strings are masked
