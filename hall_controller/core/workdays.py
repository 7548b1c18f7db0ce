"""Working days of a hall (for follow-up deadlines): Monday to Friday, without the hall file's
public holidays, with its weekend days worked instead (调休)."""
from __future__ import annotations

from datetime import date, timedelta


def is_workday(d: date, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()) -> bool:
    return d in workdays or (d.weekday() < 5 and d not in holidays)


def add_workdays(start: date, n: int, holidays: frozenset[date] = frozenset(),
                 workdays: frozenset[date] = frozenset()) -> date:
    """The n-th working day after `start` (the day of the rating counts as day 0)."""
    d, left = start, n
    while left > 0:
        d += timedelta(days=1)
        if is_workday(d, holidays, workdays):
            left -= 1
    return d
