"""Fuzz: a few thousand malformed requests to every request topic of a running controller (a
real process on a real broker), from the devices allowed to send them, seeded and bounded.

- not one traceback in the controller's log, and no log line longer than a bound;
- every message that names a legal response topic (the sender's own reply/<id>/...) gets an
  answer with its correlation data, of bounded size (a malformed one: `bad_request`, saying
  what and where);
- a message naming another response topic (a wildcard, another device's, too deep) gets none;
- the controller stays online throughout (its presence never goes offline) and answers a
  plain ticket request at the end.
"""
from __future__ import annotations

import json
import random
import threading
import time
import uuid

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from demo.processes import Processes
from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from tests.support.fixtures import EXAMPLE_HALL

SEED = 20261207
PER_TOPIC = 400
MAX_ANSWER = 2048        # bytes of an answer to a malformed request
MAX_LOG_LINE = 1500      # characters of one line of the controller's log
HALL = "demo-hall"
DAY = "2026-12-07"

# (topic, the device that may send it, a well-formed payload the mutations start from)
SENDERS = [
    (contract.TICKET_REQUEST, "kiosk-01", lambda: {"service": "A", "request_id": uuid.uuid4().hex}),
    (contract.WINDOW_REQUEST, "caller-w1", lambda: {"window": 1, "action": "status"}),
    (contract.BACKEND_REQUEST, "kiosk-01", lambda: {"op": "matters", "request_id": uuid.uuid4().hex}),
    (contract.ROBOT_REQUEST, "kiosk-01", lambda: {"request_id": uuid.uuid4().hex, "kind": "greet"}),
    (contract.HELP_REQUEST, "kiosk-01", lambda: {"request_id": uuid.uuid4().hex, "page": "home"}),
    (contract.HELP_ACK, "caller-w1", lambda: {"help_id": "h" * 12, "request_id": uuid.uuid4().hex}),
    (contract.REPORT_REQUEST, "supervisor-desk", lambda: {"day_from": DAY}),
    # the hall floor's (issue 13): staff sign-in, a pad's rating, a follow-up step, an alert's acknowledgement
    (contract.STAFF_REQUEST, "caller-w1", lambda: {"action": "sign_out", "window": 1, "request_id": uuid.uuid4().hex}),
    (contract.RATING_REQUEST, "pad-w1", lambda: {"request_id": uuid.uuid4().hex, "ticket": "A001", "score": 5}),
    (contract.CASE_REQUEST, "supervisor-desk", lambda: {"case_id": "FU-20261207-A001", "step": "assign", "by": "0900",
                                                        "request_id": uuid.uuid4().hex}),
    (contract.ALERT_ACK, "supervisor-desk", lambda: {"alert_id": "wait:A", "request_id": uuid.uuid4().hex}),
]


def nasty_values(rng: random.Random) -> list:
    deep = "[" * 5000 + "]" * 5000
    return [None, "", " ", "x" * 5000, -1, 0, 2 ** 70, -2 ** 70, 1e308, float("nan"), True, [], {}, [1, 2],
            {"a": {"b": {"c": 1}}}, "hall/+/#", "reply/caller-w1/x", "../../etc/passwd", "A" * 65, "Z", "a",
            "\u0000", "😀" * 30, "１２３", "11010519491231002X", "13800138000", deep, rng.random(),
            rng.randint(-10 ** 9, 10 ** 9), "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(20))]


def raw_garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(10)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))    # not UTF-8, not JSON
    if kind == 1:
        return b"[" * 100_000 + b"]" * 100_000                                    # deep nesting, oversized
    if kind == 2:
        return b'{"service": "A", "request_id": "\\ud800\\udfff\\ud800abcdefgh"}'  # a lone surrogate
    if kind == 3:
        # 20,000 unknown keys, ~210 KB: under the broker's packet limit, for the controller to refuse
        return json.dumps({f"k{i}": 0 for i in range(20_000)}, separators=(",", ":")).encode()
    if kind == 4:
        return b""
    if kind == 5:
        return b"null"
    if kind == 6:
        return b'"just a string"'
    if kind == 7:
        return b"[" * 3000 + b"]" * 3000                                          # deep, under the size cap
    if kind == 8:
        return b'{"a": 1' * 50
    return json.dumps([1, 2, 3]).encode()


def mutate(rng: random.Random, base: dict, model) -> bytes:
    if rng.random() < 0.3:
        return raw_garbage(rng)
    data = dict(base)
    fields = list(model.model_fields)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.6:
            data[rng.choice(fields)] = rng.choice(nasty_values(rng))
        elif r < 0.8:
            data[f"unknown_{rng.randrange(1000)}"] = rng.choice(nasty_values(rng))
        elif data:
            data.pop(rng.choice(list(data)))
    try:
        text = json.dumps(data, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    except (ValueError, RecursionError):
        return raw_garbage(rng)
    return text.encode("utf-8", "surrogatepass")


class Sender:
    """A raw MQTT 5 client of one device: publishes with any Response Topic, collects answers."""

    def __init__(self, name: str, port: int, password: str) -> None:
        self.name, self.answers, self.cv = name, {}, threading.Condition()
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=name, protocol=paho.MQTTv5)
        self.client.username_pw_set(name, password)
        self.client.on_message = self._on_message
        self.dropped = threading.Event()   # the broker closed the connection
        self.client.on_disconnect = lambda *a: self.dropped.set()
        ready = threading.Event()
        self.client.on_subscribe = lambda *a: ready.set()
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe(f"reply/{name}/#", qos=1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert ready.wait(10), f"{name} could not subscribe"

    def _on_message(self, client, userdata, msg) -> None:
        corr = getattr(msg.properties, "CorrelationData", b"") or b""
        with self.cv:
            self.answers[corr.hex()] = msg.payload
            self.cv.notify_all()

    def send(self, topic: str, payload: bytes, reply_to: str | None) -> str:
        corr = uuid.uuid4().bytes
        props = Properties(PacketTypes.PUBLISH)
        props.CorrelationData = corr
        if reply_to is not None:
            props.ResponseTopic = reply_to
        self.client.publish(topic, payload, qos=1, properties=props).wait_for_publish(10)
        return corr.hex()

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_thousands_of_malformed_requests_get_bounded_answers_and_no_traceback(tmp_path, hall_config):
    rng = random.Random(SEED)
    broker = MosquittoBroker(tmp_path / "broker", identities(hall_config)).start()
    toml = tmp_path / "hall.toml"
    # The fuzz sends far faster than a device may: the per-device rate limit is lifted here (the
    # flood test keeps it), so that every message is handled and must be answered.
    toml.write_text(EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {broker.port}")
                    + "\n[limits]\nrequests_per_s = 100000.0\nburst = 100000.0\nqueued_per_device = 100000\n",
                    encoding="utf-8")
    procs = Processes(tmp_path)
    senders: dict[str, Sender] = {}
    presence: list[str] = []
    # the calling screen reads the controller's presence (the desk's identity is a sender below)
    watcher = Endpoint("screen-main", "127.0.0.1", broker.port, username="screen-main",
                       password=broker.passwords["screen-main"])
    try:
        procs.spawn("controller", ["-m", "hall_controller", "--config", str(toml), "--database",
                                   f"sqlite:///{tmp_path}/hall.db"],
                    env={"HALL_MQTT_PASSWORD": broker.passwords[hall_config.controller_id]},
                    ready="hall-controller: ready")
        watcher.start()
        watcher.subscribe(contract.PRESENCE.format(client=hall_config.controller_id),
                          lambda m: presence.append(json.loads(m.payload)["state"]))
        expected: dict[str, list[str]] = {}   # sender -> correlation ids that must be answered
        payloads: dict[str, bytes] = {}       # correlation id -> what was sent
        silent: dict[str, list[str]] = {}     # sender -> correlation ids that must not be
        for topic, name, make in SENDERS:
            if name not in senders:
                senders[name] = Sender(name, broker.port, broker.passwords[name])
            s = senders[name]
            target = topic.format(hall=HALL, client=name)
            for i in range(PER_TOPIC):
                payload = mutate(rng, make(), topic.model)
                roll = rng.random()
                if roll < 0.9:
                    corr = s.send(target, payload, f"reply/{name}/fuzz/{i}")
                    expected.setdefault(name, []).append(corr)
                    payloads[corr] = payload
                else:
                    bad = rng.choice([None, "reply/+/x", "reply/#", f"hall/{HALL}/state/board",
                                      "reply/kiosk-02/x" if name != "kiosk-02" else "reply/caller-w2/x",
                                      f"reply/{name}/" + "/".join(["x"] * 12), f"reply/{name}/" + "y" * 300])
                    silent.setdefault(name, []).append(s.send(target, payload, bad))
        sent = sum(map(len, expected.values())) + sum(map(len, silent.values()))
        assert sent >= 2500, sent

        deadline = time.monotonic() + 90
        for name, corrs in expected.items():
            s = senders[name]
            with s.cv:
                s.cv.wait_for(lambda: all(c in s.answers for c in corrs), max(0.1, deadline - time.monotonic()))
            missing = [c for c in corrs if c not in s.answers]
            assert not missing, (f"{name}: {len(missing)} of {len(corrs)} requests got no answer, e.g. "
                                 f"{payloads[missing[0]][:300]!r}")
        codes: dict[str, int] = {}
        for name, corrs in expected.items():
            for c in corrs:
                body = senders[name].answers[c]
                answer = json.loads(body)
                assert answer["transaction"] == c
                if answer["status"] == "error":
                    assert len(body) <= MAX_ANSWER, f"an answer of {len(body)} bytes: {body[:200]!r}"
                    assert answer["error"] and answer["code"]
                    codes[answer["code"]] = codes.get(answer["code"], 0) + 1
        assert codes.get("bad_request", 0) >= len(SENDERS) * PER_TOPIC * 0.5, codes
        assert "internal_error" not in codes, codes
        time.sleep(1.0)  # anything a silent request would have caused has arrived by now
        for name, corrs in silent.items():
            stray = [c for c in corrs if c in senders[name].answers]
            assert not stray, f"{name}: {len(stray)} requests with a foreign response topic were answered"

        # still online, and still serving
        kiosk = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01",
                         password=broker.passwords["kiosk-01"])
        kiosk.start()
        try:
            ok = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                               {"service": "B", "request_id": uuid.uuid4().hex})
        finally:
            kiosk.stop()
        assert ok["status"] == "ok", ok
        assert presence and "offline" not in presence, presence
    finally:
        for s in senders.values():
            s.stop()
        watcher.stop()
        procs.stop_all()
        broker.stop()
    log = (tmp_path / "controller.log").read_text("utf-8", "replace")
    assert "Traceback" not in log, log[log.find("Traceback") - 500: log.find("Traceback") + 3000]
    longest = max(log.splitlines(), key=len)
    assert len(longest) <= MAX_LOG_LINE, f"a log line of {len(longest)} characters: {longest[:300]}"
    print(f"\nfuzz: {sent} messages, answers by code {dict(sorted(codes.items()))}")


def test_the_broker_refuses_an_oversized_packet_and_the_hall_goes_on(controller, device, broker):
    """A kiosk that sends a packet above the broker's limit is disconnected by the broker; the
    controller never sees it and answers the next request."""
    from hall_controller.tools.provision import MAX_PACKET
    hostile = Sender("kiosk-01", broker.port, broker.passwords["kiosk-01"])
    try:
        handled, rejected = controller.handled, sum(controller.rejected.values())
        hostile.send(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"), b"{" + b" " * MAX_PACKET + b"}",
                     "reply/kiosk-01/big")
        assert hostile.dropped.wait(5), "the broker took a packet above its limit"
        assert (controller.handled, sum(controller.rejected.values())) == (handled, rejected)
    finally:
        hostile.stop()
    kiosk = device("kiosk-01")
    r = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                      {"service": "A", "request_id": uuid.uuid4().hex})
    assert r["status"] == "ok" and controller.endpoint.connected.is_set()


def test_the_controller_never_publishes_what_the_broker_would_refuse(controller, device, caplog):
    """A state message larger than the broker's Maximum Packet Size (told in its CONNACK) is not
    sent but logged: sending it would cost the controller its connection, again after every
    reconnect (the unacknowledged message is sent anew)."""
    import logging

    import paho.mqtt.client as paho_client

    from hall_controller.tools.provision import MAX_PACKET
    ep = controller.endpoint
    assert ep.max_packet == MAX_PACKET, "the broker did not tell its maximum packet size"
    caplog.set_level(logging.ERROR, logger="hall_protocol.mqtt")
    info = ep.publish(f"hall/{HALL}/state/tickets", b"x" * MAX_PACKET, qos=1, retain=True)
    assert info.rc == paho_client.MQTT_ERR_PAYLOAD_SIZE
    assert any("not published" in r.getMessage() for r in caplog.records)
    time.sleep(1.0)
    assert ep.connected.is_set()
    kiosk = device("kiosk-01")
    r = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                      {"service": "A", "request_id": uuid.uuid4().hex})
    assert r["status"] == "ok"
