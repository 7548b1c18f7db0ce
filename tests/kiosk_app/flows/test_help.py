"""The kiosk's help flow when nobody answers, on the real broker with no controller running:
every attempt of one press carries the same request id (a retry after a lost answer is one call,
not two), the kiosk then says staff could not be called, and that message goes after its time
on the flow's clock. The requests are watched with the controller's own identity (the only one
allowed to read them); nothing answers them."""
from __future__ import annotations

import json
import threading

from drivers.core.clock import FakeClock
from hall_protocol import contract
from kiosk_app.clients.help import HelpClient
from kiosk_app.flows.help import HelpFlow
from kiosk_app.i18n import tr

HALL = "demo-hall"


def test_a_press_nobody_answers_is_retried_with_one_request_id_then_reported(broker, device):
    seen: list[dict] = []
    both = threading.Event()

    def watch(msg) -> None:
        seen.append(json.loads(msg.payload))
        if len(seen) >= 2:
            both.set()

    device("hall-controller").subscribe(contract.HELP_REQUEST.format(hall=HALL, client="+"), watch)
    clock = FakeClock()
    flow = HelpFlow(HelpClient(device("kiosk-01"), HALL, timeout=1.0, attempts=2), clock, robot=True)
    states: list[str] = []
    flow.listeners.append(lambda s: states.append(s.status))

    state = flow.press("payment", "payment_failed", elderly=True, lang="en")

    assert both.wait(5) and len(seen) == 2
    assert seen[0] == seen[1] and seen[0]["page"] == "payment" and seen[0]["problem"] == "payment_failed"
    assert seen[0]["elderly"] is True and seen[0]["lang"] == "en"
    assert states == ["sending", "failed"] and state.help_id is None and state.robot is None  # no robot asked
    assert tr(state.message_key, "en") == "Staff could not be called. Please go to the help desk"
    clock.advance(29)
    assert flow.tick().status == "failed"
    clock.advance(1)
    assert flow.tick().status == "idle" and flow.state.message_key is None
