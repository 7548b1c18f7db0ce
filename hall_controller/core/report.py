"""Hall statistics from the event log: waiting and serving times, no-shows, transfers,
recalls, pauses, idle time and ratings, per service, window, clerk, hour of day or day.

Everything is computed from the appended rows of the `events` table (hall_controller/store/db.py),
never from the current state of `tickets`, so a report for any past day is the same
whenever it is made. The pure part (`facts`, `window_intervals`, `aggregate`) takes plain
event dicts; `load_events` / `load_ratings` read them from SQLite or PostgreSQL.

Definitions (also in the README):
- waiting time: from the issue (or the last re-queue by a transfer) to the call, per call;
- serving time: from "start" (or the call, when the clerk never pressed start) to "finish";
- a no-show is counted each time a clerk marks one; when the hall re-queues it (`requeued`)
  the ticket waits again from that moment;
- a window's day runs from its first to its last event of the service day (its opening
  hours as the hall lived them). Inside it, the window is *busy* from a call until the
  ticket is finished, marked no-show or transferred; *paused* from a pause until the
  resume (a pause never resumed ends at the window's last event); *closed* from a close
  until it opens again (not counted); *idle* the rest.
  Time is split at the hour boundaries for the per-hour figures;
- a fact is counted in the hour (local time of the hall) when it happened: issued at the
  issue, waiting at the call, served at the finish, a pause at its start;
- ratings (scores 1..5) are the ones the controller stored for the hall's tickets
  (hall_controller/core/ratings.py, kept in the backend outbox), counted on the day they were
  given; a database without them leaves the rating columns empty.
"""
from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData, Table, and_, inspect, select
from sqlalchemy.engine import Engine

from hall_controller.errors import HallError
from hall_controller.store import db
from hall_protocol.days import service_day
from hall_protocol.reporting import DIMENSIONS

log = logging.getLogger(__name__)

BUSY_START = {"called"}
BUSY_END = {"finished", "no_show", "transferred"}
NOT_AT_WINDOW = {"expired"}  # written at the next day's rollover, not by the window's clerk


@dataclass(frozen=True)
class Fact:
    """One thing that happened, with the value it adds (1 for counts, seconds for times)."""

    kind: str  # issued waited served no_show requeued cancelled expired transferred recall pause busy paused idle rating
    value: float
    day: str
    at: float
    service: str | None = None
    window: int | None = None
    clerk: str | None = None
    reason: str | None = None


def _data(e: dict) -> dict:
    raw = e.get("data")
    if not raw:
        return {}
    try:
        out = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def _ordered(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda e: (e["at"], e.get("id") or 0))


def ticket_facts(events: list[dict]) -> list[Fact]:
    """Per-ticket facts: issued, waited, served, no-shows, cancellations, transfers, recalls."""
    out: list[Fact] = []
    queued: dict[int, float] = {}  # ticket -> when it (re)joined the queue
    started: dict[int, float] = {}  # ticket -> start of service (call, or an explicit start)
    for e in _ordered(events):
        kind, tid = e["kind"], e.get("ticket_id")
        if tid is None:
            continue
        base = dict(day=e["day"], at=e["at"], service=e.get("service"), window=e.get("window"), clerk=e.get("clerk"))
        if kind == "issued":
            queued[tid] = e["at"]
            out.append(Fact("issued", 1, **{**base, "window": None, "clerk": None}))
        elif kind == "called":
            if tid in queued:
                out.append(Fact("waited", e["at"] - queued.pop(tid), **base))
            started[tid] = e["at"]
        elif kind == "started":
            started[tid] = e["at"]
        elif kind == "recalled":
            out.append(Fact("recall", 1, **base))
        elif kind == "finished":
            if tid in started:
                out.append(Fact("served", e["at"] - started.pop(tid), **base))
        elif kind in ("no_show", "cancelled", "expired"):
            started.pop(tid, None)
            queued.pop(tid, None)
            out.append(Fact(kind, 1, **base))
        elif kind in ("transferred", "requeued"):  # back in the queue: the next wait starts here
            started.pop(tid, None)
            queued[tid] = e["at"]
            out.append(Fact(kind, 1, **base))
    return out


def window_intervals(events: list[dict]) -> list[Fact]:
    """Busy, paused and idle time of each window per day, plus one `pause` fact per pause."""
    per_window: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for e in events:
        if e.get("window") is not None and e["kind"] not in NOT_AT_WINDOW:
            per_window[(e["day"], e["window"])].append(e)
    out: list[Fact] = []
    for (day, window), evs in per_window.items():
        evs = _ordered(evs)
        state, since, clerk, reason = "idle", evs[0]["at"], evs[0].get("clerk"), None
        for e in evs:
            kind, at = e["kind"], e["at"]
            new = state
            if kind == "paused":
                new = "paused"
                out.append(Fact("pause", 1, day, at, window=window, clerk=e.get("clerk"), reason=_data(e).get("reason")))
            elif kind in ("resumed", "opened"):
                new = "idle"
            elif kind == "closed":
                new = "closed"
            elif kind in BUSY_START:
                new = "busy"
            elif kind in BUSY_END and state == "busy":
                new = "idle"
            if new != state or kind == "paused":
                if at > since and state != "closed":
                    out.append(Fact(state, at - since, day, since, window=window, clerk=clerk, reason=reason))
                state, since = new, at
                reason = _data(e).get("reason") if new == "paused" else None
            if e.get("clerk"):
                clerk = e.get("clerk")
        # The window's day ends at its last event: whatever state is open ends there too.
    return out


def facts(events: list[dict], ratings: list[dict] | None = None) -> list[Fact]:
    out = ticket_facts(events) + window_intervals(events)
    for r in ratings or []:
        out.append(Fact("rating", float(r["score"]), r["day"], r["at"], service=r.get("service"),
                        window=r.get("window"), clerk=r.get("clerk")))
    return out


# ---- aggregation -----------------------------------------------------------------------------
def _split_by_hour(f: Fact, tz: ZoneInfo) -> list[tuple[int, float]]:
    """(local hour, seconds) pieces of a time interval fact."""
    pieces, start, end = [], f.at, f.at + f.value
    while start < end:
        local = datetime.fromtimestamp(start, tz)
        next_hour = (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).timestamp()
        stop = min(end, next_hour)
        pieces.append((local.hour, stop - start))
        start = stop
    return pieces


def _quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


@dataclass
class Group:
    key: object
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    times: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    waits: list[float] = field(default_factory=list)
    serves: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    pause_reasons: dict[str, list[float]] = field(default_factory=dict)

    def add(self, f: Fact, seconds: float | None = None) -> None:
        value = f.value if seconds is None else seconds
        if f.kind == "waited":
            self.waits.append(f.value)
        elif f.kind == "served":
            self.serves.append(f.value)
        elif f.kind == "rating":
            self.scores.append(f.value)
        elif f.kind in ("busy", "paused", "idle"):
            self.times[f.kind] += value
            if f.kind == "paused" and seconds is None:
                self.pause_reasons.setdefault(f.reason or "", [0, 0.0])[1] += value
            return
        elif f.kind == "pause":
            self.pause_reasons.setdefault(f.reason or "", [0, 0.0])[0] += 1
        self.counts[f.kind] += 1

    def row(self) -> dict:
        mean = lambda v: sum(v) / len(v) if v else None  # noqa: E731
        return {
            "issued": self.counts["issued"], "called": len(self.waits), "served": len(self.serves),
            "no_show": self.counts["no_show"], "requeued": self.counts["requeued"],
            "cancelled": self.counts["cancelled"], "expired": self.counts["expired"],
            "transferred": self.counts["transferred"], "recalls": self.counts["recall"],
            "wait_mean_s": mean(self.waits), "wait_median_s": _quantile(self.waits, 0.5),
            "wait_p90_s": _quantile(self.waits, 0.9), "wait_max_s": max(self.waits) if self.waits else None,
            "serve_mean_s": mean(self.serves), "serve_median_s": _quantile(self.serves, 0.5),
            "serve_p90_s": _quantile(self.serves, 0.9),
            "pauses": self.counts["pause"], "paused_s": self.times["paused"], "busy_s": self.times["busy"],
            "idle_s": self.times["idle"], "ratings": len(self.scores), "rating_mean": mean(self.scores),
        }


def _key(f: Fact, by: str, tz: ZoneInfo):
    if by == "hour":
        return datetime.fromtimestamp(f.at, tz).hour
    return getattr(f, by)


def aggregate(all_facts: list[Fact], by: str, tz: str = "Asia/Shanghai") -> tuple[list[Group], Group]:
    """Groups by one dimension (sorted by key) and the total over every fact."""
    if by not in DIMENSIONS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(DIMENSIONS)}")
    zone = ZoneInfo(tz)
    groups: dict[object, Group] = {}
    total = Group("total")
    for f in all_facts:
        total.add(f)
        if by == "hour" and f.kind in ("busy", "paused", "idle"):
            for hour, seconds in _split_by_hour(f, zone):
                groups.setdefault(hour, Group(hour)).add(f, seconds)
            continue
        key = _key(f, by, zone)
        if key is None:
            continue  # e.g. a ticket's issue has no window or clerk
        groups.setdefault(key, Group(key)).add(f)
    return sorted(groups.values(), key=lambda g: (str(type(g.key)), g.key)), total


def pause_reasons(group: Group) -> list[tuple[str, int, float]]:
    """(reason, count, seconds), longest first."""
    return sorted(((r or "—", int(c), s) for r, (c, s) in group.pause_reasons.items()), key=lambda x: -x[2])


# ---- reading the database ------------------------------------------------------------------
class ReportError(HallError):
    """A report that cannot be made: unknown hall, bad range."""

    code = "bad_request"


class ReportUnavailable(ReportError):
    """The database cannot be read right now."""

    code = "unavailable"


def load_events(engine: Engine, hall: str, day_from: str, day_to: str) -> list[dict]:
    q = select(db.events).where(and_(db.events.c.hall == hall, db.events.c.day >= day_from,
                                     db.events.c.day <= day_to)).order_by(db.events.c.at, db.events.c.id)
    with engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(q)]


def known_halls(engine: Engine) -> list[str]:
    with engine.connect() as c:
        return sorted(r[0] for r in c.execute(select(db.events.c.hall).distinct()))


RATINGS_TABLE = "backend_outbox"  # hall_controller/core/ratings.py stores each rating there (kind "rating")


def load_ratings(engine: Engine, hall: str, day_from: str, day_to: str, tz: str = "Asia/Shanghai",
                 day_starts_at: time = time(0, 0)) -> list[dict]:
    """The hall's ratings (好差评) of the day range, as the controller stored them in its
    outbox (delivered or not); [] for a database without one. The service is the one that
    served the ticket (a ticket transferred to another service keeps its number's prefix)."""
    if not inspect(engine).has_table(RATINGS_TABLE):
        return []
    table = Table(RATINGS_TABLE, MetaData(), autoload_with=engine)
    out = []
    with engine.connect() as c:
        for (raw,) in c.execute(select(table.c.payload).where(table.c.kind == "rating").order_by(table.c.id)):
            try:
                r = json.loads(raw)
                at = datetime.fromisoformat(r["rated_at"])
                score = float(r["score"])
            except (ValueError, KeyError, TypeError):
                log.warning("an unreadable rating in %s was left out", RATINGS_TABLE)
                continue
            day = service_day(at, tz, day_starts_at)
            if r.get("hall_id") != hall or not day_from <= day <= day_to:
                continue
            window = r.get("window_id")
            number = r.get("ticket_no") or ""
            out.append({"day": day, "at": at.timestamp(), "score": score,
                        "window": int(window) if str(window).isdigit() else None,
                        "clerk": None if r.get("clerk_id") in (None, "-") else r["clerk_id"],
                        "service": number[:1] if number[:1].isalpha() else None, "number": number})
        if out and inspect(engine).has_table("tickets"):
            t = db.tickets.c
            served_by = {(d, n): svc for d, n, svc in c.execute(select(t.day, t.number, t.service).where(
                t.hall == hall, t.day >= day_from, t.day <= day_to, t.number.in_({r["number"] for r in out})))}
            for r in out:
                r["service"] = served_by.get((r["day"], r["number"]), r["service"])
    return out
