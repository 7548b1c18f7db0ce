"""The retained calling board (core/board.py), built from the hall's memory: each window's
state and current call, the last calls newest first without repeats, the waiting counts."""
from hall_controller.core import calling
from hall_controller.core.board import RECENT_CALLS, build_board
from tests.hall_controller.core.queue_support import clock, cmd, queue  # noqa: F401 (fixtures)


def test_the_board_shows_windows_calls_and_waiting_counts(queue, clock):
    for i, s in enumerate("AABC"):
        queue.issue(s, f"r{i}", source="kiosk-01")
    calling.apply(queue, cmd(1, "call_next", clerk="c1"))
    clock.advance(30)
    calling.apply(queue, cmd(1, "recall"))
    calling.apply(queue, cmd(3, "pause", reason="午休"))
    board = build_board(queue, 5)
    assert (board.hall, board.seq, board.day) == ("demo-hall", 5, "2026-03-02")
    states = {w.window: (w.state, w.ticket, w.reason) for w in board.windows}
    assert states[1] == ("calling", "A001", None) and states[3] == ("paused", None, "午休")
    assert states[2] == ("idle", None, None)                       # never signed on
    assert [(c.window, c.ticket, c.recall) for c in board.current] == [(1, "A001", 1)]
    assert [(c.window, c.ticket) for c in board.recent] == [(1, "A001")]   # a recall is not a second line
    assert board.waiting == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert board.services["A"] == queue.hall.service("A").name and board.notice == queue.hall.notice


def test_recent_calls_are_newest_first_and_bounded(queue, clock):
    for i in range(RECENT_CALLS + 3):
        queue.issue("A", f"a{i}", source="kiosk-01")
    for _ in range(RECENT_CALLS + 3):
        clock.advance(60)
        calling.apply(queue, cmd(1, "call_next"))
    board = build_board(queue, 1)
    numbers = [c.ticket for c in board.recent]
    assert len(numbers) == RECENT_CALLS
    assert numbers[0] == f"A{RECENT_CALLS + 3:03d}" and numbers == sorted(numbers, reverse=True)
    assert [c.ticket for c in board.current] == [numbers[0]]   # the earlier ones were finished by the next call


def test_a_board_after_a_call_makes_anew_only_the_parts_that_changed(queue, clock):
    """A 60-window hall's board has 60 window states and up to 60 current calls; one call
    changes one or two of them. The others are the very objects of the board before."""
    for i in range(6):
        queue.issue("A", f"p{i}", source="kiosk-01")
    calling.apply(queue, cmd(1, "call_next"))
    calling.apply(queue, cmd(2, "call_next"))
    before = build_board(queue, 1)
    clock.advance(60)
    calling.apply(queue, cmd(1, "call_next"))          # window 1 changes; window 2 does not
    after = build_board(queue, 2)
    windows = {w.window: w for w in before.windows}, {w.window: w for w in after.windows}
    assert windows[1][2] is windows[0][2] and windows[1][3] is windows[0][3]
    assert windows[1][1] is not windows[0][1] and windows[1][1].ticket == "A003"
    current = {c.window: c for c in before.current}, {c.window: c for c in after.current}
    assert current[1][2] is current[0][2] and current[1][1].ticket == "A003"
    assert after.recent[1] is before.recent[0]           # a past call's line is kept as it was


def test_a_new_hall_section_makes_the_boards_parts_anew(queue, hall_config):
    """Names shown on the board come from the hall's section: read again, they show at once."""
    queue.issue("A", "n1", source="kiosk-01")
    calling.apply(queue, cmd(1, "call_next"))
    assert build_board(queue, 1).current[0].service_name == queue.hall.service("A").name
    hall = hall_config.halls[0]
    renamed = hall.model_copy(update={"services": [s.model_copy(update={"name": "新名称"}) if s.code == "A" else s
                                                   for s in hall.services]})
    with queue.journal.lock:
        queue.reconfigure(renamed)
    board = build_board(queue, 2)
    assert board.current[0].service_name == "新名称" and board.recent[0].service_name == "新名称"


def test_the_windows_touched_since_the_last_look_are_known(queue, clock):
    """The window states look again only at the windows a change touched (a 60-window hall
    looked at all 60 after every call); after a rebuild or a new day, at every window."""
    assert queue.take_touched() is None                  # just loaded: any window may have changed
    assert queue.take_touched() == set()
    for i in range(3):
        queue.issue("A", f"t{i}", source="kiosk-01")
    assert queue.take_touched() == set()                 # a new ticket touches no window's own state
    calling.apply(queue, cmd(2, "call_next"))
    assert queue.take_touched() == {2}
    calling.apply(queue, cmd(2, "start"))
    calling.apply(queue, cmd(1, "pause", reason="午休"))
    assert queue.take_touched() == {1, 2}
    clock.advance(24 * 3600)
    queue.roll_over()
    assert queue.take_touched() is None
