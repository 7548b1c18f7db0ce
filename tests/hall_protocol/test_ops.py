"""Remote operations on the real broker with real identities (hall_protocol/ops.py, hall-ops):
the technician's access rules (it cannot issue a ticket, command a window or reach another hall;
a kiosk cannot send ops requests), the masked log through `hall-ops log`, and bounded refusals."""
from __future__ import annotations

import json
import logging
import threading
import time

import pytest

from hall_controller.tools import ops_cli
from hall_protocol import contract
from hall_protocol.ops import LogRing, OpsResponder
from hall_protocol.ops_client import OpsClient
from hall_protocol.mqtt import Endpoint
from tests.hall_protocol.test_acl import NOT_AUTHORIZED, Probe
from tests.support.fixtures import EXAMPLE_HALL

HALL = "demo-hall"
TECH = "tech-01"  # config/examples/hall.toml: [[technicians]] for demo-hall only
RAW_ID = "11010519491231002X"  # a synthetic resident ID number (valid check digit)


def _cli(broker, capsys, *args) -> tuple[int, str, str]:
    code = ops_cli.main(["--config", str(EXAMPLE_HALL), "--id", TECH, "--broker-port", str(broker.port),
                         "--timeout", "10", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def tech_env(broker, monkeypatch):
    monkeypatch.setenv("HALL_MQTT_PASSWORD", broker.passwords[TECH])


def test_the_technician_can_neither_issue_a_ticket_nor_command_a_window(controller, broker):
    before = controller.handled
    tech = Probe(broker.port, TECH, broker.passwords[TECH])
    try:
        ticket = contract.TICKET_REQUEST.format(hall=HALL, client=TECH)
        window = contract.WINDOW_REQUEST.format(hall=HALL, client=TECH)
        for topic, payload in ((ticket, {"service": "A", "request_id": "tech-ticket-0001"}),
                               (window, {"window": 1, "action": "call_next", "request_id": "tech-window-001"})):
            mid = tech.c.publish(topic, json.dumps(payload), qos=1).mid
            assert tech._wait(mid) == NOT_AUTHORIZED, topic
        # nor as somebody else: a kiosk's ticket topic, the controller's window topic
        assert tech.publish(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01")) == NOT_AUTHORIZED
        assert tech.publish(contract.WINDOW_REQUEST.format(hall=HALL, client="hall-controller")) == NOT_AUTHORIZED
        assert tech.publish(contract.PRESENCE.format(client="kiosk-01")) == NOT_AUTHORIZED
        time.sleep(0.5)
        assert controller.handled == before and not controller.rejected  # it never saw them
    finally:
        tech.close()


def test_a_kiosk_cannot_send_ops_requests_and_a_technician_reaches_only_its_halls(broker):
    kiosk = Probe(broker.port, "kiosk-01", broker.passwords["kiosk-01"])
    tech = Probe(broker.port, TECH, broker.passwords[TECH])
    try:
        for client in ("kiosk-01", TECH):
            assert kiosk.publish(contract.OPS_REQUEST.format(hall=HALL, device="screen-main",
                                                             client=client)) == NOT_AUTHORIZED
        # a kiosk answers only as itself
        assert kiosk.publish(contract.OPS_REPLY.format(hall=HALL, device="screen-main", client=TECH)) == NOT_AUTHORIZED
        assert kiosk.publish(contract.OPS_REPLY.format(hall=HALL, device="kiosk-01", client=TECH)) < 0x80
        assert tech.publish(contract.OPS_REQUEST.format(hall=HALL, device="kiosk-01", client=TECH)) < 0x80
        # another hall's devices, and another technician's name, are out of reach
        assert tech.publish(contract.OPS_REQUEST.format(hall="other-hall", device="kiosk-9",
                                                        client=TECH)) == NOT_AUTHORIZED
        assert tech.publish(contract.OPS_REQUEST.format(hall=HALL, device="kiosk-01",
                                                        client="tech-02")) == NOT_AUTHORIZED
        assert tech.subscribe(contract.OPS_REPLY.format(hall="other-hall", device="+", client=TECH)) == NOT_AUTHORIZED
        assert tech.subscribe(contract.OPS_REPLY.format(hall=HALL, device="+", client="tech-02")) == NOT_AUTHORIZED
        assert tech.subscribe(contract.DEVICE_HEALTH.format(hall="other-hall", client="+")) == NOT_AUTHORIZED
        assert tech.subscribe(contract.DEVICE_HEALTH.format(hall=HALL, client="+")) < 0x80
        assert tech.subscribe(contract.PRESENCE.format(client="+")) < 0x80
    finally:
        kiosk.close()
        tech.close()


def test_hall_ops_log_returns_recent_lines_with_the_id_number_masked(broker, tech_env, capsys):
    ring = LogRing.install()
    ep = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01", password=broker.passwords["kiosk-01"])
    OpsResponder(ep, "kiosk-01", "kiosk", [HALL], ring=ring, counters=lambda: {"printer.prints": 3}).attach()
    ep.start()
    try:
        logger = logging.getLogger("kiosk_app.flows.citizen")
        old = logger.level
        logger.setLevel(logging.INFO)
        logger.warning("citizen %s had no appointment", RAW_ID)  # raw, as a careless line would log it
        logger.setLevel(old)
        code, out, err = _cli(broker, capsys, "log", "kiosk-01", "--lines", "50")
        assert code == 0, err
        assert "citizen 110105********002X had no appointment" in out, out
        assert RAW_ID not in out and RAW_ID not in "".join(ring.lines)
        code, out, _ = _cli(broker, capsys, "counters", "kiosk-01")
        assert code == 0 and "printer.prints 3" in out
        code, out, _ = _cli(broker, capsys, "info", "kiosk-01")
        assert code == 0 and "role: kiosk" in out and "pid: " in out
        code, _, err = _cli(broker, capsys, "push-config", "kiosk-01", "idle_timeout_s=90")
        assert code == 1 and "not_supported" in err  # this responder takes no configuration
        code, _, err = _cli(broker, capsys, "log", "kiosk-99")
    except SystemExit as exit_:  # argparse: kiosk-99 is not a device of the file
        assert exit_.code == 2
        assert "kiosk-99" in capsys.readouterr().err
    finally:
        ep.stop()


def test_a_bad_ops_request_gets_a_bounded_refusal(broker):
    ep = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01", password=broker.passwords["kiosk-01"])
    OpsResponder(ep, "kiosk-01", "kiosk", [HALL]).attach()
    ep.start()
    tech_ep = Endpoint(TECH, "127.0.0.1", broker.port, username=TECH, password=broker.passwords[TECH])
    tech = OpsClient(tech_ep, [HALL])
    too_large: list = []
    done = threading.Event()

    def on_reply(msg) -> None:
        answer = json.loads(msg.payload)
        if answer.get("code") == "too_large":
            too_large.append(answer)
            done.set()
    tech_ep.subscribe(contract.OPS_REPLY.format(hall=HALL, device="kiosk-01", client=TECH), on_reply)
    tech_ep.start()
    try:
        answer = tech.ask(HALL, "kiosk-01", "format_disk")
        assert answer.status == "error" and answer.code == "bad_request" and "op" in answer.error
        assert len(answer.error) <= 300
        answer = tech.ask(HALL, "kiosk-01", "restart")
        assert answer.status == "error" and answer.code == "not_supported"
        tech_ep.publish(contract.OPS_REQUEST.format(hall=HALL, device="kiosk-01", client=TECH),
                        b'{"op": "log", "transaction": "' + b"x" * 9000 + b'"}')
        assert done.wait(10)
        assert too_large[0]["status"] == "error" and too_large[0]["transaction"] is None  # not read past the bound
    finally:
        tech_ep.stop()
        ep.stop()


def test_the_log_ring_is_bounded_and_masks_every_line():
    ring = LogRing(capacity=3)
    logger = logging.getLogger("tests.ops.ring")
    logger.addHandler(ring)
    logger.propagate = False
    try:
        logger.warning("call back 13800138000 about %s", RAW_ID)  # not masked by whoever logged it
        logger.warning("x" * 5000)
        for i in range(3):
            logger.warning("line %d", i)
    finally:
        logger.removeHandler(ring)
        logger.propagate = True
    tail = ring.tail(10)
    assert [line.split(": ", 1)[1] for line in tail.lines] == ["line 0", "line 1", "line 2"] and tail.dropped == 2
    ring = LogRing(capacity=5)
    logger.addHandler(ring)
    try:
        logger.warning("call back 13800138000 about %s", RAW_ID)
        logger.warning("x" * 5000)
    finally:
        logger.removeHandler(ring)
    text = "\n".join(ring.tail(5).lines)
    assert RAW_ID not in text and "13800138000" not in text and "138****8000" in text
    assert max(len(line) for line in ring.tail(5).lines) <= 1000


def test_a_technician_without_halls_reaches_every_hall_and_one_with_halls_only_those():
    from config import HallSuiteConfig, load_config
    from config.schema import TechnicianConfig
    from hall_controller.tools.provision import identities
    config = load_config(EXAMPLE_HALL, HallSuiteConfig)
    config = config.model_copy(update={"technicians": [TechnicianConfig(id="tech-city")]})
    (city,) = [i for i in identities(config) if i.role == "technician"]
    assert ("write", "hall/+/ops/+/request/tech-city") in city.rules
    assert ("read", "hall/+/ops/+/reply/tech-city") in city.rules
    assert not any("request/ticket" in t or "request/window" in t for _, t in city.rules)
    assert all(access == "read" or "/ops/" in topic for access, topic in city.rules)
    with pytest.raises(ValueError, match="names halls"):
        HallSuiteConfig.model_validate({**config.model_dump(), "technicians": [{"id": "t-2", "halls": ["nowhere"]}]})
    with pytest.raises(ValueError, match="technician ids"):
        HallSuiteConfig.model_validate({**config.model_dump(), "technicians": [{"id": "kiosk-01"}]})


def test_the_device_list_names_the_worst_part_and_who_must_act():
    from datetime import datetime, timedelta, timezone

    from hall_protocol.contract import DeviceHealth, Health, OutboxBacklog, PartHealth, Presence
    now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    started = (now - timedelta(hours=2, minutes=5)).isoformat()

    class NoBroker:  # rows() reads what arrived; no connection is needed to test the table
        client_id = TECH

        def subscribe_many(self, topics, handler):
            pass
    client = OpsClient(NoBroker(), [HALL])
    part = dict(changed_at=now.isoformat(), message="")
    client.presence.update({
        "kiosk-01": Presence(state="online", role="kiosk", halls=[HALL], version="1.2.0", started_at=started),
        "hall-controller": Presence(state="online", role="controller", version="1.2.0", started_at=started),
        "screen-main": Presence(state="offline", role="screen", version="1.2.0", started_at=started)})
    client.health["kiosk-01"] = DeviceHealth(device="kiosk-01", role="kiosk", hall=HALL, at=now.isoformat(), parts=[
        PartHealth(part="printer", state="user_error", details=["paper_out"], action="staff", **part),
        PartHealth(part="camera", state="online", action="none", **part)])
    client.controller_health["hall-controller"] = {HALL: Health(
        hall=HALL, controller="hall-controller", at=now.isoformat(), backend="unavailable",
        outbox=OutboxBacklog(count=7, oldest_age_s=30, dead=0))}
    rows = {r.device: r for r in client.rows([(HALL, "hall-controller", "controller"), (HALL, "kiosk-01", "kiosk"),
                                              (HALL, "screen-main", "screen"), (HALL, "caller-w1", "caller")], now)}
    assert rows["kiosk-01"].health == "printer user_error (paper_out): staff"
    assert rows["kiosk-01"].uptime_s == 7500 and rows["kiosk-01"].version == "1.2.0"
    assert rows["hall-controller"].health == "backend unavailable (outbox 7)"
    assert (rows["screen-main"].presence, rows["screen-main"].uptime_s) == ("offline", None)
    assert (rows["caller-w1"].presence, rows["caller-w1"].health, rows["caller-w1"].version) == ("unknown", "-", "")
    table = ops_cli.render(list(rows.values()))
    assert "kiosk-01" in table and "2h 5min" in table and table.splitlines()[0].split()[:4] == [
        "HALL", "DEVICE", "ROLE", "PRESENCE"]
