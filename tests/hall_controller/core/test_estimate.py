"""The waiting-time estimate on a real SQLite queue with a clock the test drives: it reacts
to windows pausing, to a slow service, to priorities, to the time the current citizens have
already been served and to the tickets the hall expects to come."""

import uuid

import pytest

from hall_controller.core import calling
from hall_controller.core.estimate import estimate_wait_min, snapshot
from hall_controller.core.forecast import forecast, forecast_all, people_ahead
from hall_protocol.contract import WindowCommand
from tests.hall_controller.core.test_queue import clock, queue as empty_queue  # noqa: F401  (shared fixtures)

# The example hall: window 1 serves A (1.0) and B (0.5), window 2 A and D, window 3 B and C,
# window 4 C and D (0.5). A is configured at 6 minutes, C at 12.


@pytest.fixture
def queue(empty_queue):
    for w in (1, 2, 3, 4):  # every clerk is at work and busy with someone
        empty_queue.issue("C" if w in (3, 4) else "A", f"warm-{w}", source="k")
        do(empty_queue, w, "call_next")
    return empty_queue


def do(q, window, action, **kw):
    return calling.apply(q, WindowCommand(window=window, action=action, **kw))


def issue(q, service, n, priority="normal"):
    return [q.issue(service, uuid.uuid4().hex, source="k", priority=priority)[0] for _ in range(n)]


def test_two_windows_share_the_queue_and_a_pause_slows_it(queue, clock):
    *_, last = issue(queue, "A", 4)
    # windows 1 and 2 are free in 6 min (the configured time of A); each then takes one of
    # the four every 6 min: the fourth ticket is called at 12 min.
    assert estimate_wait_min(queue, last) == pytest.approx(12.0)
    clock.advance(6 * 60)
    do(queue, 2, "finish")
    do(queue, 2, "pause", reason="午休")
    # window 2 pauses: window 1 alone serves the four, one after another, once its citizen
    # (there for 6 minutes already, so counted at a quarter of the mean still to go) leaves.
    assert estimate_wait_min(queue, last) == pytest.approx(1.5 + 3 * 6.0)
    do(queue, 1, "finish")
    do(queue, 1, "pause", reason="午休")
    assert estimate_wait_min(queue, last) is None  # no open window serves A: the hall cannot say
    do(queue, 2, "resume")
    assert estimate_wait_min(queue, last) == pytest.approx(18.0)  # window 2 is free at once


def test_a_slow_service_today_raises_the_estimate(queue, clock):
    *_, last = issue(queue, "C", 3)
    configured = estimate_wait_min(queue, last)
    for _ in range(6):   # today C takes 30 minutes at windows 3 and 4, not the configured 12
        clock.advance(30 * 60)
        do(queue, 3, "call_next")
        do(queue, 4, "call_next")
        issue(queue, "C", 2)
    *_, last = issue(queue, "C", 1)
    assert estimate_wait_min(queue, last) > 2 * configured


def test_the_time_already_served_counts(queue, clock):
    *_, fresh = issue(queue, "C", 2)
    just_called = estimate_wait_min(queue, fresh)
    clock.advance(8 * 60)   # the citizens at windows 3 and 4 have been there 8 of their 12 minutes
    assert estimate_wait_min(queue, fresh) == pytest.approx(just_called - 8)


def test_priority_and_tickets_to_come(queue, clock):
    issue(queue, "A", 6)
    normal, = issue(queue, "A", 1)
    green, = issue(queue, "A", 1, priority="green")
    assert estimate_wait_min(queue, green) < estimate_wait_min(queue, normal)
    # A green ticket of A arrives every 3 minutes today: they will overtake the normal ticket,
    # so its estimate grows though the queue ahead of it now is the same.
    snap = snapshot(queue)
    before = forecast(queue.hall, snap, normal)
    snap.rates[("A", "green")] = 1 / 180
    assert forecast(queue.hall, snap, normal) > before


def test_only_windows_signed_on_count(empty_queue):
    ticket, = issue(empty_queue, "D", 1)
    assert estimate_wait_min(empty_queue, ticket) is None   # no clerk has signed on yet
    do(empty_queue, 4, "open")
    assert estimate_wait_min(empty_queue, ticket) == 0       # window 4 is free and serves D
    do(empty_queue, 4, "close")
    assert estimate_wait_min(empty_queue, ticket) is None


def test_one_replay_gives_every_waiting_ticket_and_people_ahead(queue, clock):
    tickets = issue(queue, "A", 3) + issue(queue, "B", 2, priority="green") + issue(queue, "C", 3)
    clock.advance(120)
    tickets += issue(queue, "D", 2, priority="appointment") + issue(queue, "A", 1)
    snap = snapshot(queue)
    everyone = forecast_all(queue.hall, snap)
    assert everyone == {t.order: forecast(queue.hall, snap, t) for t in tickets}
    assert all(v is not None for v in everyone.values())
    assert round(everyone[tickets[-1].order] / 60, 1) == estimate_wait_min(queue, tickets[-1]) > 0
    # the figure printed on the ticket, from the lines in O(lines x log n)
    assert [people_ahead(snap, t) for t in tickets] == [queue.people_ahead(t) for t in tickets]
