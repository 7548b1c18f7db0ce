"""A message published on another thread than paho's network thread is written at once, on
that thread: the controller's answers and boards no longer wait until the network thread is
woken and gets the interpreter. Shown with the network thread held in a handler: the message
still reaches the other client (without direct writes it waited for the handler to return)."""
from __future__ import annotations

import threading

from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import extra_identity
from hall_protocol.mqtt import Endpoint

RULES = [("write", "probe/#"), ("read", "probe/#")]


def test_a_message_leaves_while_the_network_thread_is_busy(tmp_path):
    ids = [extra_identity(n, "probe", [*RULES, ("read", f"reply/{n}/#")]) for n in ("probe-a", "probe-b")]
    with MosquittoBroker(tmp_path / "broker", ids) as broker:
        a, b = (Endpoint(n, "127.0.0.1", broker.port, username=n, password=broker.passwords[n])
                for n in ("probe-a", "probe-b"))
        entered, release, got = threading.Event(), threading.Event(), []
        arrived = threading.Event()

        def stuck(msg) -> None:      # holds a's network thread
            entered.set()
            release.wait(10)

        a.subscribe("probe/stuck", stuck)
        b.subscribe("probe/sent", lambda msg: (got.append(msg.payload), arrived.set()))
        a.start()
        b.start()
        try:
            b.publish("probe/stuck", b"hold")
            assert entered.wait(5)
            for i in range(3):       # in order, from this thread, each written before publish returns
                a.publish("probe/sent", f"m{i}".encode(), qos=1)
            assert arrived.wait(3), "the message waited for the network thread"
            deadline = threading.Event()
            for _ in range(30):
                if len(got) == 3:
                    break
                deadline.wait(0.1)
            assert got == [b"m0", b"m1", b"m2"]
        finally:
            release.set()
            a.stop()
            b.stop()
