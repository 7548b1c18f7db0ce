"""Ratings (core/ratings.py): one per served ticket, kept durably in the outbox; a retry of the
same rating is a duplicate, a different second one is refused, and today's figures count it once."""
import pytest

from hall_controller.backend.outbox import Outbox
from hall_controller.core import calling, ratings
from hall_controller.errors import NotFound
from tests.hall_controller.core.queue_support import clock, cmd, queue  # noqa: F401 (fixtures)


@pytest.fixture
def outbox(queue):
    return Outbox(queue.engine, None, holder="test")


def test_a_served_ticket_is_rated_once(queue, outbox):
    queue.issue("A", "r1", source="kiosk-01")
    calling.apply(queue, cmd(1, "call_next", clerk="clerk-7"))
    with pytest.raises(ratings.NotServed):
        ratings.rate(queue, outbox, "A001", 5)               # still being called
    calling.apply(queue, cmd(1, "finish"))
    assert ratings.rate(queue, outbox, "A001", 2, reason_codes=["slow"], matter_id="m-1") is False
    assert ratings.rate(queue, outbox, "A001", 2, reason_codes=["slow"], matter_id="m-1") is True   # a retry
    with pytest.raises(ratings.AlreadyRated):
        ratings.rate(queue, outbox, "A001", 5)
    with pytest.raises(NotFound):
        ratings.rate(queue, outbox, "Z999", 5)
    item = outbox.get(ratings.rating_key(queue.hall.id, queue.day, "A001"))
    payload = item["payload"]
    assert (payload["ticket_no"], payload["window_id"], payload["clerk_id"], payload["score"],
            payload["matter_id"], payload["reason_codes"]) == ("A001", "1", "clerk-7", 2, "m-1", ["slow"])
    assert dict(queue.tally.ratings) == {2: 1}


def test_yesterdays_and_todays_ticket_of_the_same_number_count_twice_today(queue, outbox, clock):
    from datetime import timedelta
    queue.issue("A", "r-day1", source="kiosk-01")
    calling.apply(queue, cmd(1, "call_next"))
    calling.apply(queue, cmd(1, "finish"))
    yesterday = queue.day
    clock.advance(timedelta(hours=20).total_seconds())     # the next service day, within the rating window
    queue.issue("A", "r-day2", source="kiosk-01")
    calling.apply(queue, cmd(1, "call_next"))
    calling.apply(queue, cmd(1, "finish"))
    assert queue.day != yesterday
    assert ratings.rate(queue, outbox, "A001", 5, day=yesterday) is False
    assert ratings.rate(queue, outbox, "A001", 3) is False
    assert dict(queue.tally.ratings) == {5: 1, 3: 1} and queue.tally.ratings_day == queue.day
