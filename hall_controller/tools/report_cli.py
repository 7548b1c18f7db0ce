"""`hall-report`: the hall's statistics as a readable table or CSV.

    hall-report --config config/examples/hall.toml                     # today, per service
    hall-report --database sqlite:///hall-state/hall.db --hall demo-hall --from 2026-03-01 --to 2026-03-07 --by window
    hall-report --config hall.toml --by hour --csv report.csv           # or --csv - for stdout

The tabulation (`Table`, `open_engine`, `load_facts`, `tabulate`) is shared with the supervisor view.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from config import ConfigError, HallSuiteConfig, load_config
from drivers.core.clock import Clock, SystemClock
from hall_controller.core import report
from hall_controller.core.days import service_day
from hall_controller.core.report import COLUMNS, DIMENSIONS, ReportError

HEADERS = {"service": "业务 Service", "window": "窗口 Window", "clerk": "人员 Clerk", "hour": "时段 Hour",
           "day": "日期 Day"}
# The readable table: (column, header, kind, English header); kind says how a value is shown.
TEXT_COLUMNS = [("issued", "取号", "n", "Issued"), ("served", "办结", "n", "Served"),
                ("no_show", "过号", "n", "No-show"), ("requeued", "过号重排", "n", "Re-queued"),
                ("cancelled", "取消", "n", "Cancelled"),
                ("transferred", "转移", "n", "Transferred"), ("recalls", "重呼", "n", "Recalls"),
                ("wait_mean_s", "等候均", "m", "Wait mean"), ("wait_median_s", "等候中", "m", "Wait median"),
                ("wait_p90_s", "等候P90", "m", "Wait P90"), ("wait_max_s", "等候最长", "m", "Wait max"),
                ("serve_mean_s", "办理均", "m", "Serve mean"), ("serve_median_s", "办理中", "m", "Serve median"),
                ("serve_p90_s", "办理P90", "m", "Serve P90"), ("pauses", "暂停", "n", "Pauses"),
                ("paused_s", "暂停时长", "h", "Paused"), ("idle_s", "空闲时长", "h", "Idle"),
                ("rating_mean", "评分", "r", "Rating")]


# Figures that do not belong to a dimension: a ticket is issued before it has a window,
# and pauses and idle time are a window's, not a service's.
NOT_APPLICABLE = {"window": ("issued",), "clerk": ("issued",),
                  "service": ("pauses", "paused_s", "busy_s", "idle_s")}


@dataclass
class Table:
    by: str
    day_from: str
    day_to: str
    rows: list[tuple[str, dict]]  # (label, values of report.COLUMNS)
    total: dict
    pauses: list[tuple[str, int, float]]  # (reason, count, seconds)


def open_engine(url: str, base_dir: Path | None = None) -> Engine:
    """An engine on an existing controller database; never creates one."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if not path.is_absolute() and base_dir is not None:
            path = (base_dir / path).resolve()
        if not path.is_file():
            raise ReportError(f"database file {path} does not exist")
        url = f"sqlite:///{path}"
    try:
        engine = create_engine(url, pool_pre_ping=True)
        has_events = inspect(engine).has_table("events")
    except (SQLAlchemyError, ImportError, ValueError) as err:
        raise ReportError(f"cannot open the database {_safe(url)}: {str(err).splitlines()[0]}") from err
    if not has_events:
        raise ReportError(f"the database {_safe(url)} has no hall controller tables (no 'events')")
    return engine


def _safe(url: str) -> str:
    """The URL without its password."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used in a message
        return url.split("@")[-1]


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
        raise ReportError(f"cannot read the database: {str(err).splitlines()[0]}") from err
    return report.facts(events, ratings)


def tabulate(facts: list[report.Fact], by: str, tz: str, day_from: str, day_to: str,
             names: dict[str, str] | None = None) -> Table:
    groups, total = report.aggregate(facts, by, tz)
    rows = []
    for g in groups:
        values = g.row()
        values.update(dict.fromkeys(NOT_APPLICABLE.get(by, ()), None))
        rows.append((label(g.key, by, names or {}), values))
    return Table(by, day_from, day_to, rows, total.row(), report.pause_reasons(total))


def make_table(engine: Engine, hall: str, day_from: str, day_to: str, by: str, tz: str,
               names: dict[str, str] | None = None, known: list[str] | None = None,
               day_starts_at: time = time(0, 0)) -> Table:
    facts = load_facts(engine, hall, day_from, day_to, known, tz, day_starts_at)
    return tabulate(facts, by, tz, day_from, day_to, names)


# ---- output ------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def fmt(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "m":  # minutes:seconds
        s = int(round(value))
        return f"{s // 60}:{s % 60:02d}"
    if kind == "h":  # hours:minutes
        m = int(round(value / 60))
        return f"{m // 60}:{m % 60:02d}"
    if kind == "r":
        return f"{value:.2f}"
    return str(value)


def render_text(t: Table, hall_name: str = "") -> str:
    head = [HEADERS[t.by]] + [h for _, h, _, _ in TEXT_COLUMNS]
    body = [[lab] + [fmt(v[c], k) for c, _, k, _ in TEXT_COLUMNS] for lab, v in t.rows]
    body.append(["合计 Total"] + [fmt(t.total[c], k) for c, _, k, _ in TEXT_COLUMNS])
    widths = [max(_width(r[i]) for r in [head] + body) for i in range(len(head))]
    line = lambda r: "  ".join(_pad(x, widths[i], i > 0) for i, x in enumerate(r)).rstrip()  # noqa: E731
    span = t.day_from if t.day_from == t.day_to else f"{t.day_from} .. {t.day_to}"
    out = [f"{hall_name} {span}".strip(), "(times in m:ss; pause and idle time in h:mm)", "",
           line(head), line(["-" * w for w in widths])] + [line(r) for r in body]
    if t.pauses:
        out += ["", "暂停原因 Pause reasons"] + [f"  {r}: {n} 次, {fmt(s, 'h')}" for r, n, s in t.pauses]
    return "\n".join(out) + "\n"


def write_csv(t: Table, out) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow([t.by] + COLUMNS)
    for lab, v in t.rows + [("total", t.total)]:
        w.writerow([lab] + ["" if v[c] is None else (round(v[c], 1) if isinstance(v[c], float) else v[c])
                            for c in COLUMNS])


def csv_text(t: Table) -> str:
    buf = io.StringIO()
    write_csv(t, buf)
    return buf.getvalue()


# ---- command -----------------------------------------------------------------------------
def _day(text: str, option: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as err:
        raise ReportError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from err


def run(args: argparse.Namespace, clock: Clock, stdout) -> int:
    names: dict[str, str] = {}
    known: list[str] = []
    tz, hall_name, base_dir, url, day_starts = args.timezone, "", None, args.database, time(0, 0)
    if args.config:
        config = load_config(args.config, HallSuiteConfig)
        base_dir = Path(args.config).resolve().parent
        url = url or config.database.url
        known = [h.id for h in config.halls]
        hall_id = args.hall or (known[0] if len(known) == 1 else None)
        if hall_id is None:
            raise ReportError(f"--hall is needed: {args.config} has halls {', '.join(known)}")
        if hall_id in known:
            hall = config.hall(hall_id)
            names, hall_name, day_starts = {s.code: s.name for s in hall.services}, hall.name, hall.day_starts_at
            tz = tz or hall.timezone
        args.hall = hall_id
    elif not args.hall:
        raise ReportError("--hall is needed with --database")
    today = service_day(clock.now(), tz or "Asia/Shanghai", day_starts)
    day_from = _day(args.day_from, "--from") if args.day_from else today
    day_to = _day(args.day_to, "--to") if args.day_to else (day_from if args.day_from else today)
    engine = open_engine(url, base_dir)
    try:
        table = make_table(engine, args.hall, day_from, day_to, args.by, tz or "Asia/Shanghai", names, known,
                           day_starts)
    finally:
        engine.dispose()
    if args.csv == "-":
        write_csv(table, stdout)
    elif args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as fh:
            write_csv(table, fh)
        print(f"hall-report: wrote {len(table.rows)} rows to {args.csv}", file=sys.stderr)
    else:
        stdout.write(render_text(table, hall_name))
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="hall-report", description="Waiting and serving times, no-shows, pauses and "
                                 "idle time of a hall, from the controller's event log.")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--config", help="hall controller TOML file (database URL, service names, time zone)")
    src.add_argument("--database", help="database URL, e.g. sqlite:///hall-state/hall.db or postgresql+psycopg://...")
    ap.add_argument("--hall", help="hall id (optional when the config has one hall)")
    ap.add_argument("--from", dest="day_from", help="first service day, YYYY-MM-DD (default: today)")
    ap.add_argument("--to", dest="day_to", help="last service day, YYYY-MM-DD (default: --from)")
    ap.add_argument("--by", choices=DIMENSIONS, default="service")
    ap.add_argument("--csv", metavar="FILE", help="write CSV to FILE, or - for stdout")
    ap.add_argument("--timezone", help="the hall's time zone for hours (default: from --config, else Asia/Shanghai)")
    return ap


def main(argv: list[str] | None = None, clock: Clock | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args, clock or SystemClock(), sys.stdout)
    except (ReportError, ConfigError) as err:
        print(f"hall-report: {err}", file=sys.stderr)
        return 2 if isinstance(err, ReportError) else 78
    except OSError as err:
        print(f"hall-report: cannot write {args.csv}: {err.strerror}", file=sys.stderr)
        return 73


if __name__ == "__main__":
    sys.exit(main())
