"""Ratings name the matter, and yesterday's ticket can still be rated within the hall's window:
the real controller on a clock the test moves (into the next day), the real broker, the
reference platform (a booking checked in, so the ticket has a matter), the kiosk's rating pages.
Nothing of ours is mocked."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from drivers.core.clock import FakeClock
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol import contract
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.civic import CivicPages
from tests.support.backend import backend_hall
from tests.support.fixtures import new_request_id

HALL = "demo-hall"
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path}/hall.db"


@pytest.fixture
def setup(suite_config, broker, server, device):
    clock = FakeClock(start=datetime.now(ZONE))
    config = backend_hall(suite_config, server)
    controller = HallController(config, make_engine(config.database.url), clock=clock,
                                password=broker.passwords[config.controller_id])
    controller.start()
    yield controller, clock, KioskBackend(device("kiosk-01"), HALL, timeout=20), config
    controller.stop()


def serve(device, number: str, window: int) -> None:
    caller = device(f"caller-w{window}")
    topic = contract.WINDOW_REQUEST.format(hall=HALL, client=caller.client_id)
    for action in ({"action": "call", "ticket": number}, {"action": "finish"}):
        answer = caller.request(topic, {"window": window, "request_id": new_request_id(), **action})
        assert answer["status"] == "ok", answer


def outbox_rating(config, number: str) -> dict:
    engine = sa.create_engine(config.database.url)
    try:
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT payload FROM backend_outbox WHERE kind = 'rating'")).scalars().all()
    finally:
        engine.dispose()
    return next(r for r in map(json.loads, rows) if r["ticket_no"] == number)


def test_yesterdays_ticket_is_rated_naming_its_matter_until_the_window_closes(setup, server, device):
    controller, clock, backend, config = setup
    now = datetime.now(ZONE)
    start = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    if (start + timedelta(minutes=30)).date() != start.date():
        start -= timedelta(minutes=30)
    who = server.citizens()[7]
    booking = server.book(id_number=who["id_number"], matter_id="A003", date=start.date().isoformat(),
                          slot_start=f"{start:%H:%M}", slot_end=f"{start + timedelta(minutes=30):%H:%M}")
    _, ticket = backend.check_in(booking["code"], request_id=new_request_id())
    serve(device, ticket.number, 1)
    plain = TicketClient(device("kiosk-01"), HALL).request("A")      # a walk-in ticket: no matter
    serve(device, plain.number, 1)
    day = ticket.day
    # just after midnight: the controller rolls over into the new day
    served_at = clock.now()
    midnight = datetime.combine(served_at.astimezone(ZONE).date() + timedelta(days=1), datetime.min.time(), ZONE)
    clock.set(midnight + timedelta(minutes=5))
    controller.housekeeping()
    hall = config.hall(HALL)
    civic = CivicPages(backend, clock, hall=hall)
    s = civic.open_rating("zh")
    assert s.can_yesterday
    for ch in ticket.number:
        civic.key(ch)
    civic.choose_day(True)
    s = civic.confirm_entry()
    assert s.page == "rate" and s.day == day and "昨天的" in s.message
    civic.choose_score(5)
    assert civic.submit().page == "rated"
    rating = outbox_rating(config, ticket.number)
    assert rating["matter_id"] == "A003" and rating["score"] == 5   # named by the ticket's booking
    # typed as today's, the number is not a ticket of today
    civic.open_rating("zh")
    for ch in plain.number:
        civic.key(ch)
    civic.confirm_entry()
    civic.choose_score(3)
    assert civic.submit().message == "未找到相关信息"
    # past the window (24 h after it was served) yesterday's tickets can no longer be rated
    clock.set(served_at + timedelta(hours=24, minutes=1))
    civic.open_rating("en")
    for ch in plain.number:
        civic.key(ch)
    civic.choose_day(True)
    civic.confirm_entry()
    civic.choose_score(3)
    assert civic.submit().message == "This ticket can no longer be rated"
