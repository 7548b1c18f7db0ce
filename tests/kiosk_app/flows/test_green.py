"""The green channel: age from the card's birth date on the hall's calendar (its timezone,
the injected clock), the hall's elderly_age, and the ticket that shows it."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from config import HallSuiteConfig, load_config
from drivers.core.clock import FakeClock
from kiosk_app.flows.green import age_on, ticket_priority
from tests.support.fixtures import EXAMPLE_HALL

from ..services_support import HALL, build, identify


@pytest.mark.parametrize("birth, today, age", [
    (date(1956, 3, 10), date(2026, 3, 9), 69),
    (date(1956, 3, 10), date(2026, 3, 10), 70),      # on the birthday itself
    (date(1956, 2, 29), date(2026, 2, 28), 69),      # born on 29 February, a common year:
    (date(1956, 2, 29), date(2026, 3, 1), 70),       # the birthday counts from 1 March
    (date(1956, 2, 29), date(2028, 2, 29), 72),
    (date(1956, 12, 31), date(2027, 1, 1), 70),
])
def test_age_in_completed_years(birth, today, age):
    assert age_on(birth, today) == age


def test_age_is_counted_on_the_halls_calendar_not_utc():
    hall = load_config(EXAMPLE_HALL, HallSuiteConfig).hall(HALL)
    assert hall.timezone == "Asia/Shanghai" and hall.priority.elderly_age == 70
    birth = date(1956, 3, 10)
    # 2026-03-09 15:59 UTC is 23:59 in Shanghai: still 69
    assert ticket_priority(birth, FakeClock(datetime(2026, 3, 9, 15, 59, tzinfo=timezone.utc)), hall) == "normal"
    # 16:00 UTC is midnight in Shanghai: the birthday, 70, green (UTC still says the 9th)
    assert ticket_priority(birth, FakeClock(datetime(2026, 3, 9, 16, 0, tzinfo=timezone.utc)), hall) == "green"
    younger = hall.model_copy(update={"priority": hall.priority.model_copy(update={"elderly_age": 75})})
    assert ticket_priority(birth, FakeClock(datetime(2026, 3, 10, 2, tzinfo=timezone.utc)), younger) == "normal"
    assert ticket_priority(None, FakeClock(), hall) == "normal"
    assert ticket_priority(date(2030, 1, 1), FakeClock(), hall) == "normal"   # a card from the future


def test_an_elderly_citizen_gets_a_green_ticket_that_says_so(hall, broker, suite_config, server, printer_emulator):
    emu, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}")
    try:
        elderly, young = server.citizens()[0], server.citizens()[5]
        assert elderly["birth"] < "1950" and young["birth"] > "1956"
        identify(s, elderly)
        assert s.citizen.screen.green
        s.citizen.take_ticket()
        screen = s.flow.choose_service("A")
        assert screen.page == "ticket" and screen.ticket.priority == "green"
        assert "绿色通道 · 优先办理" in emu.wait_for_receipts(1)[0].lines
        assert hall.queues[HALL].ticket(screen.ticket.number).priority == "green"
        s.flow.done()                         # the session ends with the ticket
        assert s.citizen.identity is None and s.flow.choose_service("A").ticket.priority == "normal"
        s.flow.done()
        identify(s, young)
        assert not s.citizen.screen.green
        s.citizen.take_ticket()
        assert s.flow.choose_service("B").ticket.priority == "normal"
    finally:
        s.stop()
