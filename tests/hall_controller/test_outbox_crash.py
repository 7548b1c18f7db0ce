"""A crash during a platform outage: the real controller process collects ratings (and ticket
events) while the reference platform, a real process, is stopped; it is SIGKILLed, restarted,
and then the platform comes back. On SQLite and on PostgreSQL:

- the restarted process delivers the whole backlog within 10 s of the platform's return (its
  lease is held under the controller's id, so the dead process's lease is its own; and it asks
  the platform's health while backing off, so a long backoff does not delay it);
- every health message it published while items waited said so (never `ok`);
- every rating reached the platform exactly once.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time

import sqlalchemy as sa

from demo.processes import Processes
from hall_protocol import contract
from hall_protocol.contract import Health
from reference_backend.process import ServerProcess
from tests.support.fixtures import EXAMPLE_HALL
from tests.support.hall_script import HALL, ScriptedHall, wait_for

RATINGS = 12
DRAIN_LIMIT_S = 10.0


def _undelivered(engine: sa.Engine) -> int:
    """Outbox items still pending plus events the feed has not put into the outbox yet."""
    with engine.connect() as c:
        pending = c.execute(sa.text("SELECT count(*) FROM backend_outbox WHERE state = 'pending'")).scalar_one()
        cursor = c.execute(sa.text("SELECT last_id FROM backend_event_feed WHERE name = 'events'")).scalar()
        last_event = c.execute(sa.text("SELECT max(id) FROM events")).scalar() or 0
    return int(pending) + max(0, last_event - (cursor or 0))


def test_a_restarted_controller_delivers_its_backlog_soon_after_the_platform_returns(
        tmp_path, broker, device, database_url):
    platform = ServerProcess(state_dir=tmp_path / "platform").start()
    toml = tmp_path / "hall.toml"
    toml.write_text(EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {broker.port}"), "utf-8")
    args = ["-m", "hall_controller", "--config", str(toml), "--database", database_url,
            "--backend-url", platform.url]
    env = {"HALL_MQTT_PASSWORD": broker.passwords["hall-controller"], "HALL_BACKEND_APP_KEY": platform.app_key,
           "HALL_BACKEND_SECRET": platform.app_secret}
    procs = Processes(tmp_path)
    healths: list[tuple[float, Health]] = []
    lock = threading.Lock()

    def on_health(msg) -> None:
        with lock:
            healths.append((time.monotonic(), Health.model_validate_json(msg.payload)))

    def last_health(after: float) -> Health | None:
        with lock:
            seen = [h for t, h in healths if t > after]
        return seen[-1] if seen else None

    engine = sa.create_engine(database_url)
    try:
        procs.spawn("controller", args, env=env, ready="hall-controller: ready")
        desk = device("supervisor-desk")
        desk.subscribe(contract.HEALTH.format(hall=HALL), on_health)
        hall = ScriptedHall(device)

        platform.stop()  # the outage: ratings and ticket events wait in the outbox
        while len(hall.rated) < RATINGS:
            hall.round("AB")
        wait_for(lambda: (h := last_health(0)) and h.backend == "unavailable" and h.outbox.count >= RATINGS,
                 timeout=30, what="the health to tell of the outage")

        name, proc = procs.procs[0]
        os.kill(proc.pid, signal.SIGKILL)  # no clean stop: its lease stays behind
        proc.wait(10)
        procs.procs.clear()
        restarted = time.monotonic()
        procs.spawn("controller-2", args, env=env, ready="hall-controller: ready")
        first = wait_for(lambda: last_health(restarted), timeout=30, what="the restarted controller's health")
        assert first.outbox.count >= RATINGS and first.backend != "ok", first

        platform.start()  # same port, same state
        back = time.monotonic()
        wait_for(lambda: _undelivered(engine) == 0, timeout=60, what="the backlog to drain")
        drain_s = time.monotonic() - back
        wait_for(lambda: (h := last_health(back)) and h.outbox.count == 0 and h.backend == "ok", timeout=30,
                 what="the health to say ok again")
        received = platform.received()
    finally:
        procs.stop_all()
        platform.stop()
        engine.dispose()

    print(f"backlog drained {drain_s:.2f} s after the platform came back (limit {DRAIN_LIMIT_S} s)")
    assert drain_s < DRAIN_LIMIT_S, f"the backlog took {drain_s:.1f} s to drain after the platform came back"
    with lock:
        waiting = [h for t, h in healths if h.outbox.count > 0]
    assert len(waiting) >= 2, "no health message while items waited: the test proves nothing"
    said_ok = [json.loads(h.model_dump_json()) for h in waiting if h.backend == "ok"]
    assert said_ok == [], f"health said ok while items waited: {said_ok[:2]}"
    rated = [r["ticket_no"] for r in received["ratings"]]
    assert sorted(rated) == sorted(hall.rated) and len(set(rated)) == len(rated)
