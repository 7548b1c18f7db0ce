"""Today's figures of a hall (core/tally.py, core/stats.py) on a real database, with a clock the
test drives: counted as tickets move, the same after the memory is rebuilt from the log."""
from datetime import datetime, time, timedelta, timezone

import pytest

from config.schema import OpeningPeriod
from drivers.core.clock import FakeClock
from hall_controller.core import calling
from hall_controller.core.queue import HallQueue
from hall_controller.core.stats import build_stats, is_open
from hall_controller.store.db import make_engine
from hall_protocol.contract import WindowCommand

CST = timezone(timedelta(hours=8))


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))  # a Monday


@pytest.fixture
def engine(database_url):
    e = make_engine(database_url)
    yield e
    e.dispose()


def act(q, window, action, **kw):
    return calling.apply(q, WindowCommand(window=window, action=action, clerk=f"clerk-{window}", **kw))


def service(stats, code):
    return next(s for s in stats.services if s.code == code)


def a_morning(q, clock):
    """A001..A003 and B001 at 09:00; window 1 calls A001 at 09:05, serves it 4 minutes; A002
    is called at 09:09 and does not come; window 3 calls B001 at 09:10 and is still busy."""
    for i, s in enumerate("AAAB"):
        q.issue(s, f"r{i}", source="kiosk-01")
    clock.advance(300)
    act(q, 1, "call_next")
    act(q, 1, "start")
    clock.advance(240)
    act(q, 1, "call_next")            # finishes A001 (4 min), calls A002
    act(q, 1, "no_show")
    clock.advance(60)
    act(q, 3, "call_next")


def test_figures_follow_the_tickets(engine, hall_config, clock):
    q = HallQueue(engine, hall_config.halls[0], clock)
    a_morning(q, clock)
    st = build_stats(q, 7)
    a, b = service(st, "A"), service(st, "B")
    assert (st.seq, st.day, st.hall) == (7, "2026-03-02", "demo-hall")
    assert (a.issued, a.waiting, a.serving, a.served, a.no_shows) == (3, 1, 0, 1, 1)
    assert (b.issued, b.waiting, b.serving, b.served) == (1, 0, 1, 0)
    assert a.avg_wait_min == 7.0          # A001 waited 5 min, A002 9 min
    assert a.avg_service_min == 4.0
    assert a.longest_wait_min == 10.0     # A003, waiting since 09:00, at 09:10
    assert b.longest_wait_min is None and b.avg_wait_min == 10.0
    assert a.target_min == hall_config.halls[0].service("A").wait_target_min
    assert st.issued_by_hour[9] == 4 and sum(st.issued_by_hour) == 4
    w1, w3 = (next(w for w in st.windows if w.window == n) for n in (1, 3))
    assert (w1.served, w1.ticket, w3.state, w3.ticket) == (1, None, "calling", "B001")
    assert st.ratings.count == 0 and st.ratings.rate is None


def test_a_rebuilt_memory_has_the_same_figures(engine, hall_config, clock):
    q = HallQueue(engine, hall_config.halls[0], clock)
    a_morning(q, clock)
    before = build_stats(q, 1).model_dump(exclude={"seq"})
    again = HallQueue(engine, hall_config.halls[0], clock)   # a restart, or the hall taken over
    assert build_stats(again, 2).model_dump(exclude={"seq"}) == before


def test_ratings_are_counted_once_per_ticket_and_reset_with_the_day(engine, hall_config, clock):
    q = HallQueue(engine, hall_config.halls[0], clock)
    for ticket, score in [("A001", 5), ("A002", 2), ("A001", 5), ("A003", 4)]:
        q.tally.rated(q.day, ticket, score)
    st = build_stats(q, 1)
    assert (st.ratings.count, st.ratings.satisfied, st.ratings.rate) == (3, 2, 0.6667)
    assert st.ratings.by_score == {"2": 1, "4": 1, "5": 1}
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=CST))
    q.issue("A", "next-day", source="kiosk-01")
    st = build_stats(q, 2)
    assert st.day == "2026-03-03" and st.ratings.count == 0 and service(st, "A").issued == 1


def test_open_follows_opening_hours_and_the_daily_limit(engine, hall_config, clock):
    hall = hall_config.halls[0]
    morning = OpeningPeriod(opens=time(8, 30), closes=time(12, 0))
    svc = hall.service("A").model_copy(update={"hours": [morning], "daily_limit": 2})
    hall = hall.model_copy(update={"services": [svc if s.code == "A" else s for s in hall.services]})
    q = HallQueue(engine, hall, clock)
    assert is_open(q, "A", q.now())
    q.issue("A", "r1", source="kiosk-01")
    q.issue("A", "r2", source="kiosk-01")
    assert not is_open(q, "A", q.now())                       # its 2 tickets are out
    assert is_open(q, "B", q.now())
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=CST))
    q2 = HallQueue(engine, hall.model_copy(update={"services": [
        svc.model_copy(update={"daily_limit": 999}) if s.code == "A" else s for s in hall.services]}), clock)
    assert not is_open(q2, "A", q2.now())                     # noon: closed
    clock.set(datetime(2026, 3, 7, 9, 0, tzinfo=CST))        # a Saturday
    assert not is_open(q2, "A", q2.now())
