"""The controller as a systemd service (Type=notify, WatchdogSec=, ExecReload=kill -HUP): the
real controller process, a real broker, a real notify socket bound by the test.

- READY=1 arrives once it serves, WATCHDOG=1 about four times per watchdog period;
- its request worker hung for real (the test holds SQLite's write lock, so the worker blocks in
  its commit) stops the pings, and they resume once the lock is let go;
- SIGHUP reads the hall file again: a service added appears on the retained board and can be
  taken at once; a bad file keeps the running configuration and raises an alert naming the file
  and the key; no traceback in its log.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time

import pytest

from demo.processes import Processes
from hall_protocol import contract
from hall_protocol.mqtt import MqttError
from tests.support.fixtures import EXAMPLE_HALL, new_request_id
from tests.support.notify import NotifySocket

WATCHDOG_S = 2.0
HALL = "demo-hall"
NEW_SERVICE = '''
  [[halls.services]]
  code = "E"
  name = "公积金"
  name_en = "Housing Fund"
  avg_service_min = 5
'''


def _hall_file(path, port, *, extra_service: bool = False, window_4: str = "4", duplicate: bool = False):
    text = EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {port}")
    services_end = text.index("  [[halls.windows]]")
    added = NEW_SERVICE if extra_service else ""
    if duplicate:
        added += NEW_SERVICE.replace('"E"', '"A"')
    text = text[:services_end] + added.lstrip("\n") + "\n" + text[services_end:]
    if extra_service:
        text = text.replace("services = { A = 1.0, D = 1.0 }", "services = { A = 1.0, D = 1.0, E = 1.0 }")
    text = text.replace("number = 4\n", f"number = {window_4}\n")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def notify():
    s = NotifySocket()
    yield s
    s.close()


@pytest.fixture
def running(tmp_path, broker, notify):
    """The controller process under the test's notify socket (watchdog period 2 s), on SQLite."""
    toml = _hall_file(tmp_path / "hall.toml", broker.port)
    db = tmp_path / "hall.db"
    procs = Processes(tmp_path)
    env = {"HALL_MQTT_PASSWORD": broker.passwords["hall-controller"], **notify.env(WATCHDOG_S)}
    procs.spawn("controller", ["-m", "hall_controller", "--config", str(toml), "--database", f"sqlite:///{db}",
                               "--no-speaker"], env=env, ready="hall-controller: ready")
    yield procs.procs[0][1], toml, db, tmp_path / "controller.log"
    procs.stop_all()


def _watch(ep, topic):
    """The latest retained/published payload of `topic`, decoded, and a condition to wait on."""
    latest: dict = {}
    cv = threading.Condition()

    def on(msg):
        with cv:
            latest["v"] = json.loads(msg.payload) if msg.payload else None
            cv.notify_all()

    ep.subscribe(topic, on)

    def wait(pred, timeout=20.0):
        deadline = time.monotonic() + timeout
        with cv:
            while not (latest.get("v") is not None and pred(latest["v"])):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{topic}: not as expected within {timeout} s: {str(latest.get('v'))[:600]}")
                cv.wait(left)
            return latest["v"]
    return wait


def test_ready_then_watchdog_pings_that_stop_while_the_worker_hangs(running, notify, device):
    proc, _, db, log = running
    ready = notify.wait_for("READY", "1")
    assert "serving 1 hall(s)" in ready.get("STATUS", "")
    t0 = time.monotonic()
    time.sleep(3 * WATCHDOG_S)
    pings = notify.times("WATCHDOG", since=t0, until=time.monotonic())
    # a quarter of the period apart: about 12 in 6 s; at least two per period, or systemd would restart it
    assert 2 * 3 <= len(pings) <= 4 * 3 + 3, pings

    # Hang the request worker for real: the test takes SQLite's write lock, then a kiosk asks for
    # a ticket; the worker blocks in its commit (busy timeout 5 s), again for every new request.
    kiosk = device("kiosk-01")
    lock = sqlite3.connect(db, timeout=10, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    held_from = time.monotonic()
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                              {"service": "A", "request_id": new_request_id()}, timeout=8)
            except MqttError:
                pass

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    try:
        starving = notify.wait_for("STATUS", timeout=15, since=held_from)
        while "not responding" not in starving["STATUS"]:
            starving = notify.wait_for("STATUS", timeout=15, since=notify.messages[-1][0] + 1e-6)
        assert "request worker" in starving["STATUS"]
        time.sleep(2 * WATCHDOG_S)
        assert proc.poll() is None
    finally:
        stop.set()
        lock.execute("ROLLBACK")
        lock.close()
    released = time.monotonic()
    asker.join(20)
    time.sleep(2 * WATCHDOG_S)
    assert len(notify.times("WATCHDOG", since=released)) >= 3, "the pings did not resume after the hang"
    # While the lock was held, pings stopped for longer than WatchdogSec (the worker gives up on the
    # lock after SQLite's 5 s and blocks again on the next request): systemd would restart it.
    pings = notify.times("WATCHDOG")
    gaps = [b - a for a, b in zip(pings, pings[1:]) if b > held_from and a < released]
    assert max(gaps) > 1.5 * WATCHDOG_S, gaps
    proc.send_signal(signal.SIGTERM)
    proc.wait(20)
    assert notify.wait_for("STOPPING", "1", timeout=5)
    assert "Traceback" not in log.read_text("utf-8")


def test_sighup_reloads_the_hall_file_and_refuses_a_bad_one(running, notify, device):
    proc, toml, _, log = running
    notify.wait_for("READY", "1")
    screen, desk, kiosk = device("screen-main"), device("supervisor-desk"), device("kiosk-01")
    board = _watch(screen, contract.BOARD.format(hall=HALL))
    alerts = _watch(desk, contract.ALERTS.format(hall=HALL))
    assert "E" not in board(lambda b: True)["services"]
    ticket_topic = contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01")
    refused = kiosk.request(ticket_topic, {"service": "E", "request_id": new_request_id()})
    assert refused["status"] == "error"

    # A service added (and served at window 2): on the board and issued, without a restart.
    _hall_file(toml, _port(toml), extra_service=True)
    since = time.monotonic()
    os.kill(proc.pid, signal.SIGHUP)
    notify.wait_for("RELOADING", "1", since=since)
    shown = board(lambda b: "E" in b["services"])
    assert shown["services"]["E"] == "公积金" and shown["services_en"]["E"] == "Housing Fund"
    answer = kiosk.request(ticket_topic, {"service": "E", "request_id": new_request_id()})
    assert answer["status"] == "ok" and answer["data"]["number"].startswith("E"), answer
    assert proc.poll() is None

    # A window number that is not an integer: nothing changes, an alert names file and key.
    _hall_file(toml, _port(toml), window_4='"4"')
    os.kill(proc.pid, signal.SIGHUP)
    alert = alerts(lambda b: any(a["kind"] == "config_rejected" and a["active"] for a in b["alerts"]))
    a = next(a for a in alert["alerts"] if a["kind"] == "config_rejected")
    assert "hall.toml" in a["title_en"] and "halls[0].windows[3].number" in a["title_en"], a
    assert str(toml) in a["detail_en"] and "expected an integer" in a["detail_en"], a
    assert "hall.toml" in a["title_zh"]
    again = kiosk.request(ticket_topic, {"service": "E", "request_id": new_request_id()})
    assert again["status"] == "ok", "the running configuration was not kept"
    assert "E" in board(lambda b: True)["services"]

    # A duplicate service code: refused too, the alert now names that key.
    _hall_file(toml, _port(toml), extra_service=True, duplicate=True)
    os.kill(proc.pid, signal.SIGHUP)
    alerts(lambda b: any(a["kind"] == "config_rejected" and "service codes must be unique" in a["detail_en"]
                         for a in b["alerts"]))

    # A good file again: the alert's condition has gone (it waits for a supervisor's acknowledgement).
    _hall_file(toml, _port(toml), extra_service=True)
    os.kill(proc.pid, signal.SIGHUP)
    alerts(lambda b: all(not a["active"] for a in b["alerts"] if a["kind"] == "config_rejected"))
    assert proc.poll() is None
    text = log.read_text("utf-8")
    assert "Traceback" not in text
    assert "hall file not reloaded" in text and "hall file" in text and "reloaded" in text


def _port(toml) -> int:
    import tomllib
    return tomllib.loads(toml.read_text("utf-8"))["broker"]["port"]


def test_a_broker_outage_does_not_starve_the_watchdog(running, notify, broker):
    """Restarting the controller would not bring the broker back: while it is unreachable the MQTT
    heartbeat does not count, and the pings go on; they go on after it is back as well."""
    proc, _, _, log = running
    notify.wait_for("READY", "1")
    broker.stop()
    try:
        time.sleep(0.5)
        away = time.monotonic()
        time.sleep(2 * WATCHDOG_S)
        assert len(notify.times("WATCHDOG", since=away, until=time.monotonic())) >= 4
    finally:
        broker.start()
    back = time.monotonic()
    time.sleep(2 * WATCHDOG_S)
    assert len(notify.times("WATCHDOG", since=back)) >= 4
    assert proc.poll() is None
    assert "Traceback" not in log.read_text("utf-8")
