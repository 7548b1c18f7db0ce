"""`hall-report`: the hall's statistics as a readable table or CSV.

    hall-report --config config/examples/hall.toml                     # today, per service
    hall-report --database sqlite:///hall-state/hall.db --hall demo-hall --from 2026-03-01 --to 2026-03-07 --by window
    hall-report --config hall.toml --by hour --csv report.csv           # or --csv - for stdout

The tables come from hall_controller/core/report_table.py, the same the supervisor desk gets
over MQTT; columns and formats from hall_protocol/reporting.py.
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import date, time
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from config import ConfigError, HallSuiteConfig, load_config
from drivers.core.clock import Clock, SystemClock
from hall_controller.core.report import ReportError
from hall_controller.core.report_table import make_table
from hall_protocol.days import service_day
from hall_protocol.reporting import DIMENSIONS, HEADERS, TEXT_COLUMNS, ReportTable, fmt, write_csv
from privacy import install_log_masking


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


# ---- output ------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def render_text(t: ReportTable, hall_name: str = "") -> str:
    head = [HEADERS[t.by]] + [h for _, h, _, _ in TEXT_COLUMNS]
    body = [[r.label] + [fmt(r.values[c], k) for c, _, k, _ in TEXT_COLUMNS] for r in t.rows]
    body.append(["合计 Total"] + [fmt(t.total[c], k) for c, _, k, _ in TEXT_COLUMNS])
    widths = [max(_width(r[i]) for r in [head] + body) for i in range(len(head))]
    line = lambda r: "  ".join(_pad(x, widths[i], i > 0) for i, x in enumerate(r)).rstrip()  # noqa: E731
    span = t.day_from if t.day_from == t.day_to else f"{t.day_from} .. {t.day_to}"
    out = [f"{hall_name} {span}".strip(), "(times in m:ss; pause and idle time in h:mm)", "",
           line(head), line(["-" * w for w in widths])] + [line(r) for r in body]
    if t.pauses:
        out += ["", "暂停原因 Pause reasons"] + [f"  {p.reason}: {p.count} 次, {fmt(p.seconds, 'h')}" for p in t.pauses]
    return "\n".join(out) + "\n"


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
    if args.followup:
        try:
            stdout.write(followup_text(engine, args.hall, day_from, day_to, today,
                                       config.hall(args.hall).followup if args.config and args.hall in known else None))
        finally:
            engine.dispose()
        return 0
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


def followup_text(engine: Engine, hall: str, day_from: str, day_to: str, today: str, policy=None) -> str:
    """差评回访整改: the follow-up cases of the bad ratings of a range, and the closed-loop rate."""
    from hall_controller.core.followup import Deadlines, closed_loop, replay
    from hall_controller.store.followups import load_followup_events
    d = (Deadlines(policy.contact_working_days, policy.deadline_working_days, frozenset(policy.holidays),
                   frozenset(policy.workdays)) if policy else Deadlines(3, 15))
    cases = list(replay(load_followup_events(engine, hall, day_from, day_to), d, today).values())
    f = closed_loop(cases, today)
    pct = lambda v: "—" if v is None else f"{100 * v:.1f} %"  # noqa: E731
    lines = [f"差评回访整改 Follow-up of bad ratings  {hall}  {day_from} – {day_to}",
             f"opened {f['opened']}  closed {f['closed']}  closed on time {f['closed_on_time']}  open {f['open']}  "
             f"overdue (open) {f['overdue_open']}",
             f"closed-loop rate {pct(f['closed_loop_rate'])}  on-time rate {pct(f['on_time_rate'])}", ""]
    for c in sorted(cases, key=lambda c: c.id):
        lines.insert(-1, f"  {c.id}  {c.state:9}  score {c.score}  window {c.window}  staff {c.clerk or '-'}  "
                         f"due {c.due}{'  OVERDUE' if c.overdue else ''}")
    return "\n".join(lines) + "\n"


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
    ap.add_argument("--followup", action="store_true", help="the follow-up cases of bad ratings of the range "
                                                           "(差评回访整改) and their closed-loop rate")
    ap.add_argument("--timezone", help="the hall's time zone for hours (default: from --config, else Asia/Shanghai)")
    return ap


def main(argv: list[str] | None = None, clock: Clock | None = None) -> int:
    args = parser().parse_args(argv)
    install_log_masking()  # every record masked (privacy.logs)
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
