"""The retained calling board of a hall, built from the hall's memory (no database read).

A board is made after every burst of changes, and a 60-window hall's has 60 window states and
up to 60 current calls; one call changes one or two of them. The parts are made once from what
they show and kept with the hall (`Shown`), so a board after a call makes two or three new
parts, not a hundred (made anew, they took most of a board's 0.9 ms)."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from hall_controller.core.queue import HallQueue
from hall_protocol.contract import Board, CallInfo, WindowState

RECENT_CALLS = 8
MISSED = 12  # missed (过号) tickets a board lists
KEPT = 1024  # parts made of their inputs alone (past calls, waiting tickets) a hall keeps

T = TypeVar("T")


class Shown:
    """The parts of a hall's boards and window states, each kept with what it was made from:
    a part is made again only when that changed (under the hall's lock)."""

    def __init__(self) -> None:
        self._parts: dict[Any, tuple[Any, Any]] = {}
        self._kept: dict[Any, Any] = {}

    def part(self, slot: Any, inputs: Any, make: Callable[[], T]) -> T:
        kept = self._parts.get(slot)
        if kept is not None and kept[0] == inputs:
            return kept[1]
        made = make()
        self._parts[slot] = (inputs, made)
        return made

    def one(self, inputs: Any, make: Callable[[], T]) -> T:
        """A part that is all its inputs (a past call, a waiting ticket); the last KEPT of them."""
        made = self._kept.get(inputs)
        if made is None:
            if len(self._kept) >= KEPT:
                self._kept.clear()
            made = self._kept[inputs] = make()
        return made


def shown(q: HallQueue) -> Shown:
    kept = getattr(q, "shown", None)
    if kept is None:
        kept = q.shown = Shown()
    return kept


def window_state(q: HallQueue, number: int) -> WindowState:
    """A window as screens show it (under the hall's lock): idle until its clerk signs on, and
    while calling with nobody to call."""
    row, t = q.windows[number], q.current(number)
    state = "idle" if not row.known or (row.state == "calling" and t is None) else row.state
    ticket = t.number if t is not None else None
    since, reason = (row.since, row.reason) if row.known else (None, None)
    return shown(q).part(("window", number), (state, ticket, since, reason), lambda: WindowState(
        window=number, state=state, ticket=ticket, since=q.iso(since), reason=reason))


def build_board(q: HallQueue, seq: int) -> Board:
    hall = q.hall
    names = {s.code: s.name for s in hall.services}
    parts = shown(q)
    with q.journal.lock:
        q.fresh()
        counts = q.waiting_counts()
        windows, current = [], []
        for w in hall.windows:
            t = q.current(w.number)
            windows.append(window_state(q, w.number))
            if t is not None:
                current.append(parts.part(
                    ("current", w.number), (t.number, t.service, names[t.service], t.called_at, t.recalls),
                    lambda: CallInfo(window=w.number, ticket=t.number, service=t.service,
                                     service_name=names[t.service], at=q.iso(t.called_at), recall=t.recalls)))
        recent, seen = [], set()
        for c in reversed(q.calls):
            if (c.number, c.window) in seen:
                continue
            seen.add((c.number, c.window))
            name = names.get(c.service, c.service)
            recent.append(parts.one(("call", c.number, c.window, c.service, name, c.at), lambda: CallInfo(
                window=c.window, ticket=c.number, service=c.service, service_name=name, at=q.iso(c.at))))
            if len(recent) >= RECENT_CALLS:
                break
        missed = sorted(list(q.no_shows)[-MISSED:], key=lambda t: (t.finished_at or 0, t.number), reverse=True)
        return Board(hall=hall.id, hall_name=hall.name, day=q.day, seq=seq, updated_at=q.iso(q.now()),
                     windows=windows, current=current, recent=recent,
                     waiting={s.code: int(counts.get(s.code, 0)) for s in hall.services},
                     services=names, notice=hall.notice, services_en={s.code: s.name_en for s in hall.services},
                     missed=[t.number for t in missed],
                     full=[s.code for s in hall.services if q.seqs.get(s.code, 0) >= s.daily_limit])
