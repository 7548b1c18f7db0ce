"""The kiosk's service guide and rating pages driven without a window, against the real
controller, broker and reference server."""
from __future__ import annotations

import pytest

from hall_protocol import contract
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.civic import CivicPages
from tests.support.fixtures import new_request_id


@pytest.fixture
def database_url(tmp_path):  # platform-link tests: the controller on SQLite only
    return f"sqlite:///{tmp_path}/hall.db"

HALL = "demo-hall"


@pytest.fixture()
def pages(hall, device) -> CivicPages:
    return CivicPages(KioskBackend(device("kiosk-01"), HALL, timeout=20))


def test_guide_lists_matters_and_shows_one_in_chinese(pages: CivicPages) -> None:
    s = pages.open_guide("zh")
    assert s.page == "guide_list" and len(s.matters) == 12
    s = pages.show_guide(s.matters[0].matter_id)
    lines = pages.guide_lines()
    assert s.page == "guide" and lines[0] == s.guide.name and "所需材料" in lines
    assert any(line.startswith("办理窗口：") for line in lines)
    assert pages.close().guide is None


def test_guide_says_when_the_platform_is_down(pages: CivicPages, server) -> None:
    server.set_faults(error_rate=1.0)
    s = pages.open_guide("en")
    assert s.page == "message" and "still take a ticket" in s.message


def test_rating_a_served_ticket_once(pages: CivicPages, device) -> None:
    tickets = TicketClient(pages.backend.endpoint, HALL)
    t = tickets.request("A")
    s = pages.start_rating(t.number)
    s = pages.choose_score(5)
    assert s.choices == ("fast", "friendly", "clear")
    with pytest.raises(ValueError):
        pages.toggle_reason("attitude")
    pages.toggle_reason("fast")
    assert pages.submit().message == "该号码尚未办结，办结后再评价"  # not served yet
    caller = device("caller-w1")
    topic = contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1")
    caller.request(topic, {"window": 1, "action": "call", "request_id": new_request_id(), "ticket": t.number})
    caller.request(topic, {"window": 1, "action": "finish", "request_id": new_request_id()})
    pages.start_rating(t.number)
    pages.choose_score(2)
    pages.toggle_reason("slow")
    pages.toggle_reason("many_trips")
    pages.toggle_reason("slow")
    assert pages.screen.reasons == ("many_trips",)
    assert pages.submit().page == "rated"
    pages.start_rating(t.number)
    pages.choose_score(5)
    assert pages.submit().message == "该号码已评价过"
