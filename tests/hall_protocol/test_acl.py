"""The broker's ACL comes from the contract's topic table; every row is proved on the real
Mosquitto: each role publishes (and subscribes) where the table lets it, and is refused
where it does not (MQTT 5 PUBACK / SUBACK reason 0x87 "Not authorized")."""
from __future__ import annotations

import threading
import time

import paho.mqtt.client as paho
import pytest
from paho.mqtt.subscribeoptions import SubscribeOptions

from hall_controller.tools.provision import identities
from hall_protocol.acl import rules_for
from hall_protocol.contract import TOPICS, Topic, who
from hall_protocol.docs import render_markdown

HALL, OTHER_HALL = "demo-hall", "other-hall"
# One identity of each role from config/examples/hall.toml.
IDS = {"controller": "hall-controller", "kiosk": "kiosk-01", "caller": "caller-w1", "screen": "screen-main",
       "display": "display-w1", "supervisor": "supervisor-desk", "robot": "robot-01", "web": "web-01",
       "ratingpad": "pad-w1", "technician": "tech-01"}
NOT_AUTHORIZED = 0x87


class Probe:
    """An MQTT 5 client that reports PUBACK and SUBACK reason codes."""

    def __init__(self, port: int, user: str, password: str) -> None:
        # the identity's own client id: the broker binds it to the credentials
        self.c = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5, client_id=user)
        self.c.username_pw_set(user, password)
        self.acks: dict[int, int] = {}
        self.got: list[str] = []
        self.c.on_message = lambda c, u, m: self.got.append(m.topic)
        self.cond = threading.Condition()
        self.c.on_publish = lambda c, u, mid, rc, p: self._ack(mid, rc.value)
        self.c.on_subscribe = lambda c, u, mid, rcs, p: self._ack(mid, rcs[0].value)
        connected = threading.Event()
        self.c.on_connect = lambda *a: connected.set()
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()
        assert connected.wait(10)

    def _ack(self, mid: int, code: int) -> None:
        with self.cond:
            self.acks[mid] = code
            self.cond.notify_all()

    def _wait(self, mid: int) -> int:
        with self.cond:
            assert self.cond.wait_for(lambda: mid in self.acks, 10), "no acknowledgement"
            return self.acks[mid]

    def publish(self, topic: str) -> int:
        return self._wait(self.c.publish(topic, b"", qos=1).mid)  # empty, not retained: readers ignore it

    def subscribe(self, topic: str) -> int:
        return self._wait(self.c.subscribe(topic, options=SubscribeOptions(qos=1))[1])

    def close(self) -> None:
        self.c.disconnect()
        self.c.loop_stop()


def concrete(topic: Topic, role: str, *, other: bool = False, reading: bool = False) -> str:
    """A concrete topic the role's identity would use: its own ids (or another device's)."""
    me = IDS[role]
    values = {}
    for name in topic.placeholders:
        if name == "hall":
            values[name] = OTHER_HALL if other and role == "controller" else HALL
        elif name == "rest":
            values[name] = "x1"
        elif (topic.read if reading else topic.publish).get(role) == "controller":
            values[name] = IDS["controller"]
        else:
            values[name] = "kiosk-02" if other else me
    return topic.format(**values)


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    from config import HallSuiteConfig, load_config
    from devkit.broker import MosquittoBroker
    from tests.support.fixtures import EXAMPLE_HALL
    config = load_config(EXAMPLE_HALL, HallSuiteConfig)
    broker = MosquittoBroker(tmp_path_factory.mktemp("acl"), identities(config)).start()
    out = {role: Probe(broker.port, cid, broker.passwords[cid]) for role, cid in IDS.items()}
    yield out
    for p in out.values():
        p.close()
    broker.stop()


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.pattern)
def test_every_row_of_the_topic_table_holds_on_the_real_broker(probes, topic):
    for role in IDS:
        got = probes[role].publish(concrete(topic, role))
        assert (got < 0x80) == (role in topic.publish), f"{role} publish {concrete(topic, role)}: 0x{got:02x}"
        if topic.publish.get(role) == "own":  # nobody publishes under another device's id
            other = concrete(topic, role, other=True)
            if other != concrete(topic, role):
                assert probes[role].publish(other) == NOT_AUTHORIZED, f"{role} publish {other}"
    # Reads: the broker refuses a subscription outside the role's rules (SUBACK 0x87) and
    # filters on delivery as well, so each role subscribes and a publisher of the row sends one
    # message meant for that role.
    publisher = next(iter(topic.publish))
    sent = {}
    for role in IDS:
        probes[role].got.clear()
        flt = concrete(topic, role, reading=True) if topic.publish[publisher] == "any" else concrete(topic, publisher)
        sent[role] = flt
        granted = probes[role].subscribe(flt) < 0x80
        assert granted == (role in topic.read and _may_read(role, flt)), f"{role} subscribe {flt}: {granted}"
    for flt in set(sent.values()):
        probes[publisher].publish(flt)
    time.sleep(0.4)
    for role, flt in sent.items():
        received = flt in probes[role].got
        assert received == (role in topic.read and _may_read(role, flt)), f"{role} read {flt}: {received}"
        probes[role].c.unsubscribe(flt)


def _may_read(role: str, topic: str) -> bool:
    """Whether the role's generated rules let it read this concrete topic."""
    return any(access in ("read", "readwrite") and paho.topic_matches_sub(flt, topic)
               for access, flt in rules_for(role, IDS[role], HALL, IDS["controller"]))


def test_the_documents_columns_come_from_the_same_table():
    doc = render_markdown()
    for t in TOPICS:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{t.pattern.replace('{root}', 'hall')}`"))
        assert f"| {who(t.publish)} | {who(t.read)} |" in row
    assert rules_for("kiosk", "kiosk-01", HALL, "hall-controller")[0] == \
        ("write", "hall/demo-hall/request/ticket/kiosk-01")
    with pytest.raises(ValueError, match="unknown role 'printer'"):
        rules_for("printer", "p-1", HALL, "hall-controller")
