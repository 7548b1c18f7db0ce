"""A flooding kiosk does not hold up the others: kiosk-01 fires 2,000 ticket requests without
waiting while kiosk-02 takes tickets one by one, on the real broker and controller with the
hall's default limits. kiosk-02 is answered every time, and about as fast as without the flood
(its p50/p99 are printed; bench/bench_flood.py measures the delay against its limit); the
flood is cut to the device's rate and share."""
from __future__ import annotations

import statistics
import threading
import time
import uuid

import pytest

from config.schema import DeviceConfig
from hall_protocol import contract
from tests.support.fixtures import new_request_id

HALL = "demo-hall"
FLOOD = 2000
VICTIM_TICKETS = 30


@pytest.fixture
def hall_config(hall_config):
    hall = hall_config.halls[0]
    hall = hall.model_copy(update={"devices": [*hall.devices, DeviceConfig(id="kiosk-02", role="kiosk")]})
    return hall_config.model_copy(update={"halls": [hall]})


def p(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] * 1000


def take(kiosk, n: int) -> list[float]:
    """n tickets, one every 0.1 s at most (a busy kiosk; within the device's own rate)."""
    topic = contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-02")
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        if out:
            time.sleep(max(0.0, 0.1 - out[-1]))
            t0 = time.perf_counter()
        r = kiosk.request(topic, {"service": "B", "request_id": new_request_id()}, timeout=5.0)
        out.append(time.perf_counter() - t0)
        assert r["status"] == "ok", r
    return out


def test_a_flooding_kiosk_does_not_delay_another(controller, device):
    flooder, victim = device("kiosk-01"), device("kiosk-02")
    quiet = take(victim, VICTIM_TICKETS)
    flood_topic = contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01")
    answers: list[bytes] = []
    flooder.subscribe("reply/kiosk-01/flood", lambda m: answers.append(m.payload))
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    def flood() -> None:
        for i in range(FLOOD):
            props = Properties(PacketTypes.PUBLISH)
            props.ResponseTopic, props.CorrelationData = "reply/kiosk-01/flood", uuid.uuid4().bytes
            flooder.publish(flood_topic, f'{{"service": "A", "request_id": "{uuid.uuid4().hex}"}}', properties=props)
            if i % 100 == 99:
                time.sleep(0.1)   # spread over the victim's tickets (~2 s)
    sender = threading.Thread(target=flood)
    sender.start()
    loaded = take(victim, VICTIM_TICKETS)   # while the flood arrives
    sender.join()
    print(f"\nkiosk-02 ticket round trip, quiet: p50 {p(quiet, 50):.1f} ms p99 {p(quiet, 99):.1f} ms; "
          f"during kiosk-01's flood of {FLOOD}: p50 {p(loaded, 50):.1f} ms p99 {p(loaded, 99):.1f} ms; "
          f"the flood: {controller.rejected['rate_limited']} dropped, {len(answers)} answered so far")
    # The old controller delayed every other kiosk by 2-6 s under such a flood; here every one of
    # kiosk-02's tickets was answered "ok" within its 5 s (take). How long it waited is a speed,
    # measured against its limit by bench/bench_flood.py on a quiet machine, not asserted here: a
    # CI machine's disk (an fsync behind other tests' writes) once held one answer for 2 s.
    issued_b = sum(1 for t in controller.queues[HALL].tickets.values() if t.service == "B")
    assert issued_b == 2 * VICTIM_TICKETS, "kiosk-02's tickets were not all issued"
    assert controller.rejected["rate_limited"] >= FLOOD // 2, "the flood was not cut to the device's rate"
    issued_a = sum(1 for t in controller.queues[HALL].tickets.values() if t.service == "A")
    assert issued_a <= controller.config.limits.burst + controller.config.limits.requests_per_s * 10
