"""One controller process serves a town centre and a village station: each hall has its own
numbering, board and devices, and a device of one hall cannot act in the other."""
from __future__ import annotations

import json
import threading

import pytest

from config.schema import DeviceConfig, HallConfig, ServiceConfig, WindowConfig
from devkit.broker import MosquittoBroker
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import extra_identity, identities
from hall_protocol.mqtt import Endpoint, MqttError
from tests.support.fixtures import new_request_id

VILLAGE = HallConfig(
    id="village-01", name="东村便民服务站", name_en="East Village Service Station",
    services=[ServiceConfig(code="A", name="综合受理", name_en="General Services")],
    windows=[WindowConfig(number=1, services={"A": 1.0})],
    devices=[DeviceConfig(id="kiosk-v1", role="kiosk"), DeviceConfig(id="caller-v1", role="caller", window=1),
             DeviceConfig(id="screen-v1", role="screen")])


@pytest.fixture
def two_halls(tmp_path, hall_config, database_url):
    cfg = hall_config.model_copy(update={"halls": [hall_config.halls[0], VILLAGE]})
    # "probe" has rights wider than any device's, to show the controller's own checks.
    probe = extra_identity("probe", "test", [("write", "hall/#"), ("read", "reply/probe/#")])
    broker = MosquittoBroker(tmp_path / "broker", [*identities(cfg), probe]).start()
    cfg = cfg.model_copy(update={"broker": cfg.broker.model_copy(update={"port": broker.port})})
    c = HallController(cfg, make_engine(database_url), password=broker.passwords[cfg.controller_id])
    c.start()
    eps = []

    def connect(cid):
        ep = Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
        ep.start()
        eps.append(ep)
        return ep
    yield c, connect
    for ep in eps:
        ep.stop()
    c.stop()
    broker.stop()


def test_each_hall_numbers_and_calls_on_its_own(two_halls):
    c, connect = two_halls
    town, village = connect("kiosk-01"), connect("kiosk-v1")
    for _ in range(2):
        town.request("hall/demo-hall/request/ticket/kiosk-01", {"service": "A", "request_id": new_request_id()})
    r = village.request("hall/village-01/request/ticket/kiosk-v1", {"service": "A", "request_id": new_request_id()})
    assert r["data"]["number"] == "A001" and r["data"]["hall_name"] == "东村便民服务站"
    screen = connect("screen-v1")
    boards, got = [], threading.Event()
    screen.subscribe("hall/village-01/state/board",
                     lambda m: (boards.append(json.loads(m.payload)), boards[-1]["current"] and got.set()))
    caller = connect("caller-v1")
    out = caller.request("hall/village-01/request/window/caller-v1", {"window": 1, "action": "call_next", "request_id": new_request_id()})
    assert out["data"]["ticket"]["number"] == "A001"
    assert got.wait(5)
    assert boards[-1]["hall"] == "village-01" and boards[-1]["waiting"] == {"A": 0}
    assert len(c.queues["demo-hall"].waiting()) == 2  # the town centre's queue is untouched


def test_a_device_cannot_act_in_another_hall(two_halls):
    c, connect = two_halls
    village_kiosk = connect("kiosk-v1")
    # The broker drops a publish outside the kiosk's own hall: no answer ever comes.
    with pytest.raises(MqttError, match="no answer"):
        village_kiosk.request("hall/demo-hall/request/ticket/kiosk-v1",
                              {"service": "A", "request_id": new_request_id()}, timeout=1.5)
    assert c.queues["demo-hall"].waiting() == []
    # A town caller naming the village's window is refused by the controller too.
    caller = connect("caller-w1")
    with pytest.raises(MqttError):
        caller.request("hall/village-01/request/window/caller-w1", {"window": 1, "action": "call_next", "request_id": new_request_id()},
                       timeout=1.5)


def test_controller_refuses_tickets_for_a_kiosk_of_another_hall_even_past_the_broker(two_halls):
    """Defence in depth: should the broker's rules be too wide, the controller checks too.
    (The probe's broker rights are wider than any device's.) Under another device's topic the
    probe can only name its own reply topic, which is not the topic's device's: the request is
    refused unexecuted and unanswered. Under its own id, it is not a kiosk of the hall."""
    c, connect = two_halls
    probe = connect("probe")
    with pytest.raises(MqttError, match="no answer"):
        probe.request("hall/demo-hall/request/ticket/kiosk-v1", {"service": "A", "request_id": new_request_id()},
                      timeout=1.5)
    assert c.rejected["reply_topic"] == 1
    answer = probe.request("hall/demo-hall/request/ticket/probe", {"service": "A", "request_id": new_request_id()})
    assert answer["status"] == "error" and answer["code"] == "forbidden" and "not a kiosk" in answer["error"]
    assert c.queues["demo-hall"].waiting() == []

