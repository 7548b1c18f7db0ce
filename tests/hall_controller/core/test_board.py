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
