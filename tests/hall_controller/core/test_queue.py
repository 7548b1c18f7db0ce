"""The queue (core/queue.py): numbering per service and day, the day boundary, request ids,
rebuilding its memory from the database. A real database and a clock the test drives."""
from datetime import datetime

import pytest

from hall_controller.core import calling
from hall_controller.core.queue import HallQueue
from hall_controller.errors import BadRequest, DayEnded
from hall_controller.store.db import make_engine
from tests.hall_controller.core.queue_support import CST, clock, cmd, queue  # noqa: F401 (fixtures)


def test_numbers_are_per_service_and_daily(queue, clock):
    nums = [queue.issue(s, f"r{i}", source="k")[0].number for i, s in enumerate("AABAC")]
    assert nums == ["A001", "A002", "B001", "A003", "C001"]
    clock.set(datetime(2026, 3, 3, 0, 0, 1, tzinfo=CST))  # the day rolls over at 00:00
    assert queue.issue("A", "next-day", source="k")[0].number == "A001"


def test_rollover_at_configured_time_keeps_late_tickets_in_their_day(tmp_path, hall_config, clock):
    hall = hall_config.halls[0].model_copy(update={"day_starts_at": datetime(2000, 1, 1, 3, 0).time()})
    q = HallQueue(make_engine(f"sqlite:///{tmp_path}/r.db"), hall, clock)
    clock.set(datetime(2026, 3, 2, 23, 59, tzinfo=CST))
    assert q.issue("A", "late", source="k")[0].number == "A001"
    clock.set(datetime(2026, 3, 3, 2, 30, tzinfo=CST))  # before 03:00: still the same service day
    t = q.issue("A", "later", source="k")[0]
    assert (t.number, t.day) == ("A002", "2026-03-02")
    clock.set(datetime(2026, 3, 3, 3, 0, tzinfo=CST))
    t = q.issue("A", "new-day", source="k")[0]
    assert (t.number, t.day) == ("A001", "2026-03-03")


def test_same_request_id_returns_same_ticket(queue):
    a, created_a = queue.issue("A", "same", source="k")
    b, created_b = queue.issue("A", "same", source="k")
    assert (a.number, created_a, created_b) == (b.number, True, False)


def test_a_retry_across_the_days_start_is_told_its_day_ended(queue, clock, hall_config, database_url):
    """A kiosk retries a ticket request (same id) after the service day changed: it is told the
    day ended, never given a second ticket under that id (which broke the batch on the database's
    unique request id), also by a restarted controller."""
    clock.set(datetime(2026, 3, 2, 23, 59, 58, tzinfo=CST))
    late = queue.issue("A", "kiosk-01:req-1", source="k")[0]
    clock.set(datetime(2026, 3, 3, 0, 0, 3, tzinfo=CST))
    with pytest.raises(DayEnded) as err:
        queue.issue("A", "kiosk-01:req-1", source="k")
    assert late.number in str(err.value) and "2026-03-02" in str(err.value) and err.value.code == "day_ended"
    assert queue.issue("A", "kiosk-01:req-2", source="k")[0].number == "A001"   # the new day goes on
    again = HallQueue(make_engine(database_url), hall_config.halls[0], clock)    # a restart
    with pytest.raises(DayEnded):
        again.issue("A", "kiosk-01:req-1", source="k")
    assert again.issue("A", "kiosk-01:req-2", source="k")[0].number == "A001"   # today's retry: its ticket
    again.engine.dispose()


def test_restart_loses_nothing(tmp_path, hall_config, clock):
    url = f"sqlite:///{tmp_path}/p.db"
    q1 = HallQueue(make_engine(url), hall_config.halls[0], clock)
    for i in range(3):
        q1.issue("B", f"r{i}", source="k")
    q1.engine.dispose()
    q2 = HallQueue(make_engine(url), hall_config.halls[0], clock)
    assert [t.number for t in q2.waiting()] == ["B001", "B002", "B003"]
    assert q2.issue("B", "r9", source="k")[0].number == "B004"


def test_bad_service_rejected(queue):
    with pytest.raises(BadRequest, match="unknown service 'Z'"):
        queue.issue("Z", "x", source="k")


def test_roll_over_expires_yesterdays_open_tickets_and_closes_windows(queue, clock):
    for i in range(3):
        queue.issue("A", f"a{i}", source="k")
    calling.apply(queue, cmd(1, "call_next"))
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=CST))
    assert queue.roll_over() == 3
    assert queue.roll_over() == 0  # idempotent
    assert queue.window_state(1)["state"] == "closed"
    # the new day starts clean: the old current ticket is not "current" any more
    out = calling.apply(queue, cmd(1, "call_next"))
    assert out.ticket is None and out.window_state["state"] == "idle"
    assert queue.issue("A", "new-day", source="k")[0].number == "A001"


def test_everyone_ahead_counts_as_ticket_by_ticket(queue, clock):
    """The phone pages' progress counts the people ahead of every waiting ticket in one walk
    per pair of lines; it gives what `people_ahead` gives ticket by ticket, with priorities,
    a reserved window and a ticket put back in the queue among them."""
    import random
    from hall_controller.core.queue import ahead_in, everyone_ahead
    rng = random.Random(7)
    for i in range(120):
        clock.advance(rng.choice([1, 5, 30]))
        queue.issue(rng.choice("AAB"), f"e{i}", source="kiosk-01",
                    priority=rng.choice(["normal", "normal", "appointment", "green"]))
    for w in (1, 2, 1, 3):
        calling.apply(queue, cmd(w, "call_next"))
    calling.apply(queue, cmd(1, "transfer", to_window=2))        # reserved for window 2 now
    calling.apply(queue, cmd(3, "no_show", requeue=True))        # back in the queue, later
    assert len({k for k in queue.lines if queue.lines[k]}) >= 5
    every = everyone_ahead(queue.lines)
    waiting = [t for line in queue.lines.values() for t in line]
    assert len(every) == len(waiting) > 100
    assert {t.number: ahead_in(queue.lines, t) for t in waiting} == every
