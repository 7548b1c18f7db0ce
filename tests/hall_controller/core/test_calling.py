"""The calling order and the window commands (core/calling.py): call next by score and
priority, recall, call a specific ticket, transfer, pause, cancel, no-show and re-queue,
automatic calls, open and close. A real database and a clock the test drives."""

import pytest

from hall_controller.core import calling
from hall_controller.errors import BadRequest, Conflict
from tests.hall_controller.core.queue_support import clock, cmd, make_queue, queue  # noqa: F401 (fixtures)


def test_call_next_serves_only_window_services_in_order(queue, clock):
    queue.issue("C", "c1", source="k")  # window 1 serves A and B only
    clock.advance(10)
    queue.issue("A", "a1", source="k")
    clock.advance(10)
    queue.issue("A", "a2", source="k")
    out = calling.apply(queue, cmd(1, "call_next"))
    assert out.ticket.number == "A001" and out.announce == "call"
    out = calling.apply(queue, cmd(1, "call_next"))
    assert out.ticket.number == "A002"
    out = calling.apply(queue, cmd(1, "call_next"))
    assert out.ticket is None and out.window_state["state"] == "idle"


def test_priority_ticket_goes_first_but_normal_ones_do_not_starve(queue, clock):
    queue.issue("A", "n1", source="k")
    clock.advance(60)
    queue.issue("A", "g1", source="k", priority="green")
    assert calling.apply(queue, cmd(2, "call_next")).ticket.number == "A002"
    # A normal ticket that waited longer than the green bonus beats a new green one.
    clock.advance(1000)
    queue.issue("A", "g2", source="k", priority="green")
    assert calling.apply(queue, cmd(2, "call_next")).ticket.number == "A001"


def test_recall_counts_and_finish(queue):
    queue.issue("A", "a1", source="k")
    calling.apply(queue, cmd(1, "call_next"))
    out = calling.apply(queue, cmd(1, "recall"))
    assert out.announce == "recall" and out.ticket.recalls == 1
    calling.apply(queue, cmd(1, "start"))
    out = calling.apply(queue, cmd(1, "finish"))
    assert out.ticket.state == "done" and out.window_state["state"] == "idle"


def test_call_specific_transfer_pause_cancel(queue, clock):
    for i in range(3):
        queue.issue("A", f"a{i}", source="k")
    assert calling.apply(queue, cmd(2, "call", ticket="A003")).ticket.number == "A003"
    # transfer A003 to service D at window 4, to the front
    out = calling.apply(queue, cmd(2, "transfer", to_service="D", to_window=4, front=True))
    assert out.ticket.service == "D" and out.ticket.state == "waiting"
    clock.advance(5)
    queue.issue("D", "d1", source="k")
    assert calling.apply(queue, cmd(4, "call_next")).ticket.number == "A003"
    with pytest.raises(BadRequest, match="reason"):
        calling.apply(queue, cmd(1, "pause"))
    calling.apply(queue, cmd(1, "pause", reason="午休"))
    with pytest.raises(Conflict, match="paused"):
        calling.apply(queue, cmd(1, "call_next"))
    calling.apply(queue, cmd(1, "resume"))
    calling.apply(queue, cmd(1, "cancel", ticket="A002"))
    assert [t.number for t in queue.waiting()] == ["A001", "D001"]


def test_no_show_requeue_goes_to_the_back_once_and_a_late_citizen_can_still_be_called(make_queue, clock):
    from config.schema import NoShowConfig
    q = make_queue(no_show=NoShowConfig(requeue="ask", max_requeues=1))
    q.issue("A", "a1", source="k", priority="green")
    clock.advance(10)
    q.issue("A", "a2", source="k")
    assert calling.apply(q, cmd(1, "call_next")).ticket.number == "A001"
    clock.advance(120)  # nobody came
    out = calling.apply(q, cmd(1, "no_show", requeue=True))
    assert out.ticket.state == "waiting" and out.ticket.priority == "normal"
    assert [t.number for t in q.ordered_for(1)] == ["A002", "A001"]  # back of the queue, bonus gone
    calling.apply(q, cmd(1, "call", ticket="A001"))
    out = calling.apply(q, cmd(1, "no_show", requeue=True))  # the second time: max_requeues reached
    assert out.ticket.state == "no_show" and [t.number for t in q.waiting()] == ["A002"]
    # the citizen turns up later the same day: the clerk calls the no-show ticket by number
    assert calling.apply(q, cmd(2, "call", ticket="A001")).ticket.state == "called"


@pytest.mark.parametrize("policy, asked, expected", [
    ("never", None, "no_show"), ("ask", None, "no_show"), ("ask", False, "no_show"),
    ("ask", True, "waiting"), ("always", None, "waiting"), ("always", False, "waiting"),
])
def test_no_show_policy(make_queue, policy, asked, expected):
    from config.schema import NoShowConfig
    q = make_queue(no_show=NoShowConfig(requeue=policy))
    q.issue("A", "a1", source="k")
    calling.apply(q, cmd(1, "call_next"))
    assert calling.apply(q, cmd(1, "no_show", requeue=asked)).ticket.state == expected


def test_no_show_requeue_refused_where_the_hall_never_requeues(make_queue):
    from config.schema import NoShowConfig
    q = make_queue(no_show=NoShowConfig(requeue="never"))
    q.issue("A", "a1", source="k")
    calling.apply(q, cmd(1, "call_next"))
    with pytest.raises(Conflict, match="does not re-queue"):
        calling.apply(q, cmd(1, "no_show", requeue=True))
    assert q.ticket("A001").state == "called"  # refused: nothing changed


def test_auto_call_goes_to_the_open_window_idle_longest(make_queue, clock):
    q = make_queue(auto_call=True)
    assert calling.auto_dispatch(q) == []  # no window signed on yet
    q.issue("A", "a1", source="k")
    assert calling.auto_dispatch(q) == []  # still nobody: a ticket waits for a clerk
    calling.apply(q, cmd(2, "open"))
    clock.advance(30)
    calling.apply(q, cmd(1, "open"))
    clock.advance(30)
    [out] = calling.auto_dispatch(q)  # window 2 has been idle longest
    assert (out.ticket.number, out.ticket.window) == ("A001", 2)
    q.issue("A", "a2", source="k")
    q.issue("A", "a3", source="k")
    [out] = calling.auto_dispatch(q)  # window 2 is busy: window 1 takes the next
    assert (out.ticket.number, out.ticket.window) == ("A002", 1)
    calling.apply(q, cmd(2, "finish"))
    [out] = calling.auto_dispatch(q)
    assert (out.ticket.number, out.ticket.window) == ("A003", 2)
    assert calling.auto_dispatch(q) == []  # nothing left to call


def test_auto_call_skips_paused_and_closed_windows_and_halls_without_it(make_queue, clock):
    q = make_queue(auto_call=True)
    calling.apply(q, cmd(1, "pause", reason="午休"))
    calling.apply(q, cmd(2, "open"))
    calling.apply(q, cmd(2, "close"))
    q.issue("A", "a1", source="k")
    assert calling.auto_dispatch(q) == []
    calling.apply(q, cmd(1, "resume"))
    assert calling.auto_dispatch(q)[0].ticket.window == 1
    plain = make_queue()
    calling.apply(plain, cmd(1, "open"))
    plain.issue("A", "a1", source="k")
    assert calling.auto_dispatch(plain) == []


def test_close_needs_a_free_window_and_open_counts_in_events(queue):
    queue.issue("A", "a1", source="k")
    calling.apply(queue, cmd(1, "call_next"))
    with pytest.raises(Conflict, match="still serving"):
        calling.apply(queue, cmd(1, "close"))
    calling.apply(queue, cmd(1, "finish"))
    assert calling.apply(queue, cmd(1, "close")).window_state["state"] == "closed"
    assert calling.apply(queue, cmd(1, "open")).window_state["state"] == "idle"


def test_finish_without_start_counts_the_service_from_the_call(queue, clock):
    queue.issue("A", "a1", source="k")
    called = calling.apply(queue, cmd(1, "call_next")).ticket.called_at
    clock.advance(300)
    done = calling.apply(queue, cmd(1, "finish")).ticket
    assert done.started_at == called and done.finished_at - done.started_at == 300


def test_transfer_to_another_service_keeps_the_number_even_when_that_service_has_the_same_seq(queue):
    for i in range(2):
        queue.issue("A", f"a{i}", source="k")
    for i in range(2):
        queue.issue("D", f"d{i}", source="k")
    calling.apply(queue, cmd(2, "call", ticket="A002"))
    out = calling.apply(queue, cmd(2, "transfer", to_service="D"))  # D002 exists: same seq 2
    assert (out.ticket.number, out.ticket.service, out.ticket.state) == ("A002", "D", "waiting")
    assert queue.issue("D", "d3", source="k")[0].number == "D003"
    assert [t.number for t in queue.ordered_for(4)] == ["A002", "D001", "D002", "D003"]
