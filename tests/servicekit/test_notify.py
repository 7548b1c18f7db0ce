"""servicekit against a real notify socket (bound here, as systemd binds it) and a real broker:
the messages' wire format, the abstract namespace, WATCHDOG_PID, and a watchdog that stops
feeding while the MQTT loop is stuck in a callback."""
from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from hall_protocol.mqtt import Endpoint
from servicekit import Heartbeat, Notifier, Watchdog
from servicekit.notify import socket_address, watchdog_seconds
from tests.support.notify import NotifySocket


def test_messages_reach_an_abstract_socket_and_the_environment_is_cleared():
    sock = NotifySocket()
    try:
        env = {**sock.env(watchdog_s=4), "OTHER": "x"}
        n = Notifier.from_environment(env)
        assert env == {"OTHER": "x"}, "a child process must not speak for its parent"
        assert n.enabled and n.watchdog_s == 4.0
        assert n.ready("serving 2 hall(s)\nas c1")
        n.watchdog()
        n.reloading()
        n.stopping()
        assert sock.wait_for("READY", "1", timeout=5)["STATUS"] == "serving 2 hall(s) as c1"
        assert sock.wait_for("WATCHDOG", "1", timeout=5)
        assert int(sock.wait_for("RELOADING", "1", timeout=5)["MONOTONIC_USEC"]) > 0
        assert sock.wait_for("STOPPING", "1", timeout=5)
    finally:
        sock.close()


def test_a_path_socket_and_no_socket_at_all():
    with tempfile.TemporaryDirectory(dir="/tmp") as d:  # a socket path must be short (108 bytes)
        sock = NotifySocket(str(Path(d) / "notify"))
        try:
            n = Notifier.from_environment(sock.env())
            assert n.watchdog_s is None
            assert n.status("starting")
            assert sock.wait_for("STATUS", "starting", timeout=5)
        finally:
            sock.close()
        gone = Notifier.from_environment({"NOTIFY_SOCKET": str(Path(d) / "notify")})
        assert gone.status("nobody listens") is False  # logged once, never raised
    quiet = Notifier.from_environment({})
    assert not quiet.enabled and quiet.ready() is False and quiet.watchdog_s is None


def test_addresses_and_watchdog_owner():
    assert socket_address("@sys") == b"\0sys"
    assert socket_address("/run/systemd/notify") == "/run/systemd/notify"
    assert socket_address("vsock:2:1234") is None and socket_address("relative") is None
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000"}, 7) == 30.0
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"}, 7) == 30.0
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"}, 7) is None  # another process's
    assert watchdog_seconds({"WATCHDOG_USEC": "0"}, 7) is None


def test_a_mqtt_loop_stuck_in_a_callback_stops_the_pings(broker):
    """The controller's MQTT heartbeat: a message to itself through the broker. A handler that
    blocks (here on an event the test holds) stops the network thread for real."""
    sock = NotifySocket()
    ep = Endpoint("hall-controller", "127.0.0.1", broker.port, username="hall-controller",
                  password=broker.passwords["hall-controller"])
    kiosk = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01",
                     password=broker.passwords["kiosk-01"])
    release, entered = threading.Event(), threading.Event()

    def stuck(msg) -> None:
        if msg.payload == b"hang":
            entered.set()
            release.wait(30)

    ep.subscribe("presence/kiosk-01", stuck)
    ep.start()
    kiosk.start()
    try:
        n = Notifier(socket_address(sock.address), watchdog_s=2.0)
        hb = Heartbeat("the MQTT loop", ep.ping, stale_s=0.5,
                       exempt=lambda: None if ep.connected.is_set() else "away")
        dog = Watchdog(n, [hb])
        for _ in range(10):
            assert dog.check() == []
            time.sleep(0.1)
        assert hb.answered >= 3, "the controller's message to itself never came back (may it read reply/<own>/?)"
        fed = len(sock.times("WATCHDOG"))
        kiosk.publish("presence/kiosk-01", b"hang", qos=1)
        assert entered.wait(10)
        reasons: list[str] = []
        deadline = time.monotonic() + 5
        while not reasons and time.monotonic() < deadline:
            reasons = dog.check()
            time.sleep(0.1)
        assert reasons and "the MQTT loop has not answered" in reasons[0]
        time.sleep(0.3)
        assert dog.check() and len(sock.times("WATCHDOG")) <= fed + 10
        starved = len(sock.times("WATCHDOG"))
        assert sock.wait_for("STATUS", timeout=5)["STATUS"].startswith("not responding: the MQTT loop")
        release.set()
        deadline = time.monotonic() + 5
        while dog.check() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert dog.check() == []
        time.sleep(0.3)
        assert len(sock.times("WATCHDOG")) > starved
    finally:
        release.set()
        kiosk.stop()
        ep.stop()
        sock.close()
