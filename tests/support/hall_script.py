"""A scripted hall over MQTT, as its devices drive it: a kiosk issuing tickets, callers calling,
serving and finishing, the kiosk rating every finished ticket (tests of the platform link)."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from hall_protocol import contract
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient

HALL = "demo-hall"


def wait_for(cond, timeout: float = 90.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        threading.Event().wait(0.1)
    pytest.fail(f"timed out waiting for {what}")


class ScriptedHall:
    def __init__(self, device) -> None:
        self.kiosk_ep = device("kiosk-01")
        self.tickets = TicketClient(self.kiosk_ep, HALL, timeout=10)
        self.backend = KioskBackend(self.kiosk_ep, HALL, timeout=20)
        self.callers = {n: device(f"caller-w{n}") for n in (1, 2)}
        self.issued: list[str] = []
        self.rated: list[str] = []

    def window(self, n: int, action: str) -> dict:
        ep = self.callers[n]
        r = ep.request(contract.WINDOW_REQUEST.format(hall=HALL, client=ep.client_id),
                       {"window": n, "action": action, "request_id": uuid.uuid4().hex}, timeout=10)
        assert r["status"] == "ok", r
        return r["data"]

    def round(self, services: str = "AAB") -> None:
        """Issue tickets, serve what the windows call, rate every finished ticket."""
        for s in services:
            self.issued.append(self.tickets.request(s).number)
        for n in (1, 2):
            called = self.window(n, "call_next")["ticket"]
            if called is None:
                continue
            self.window(n, "start")
            self.window(n, "finish")
            self.backend.rate(called["number"], 1 + len(self.rated) % 5, reason_codes=["r"])
            self.rated.append(called["number"])
