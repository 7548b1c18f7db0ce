"""A report's tables (hall_protocol.reporting.ReportTable) from the event log: what the
supervisor desk asks for over MQTT and what `hall-report` prints."""
from __future__ import annotations

from datetime import time

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from hall_controller.core import report
from hall_controller.core.report import ReportError, ReportUnavailable
from hall_protocol.reporting import PauseRow, ReportRow, ReportTable

# Figures that do not belong to a dimension: a ticket is issued before it has a window,
# and pauses and idle time are a window's, not a service's.
NOT_APPLICABLE = {"window": ("issued",), "clerk": ("issued",),
                  "service": ("pauses", "paused_s", "busy_s", "idle_s")}


def label(key, by: str, names: dict[str, str]) -> str:
    if by == "service":
        return f"{key} {names[key]}" if key in names else str(key)
    if by == "window":
        return f"{key} 号窗口"
    if by == "hour":
        return f"{key:02d}:00-{key + 1:02d}:00"
    return str(key)


def load_facts(engine: Engine, hall: str, day_from: str, day_to: str, known: list[str] | None = None,
               tz: str = "Asia/Shanghai", day_starts_at: time = time(0, 0)) -> list[report.Fact]:
    """The facts of a day range; `known` halls (from a config) are valid even without events."""
    if day_from > day_to:
        raise ReportError(f"--from {day_from} is after --to {day_to}")
    try:
        in_db = report.known_halls(engine)
        if hall not in (known or []) and hall not in in_db:
            halls = sorted(set(known or []) | set(in_db))
            raise ReportError(f"unknown hall {hall!r}; the database knows {', '.join(halls) or 'no hall yet'}")
        events = report.load_events(engine, hall, day_from, day_to)
        ratings = report.load_ratings(engine, hall, day_from, day_to, tz, day_starts_at)
    except SQLAlchemyError as err:
        raise ReportUnavailable(f"cannot read the database: {str(err).splitlines()[0]}") from err
    return report.facts(events, ratings)


def tabulate(facts: list[report.Fact], by: str, tz: str, day_from: str, day_to: str,
             names: dict[str, str] | None = None) -> ReportTable:
    groups, total = report.aggregate(facts, by, tz)
    rows = []
    for g in groups:
        values = g.row()
        values.update(dict.fromkeys(NOT_APPLICABLE.get(by, ()), None))
        rows.append(ReportRow(label=label(g.key, by, names or {}), values=values))
    return ReportTable(by=by, day_from=day_from, day_to=day_to, rows=rows, total=total.row(),
                       pauses=[PauseRow(reason=r, count=n, seconds=s) for r, n, s in report.pause_reasons(total)])


def make_table(engine: Engine, hall: str, day_from: str, day_to: str, by: str, tz: str,
               names: dict[str, str] | None = None, known: list[str] | None = None,
               day_starts_at: time = time(0, 0)) -> ReportTable:
    facts = load_facts(engine, hall, day_from, day_to, known, tz, day_starts_at)
    return tabulate(facts, by, tz, day_from, day_to, names)
