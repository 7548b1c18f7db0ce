"""SIGKILL in the middle of a burst: the real controller process, the real broker, four kiosks
sending ticket requests as fast as they are answered, on SQLite and on PostgreSQL.

Every ticket a kiosk got an answer for survives with the same number, no number is taken
twice, the numbers have no holes, and a kiosk that retries a request whose answer it lost
(same request id) gets the same ticket, never a second one."""
from __future__ import annotations

import json
import os
import signal
import threading
import uuid

import sqlalchemy as sa

from config.schema import DeviceConfig
from demo.processes import Processes
from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint, MqttError
from privacy import mask_text
from tests.support.fixtures import EXAMPLE_HALL

KIOSKS = [f"kiosk-b{i}" for i in range(4)]
KILL_AFTER = 40  # acknowledged tickets before the kill


def _with_burst_kiosks(hall_config):
    hall = hall_config.halls[0]
    hall = hall.model_copy(update={"devices": [*hall.devices, *(DeviceConfig(id=k, role="kiosk") for k in KIOSKS)]})
    return hall_config.model_copy(update={"halls": [hall]})


def _write_config(path, port):
    """The example hall file with the test broker's port and the burst's kiosks."""
    text = EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {port}")
    text += "".join(f'\n  [[halls.devices]]\n  id = "{k}"\n  role = "kiosk"\n' for k in KIOSKS)
    path.write_text(text, encoding="utf-8")
    return path


def test_sigkill_during_a_burst_loses_no_acknowledged_ticket(tmp_path, hall_config, database_url):
    cfg = _with_burst_kiosks(hall_config)
    broker = MosquittoBroker(tmp_path / "broker", identities(cfg)).start()
    toml = _write_config(tmp_path / "hall.toml", broker.port)
    procs = Processes(tmp_path)
    env = {"HALL_MQTT_PASSWORD": broker.passwords[cfg.controller_id]}
    args = ["-m", "hall_controller", "--config", str(toml), "--database", database_url]
    endpoints: list[Endpoint] = []
    try:
        procs.spawn("controller", args, env=env, ready="hall-controller: ready")
        acked: dict[str, str] = {}      # request id -> number the kiosk was told
        unanswered: list[tuple[str, str]] = []  # (kiosk, request id) whose answer never came
        lock, enough, stop = threading.Lock(), threading.Event(), threading.Event()

        def kiosk(name: str) -> None:
            ep = Endpoint(name, "127.0.0.1", broker.port, username=name, password=broker.passwords[name])
            ep.start()
            endpoints.append(ep)
            topic = contract.TICKET_REQUEST.format(hall="demo-hall", client=name)
            while not stop.is_set():
                rid = uuid.uuid4().hex
                try:
                    answer = ep.request(topic, {"service": "A", "request_id": rid}, timeout=2.0)
                except MqttError:
                    with lock:
                        unanswered.append((name, rid))
                    continue
                assert answer["status"] == "ok", answer
                with lock:
                    acked[f"{name}:{rid}"] = answer["data"]["number"]
                    if len(acked) >= KILL_AFTER:
                        enough.set()

        threads = [threading.Thread(target=kiosk, args=(k,), daemon=True) for k in KIOSKS]
        for t in threads:
            t.start()
        assert enough.wait(60), "the burst never reached the kill point"
        name, proc = procs.procs[0]
        os.kill(proc.pid, signal.SIGKILL)  # mid-burst: requests are in flight
        proc.wait(10)
        with lock:
            acked_at_kill = len(acked)
        # The kiosks keep asking while the controller is dead; then it comes back.
        procs.procs.clear()
        procs.spawn("controller-2", args, env=env, ready="hall-controller: ready")
        while True:  # a few more answers after the restart, then stop the burst
            with lock:
                if len(acked) >= acked_at_kill + 12:
                    break
            threading.Event().wait(0.05)
        stop.set()
        for t in threads:
            t.join(15)
        assert unanswered, "the kill did not interrupt any request: the test proves nothing"

        # A kiosk that lost an answer retries with the same request id: one ticket each.
        for name, rid in unanswered:
            ep = next(e for e in endpoints if e.client_id == name)
            topic = contract.TICKET_REQUEST.format(hall="demo-hall", client=name)
            answer = ep.request(topic, {"service": "A", "request_id": rid}, timeout=5.0)
            assert answer["status"] == "ok"
            acked[f"{name}:{rid}"] = answer["data"]["number"]
        some = list(acked.items())[:5]
        for key, number in some:  # and an acknowledged one asked again is the same ticket
            name, rid = key.split(":")
            ep = next(e for e in endpoints if e.client_id == name)
            again = ep.request(contract.TICKET_REQUEST.format(hall="demo-hall", client=name),
                               {"service": "A", "request_id": rid}, timeout=5.0)
            assert again["data"]["number"] == number
    finally:
        for ep in endpoints:
            ep.stop()
        procs.stop_all()
        broker.stop()

    engine = sa.create_engine(database_url)
    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT request_id, number FROM tickets WHERE hall = 'demo-hall'")).all()
    engine.dispose()
    # Stored as "<kiosk>:<id>", the id masked where a run of it looks like a phone or ID number
    # (a uuid's hex has a 15-digit run now and then).
    stored = {r.request_id: r.number for r in rows}
    acked = {mask_text(key): number for key, number in acked.items()}
    for key, number in acked.items():
        assert stored.get(key) == number, f"acknowledged ticket {number} ({key}) lost or changed"
    numbers = sorted(stored.values())
    assert len(numbers) == len(set(numbers)), "a number was issued twice"
    assert numbers == [f"A{i:03d}" for i in range(1, len(numbers) + 1)], "the numbering has a hole"
    assert len(stored) == len(acked), json.dumps(sorted(set(stored) - set(acked)))
