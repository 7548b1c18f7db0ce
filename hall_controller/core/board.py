"""The retained calling board of a hall, built from the hall's memory (no database read)."""
from __future__ import annotations

from hall_controller.core.queue import HallQueue
from hall_protocol.contract import Board, CallInfo, WindowState

RECENT_CALLS = 8
MISSED = 12  # missed (过号) tickets a board lists


def window_state(q: HallQueue, number: int) -> WindowState:
    """A window as screens show it (under the hall's lock): idle until its clerk signs on, and
    while calling with nobody to call."""
    row, t = q.windows[number], q.current(number)
    state = "idle" if not row.known or (row.state == "calling" and t is None) else row.state
    return WindowState(window=number, state=state, ticket=t.number if t is not None else None,
                       since=q.iso(row.since) if row.known else None, reason=row.reason if row.known else None)


def build_board(q: HallQueue, seq: int) -> Board:
    hall = q.hall
    names = {s.code: s.name for s in hall.services}
    with q.journal.lock:
        q.fresh()
        counts = q.waiting_counts()
        windows, current = [], []
        for w in hall.windows:
            t = q.current(w.number)
            windows.append(window_state(q, w.number))
            if t is not None:
                current.append(CallInfo(window=w.number, ticket=t.number, service=t.service,
                                        service_name=names[t.service], at=q.iso(t.called_at), recall=t.recalls))
        recent, seen = [], set()
        for c in reversed(q.calls):
            if (c.number, c.window) in seen:
                continue
            seen.add((c.number, c.window))
            recent.append(CallInfo(window=c.window, ticket=c.number, service=c.service,
                                   service_name=names.get(c.service, c.service), at=q.iso(c.at)))
            if len(recent) >= RECENT_CALLS:
                break
        missed = sorted(list(q.no_shows)[-MISSED:], key=lambda t: (t.finished_at or 0, t.number), reverse=True)
        return Board(hall=hall.id, hall_name=hall.name, day=q.day, seq=seq, updated_at=q.iso(q.now()),
                     windows=windows, current=current, recent=recent,
                     waiting={s.code: int(counts.get(s.code, 0)) for s in hall.services},
                     services=names, notice=hall.notice, services_en={s.code: s.name_en for s in hall.services},
                     missed=[t.number for t in missed],
                     full=[s.code for s in hall.services if q.seqs.get(s.code, 0) >= s.daily_limit])
