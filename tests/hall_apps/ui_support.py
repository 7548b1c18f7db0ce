"""Helpers for the tests of the calling screens and the window caller: a controller on a
clock the test drives (so the calling order does not move while the test looks at it), and
waiting on a condition while Qt's events run (no sleeping on a fixed time)."""
from __future__ import annotations

import time

import pytest

from drivers.core.clock import FakeClock
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.mqtt import Endpoint
from tests.support.fixtures import new_request_id

HALL = "demo-hall"
TIMEOUT = 30.0  # generous: a wait ends as soon as its condition holds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def clocked_controller(suite_config, broker, clock):
    c = HallController(suite_config, make_engine(suite_config.database.url), clock=clock,
                       password=broker.passwords[suite_config.controller_id])
    c.start()
    yield c
    c.stop()  # also after a simulated crash: its other threads (housekeeping, backend link) end too


def wait_for(cond, timeout: float = TIMEOUT, app=None) -> bool:
    """Poll `cond` (running Qt events when an app is given) until it holds or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app is not None:
            app.processEvents()
        if cond():
            return True
        time.sleep(0.01)
    return False


def endpoint(broker, client_id: str) -> Endpoint:
    """An endpoint for a provisioned device, not yet started (a model attaches first)."""
    return Endpoint(client_id, "127.0.0.1", broker.port, username=client_id, password=broker.passwords[client_id])


def issue(device, clock, services, priority: str = "normal", step: float = 30.0) -> list[str]:
    """Take tickets at kiosk-01, `step` seconds apart on the test's clock."""
    kiosk = device("kiosk-01")
    numbers = []
    for s in services:
        r = kiosk.request(f"hall/{HALL}/request/ticket/kiosk-01",
                          {"service": s, "request_id": new_request_id(), "priority": priority})
        assert r["status"] == "ok", r
        numbers.append(r["data"]["number"])
        clock.advance(step)
    return numbers
