"""Follow-up cases (core/followup.py) and working days (core/workdays.py), as tables."""
from __future__ import annotations

from datetime import date

import pytest

from hall_controller.core.followup import Deadlines, StepRefused, closed_loop, open_case, overdue, replay, step
from hall_controller.core.workdays import add_workdays, is_workday

HOLIDAYS = frozenset({date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)})
WORKED = frozenset({date(2026, 9, 27), date(2026, 10, 10)})  # 调休: a Sunday and a Saturday worked


@pytest.mark.parametrize("start, n, due", [
    (date(2026, 11, 20), 1, date(2026, 11, 23)),   # Friday + 1 = Monday
    (date(2026, 11, 20), 15, date(2026, 12, 11)),
    (date(2026, 9, 30), 1, date(2026, 10, 8)),     # National Day holidays skipped
    (date(2026, 10, 9), 1, date(2026, 10, 10)),    # the Saturday worked counts
    (date(2026, 9, 26), 1, date(2026, 9, 27)),     # the Sunday worked counts
])
def test_working_days(start, n, due):
    assert add_workdays(start, n, HOLIDAYS, WORKED) == due


def test_a_holiday_is_no_working_day_and_a_worked_weekend_is():
    assert not is_workday(date(2026, 10, 1), HOLIDAYS) and is_workday(date(2026, 10, 10), HOLIDAYS, WORKED)


def _case(day="2026-11-20"):
    return open_case("h", day, "A012", "A", 3, "0101", 1, ["attitude"], f"{day}T10:00:00+08:00", Deadlines(3, 15))


def test_a_case_moves_in_order_and_is_overdue_past_its_days():
    c = _case()
    assert (c.contact_due, c.due) == ("2026-11-25", "2026-12-11")
    with pytest.raises(StepRefused, match="cannot be closed"):
        step(c, "close", "2026-11-21T09:00:00+08:00", "0900")
    assert not overdue(c, "2026-11-25") and overdue(c, "2026-11-26")  # nobody contacted in 3 working days
    for name, day in (("assign", "21"), ("contact", "24"), ("rectify", "28")):
        c = step(c, name, f"2026-11-{day}T09:00:00+08:00", "0900")
    assert not overdue(c, "2026-12-11") and overdue(c, "2026-12-12")
    closed = step(c, "close", "2026-12-14T09:00:00+08:00", "0900")
    assert overdue(closed, "2026-12-20")  # closed, but late


def test_cases_rebuild_from_their_events_and_the_closed_loop_rate():
    a, b = _case(), _case("2026-11-23").model_copy(update={"id": "FU-20261123-B007", "ticket": "B007"})
    events = [{"kind": "followup_opened", "data": a.model_dump(exclude={"overdue", "history"})},
              {"kind": "followup_opened", "data": b.model_dump(exclude={"overdue", "history"})}]
    for name in ("assign", "contact", "rectify", "close"):
        events.append({"kind": f"followup_{name}", "data": {"case_id": a.id, "at": "2026-11-24T09:00:00+08:00",
                                                           "by": "0900"}})
    events.append({"kind": "followup_close", "data": {"case_id": b.id, "at": "x", "by": "0900"}})  # out of order
    cases = replay(events, Deadlines(3, 15), "2026-12-20")
    assert cases[a.id].state == "closed" and cases[b.id].state == "open" and cases[b.id].overdue
    assert closed_loop(list(cases.values()), "2026-12-20") == {
        "opened": 2, "closed": 1, "closed_on_time": 1, "open": 1, "overdue_open": 1,
        "closed_loop_rate": 0.5, "on_time_rate": 0.5}
