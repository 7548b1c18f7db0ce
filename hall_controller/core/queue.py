"""The queue of one hall: today's tickets, its windows and the calling order, in memory.

The hall's owner process is its only writer. It keeps the waiting tickets in lines (one per
service, priority class and reserved window, each first come first served), the windows and
the recent calls in memory, and appends every transition to the database through the
journal (hall_controller/store/journal.py) before anyone hears of it: a unit of work that
runs alone commits at its end; inside a batch (the controller's request worker) many units
commit together, with one fsync, before any of their answers goes out. People ahead, the
estimate's snapshot, the board and call_next read memory only. At start-up, and whenever a
commit failed, the hall's memory is rebuilt from the database (`load`).

Time comes from an injected clock. The calling order is documented in docs/queue.md.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import secrets
from bisect import bisect_left, insort
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from config.schema import HallConfig, ServiceConfig
from drivers.core.clock import Clock
from hall_controller.core.tally import Tally
from hall_controller.errors import BadRequest, DayEnded, HallError, LimitReached, NotFound, NotOpen
from hall_controller.store.db import TICKET_MUTABLE
from hall_controller.store.journal import RECENT_CALLS, WINDOW_REQUESTS, HallRows, Journal
from hall_protocol.days import day_start, iso, service_day

log = logging.getLogger(__name__)

# Seconds of waiting a priority class is worth when ordering calls (docs/queue.md).
PRIORITY_BONUS = {"normal": 0.0, "appointment": 600.0, "green": 900.0, "returning": 1200.0, "front": 1e9}
ACTIVE = ("called", "serving")
OPEN = ("arriving", "waiting", *ACTIVE)  # arriving: a remote ticket waiting for its holder's check-in
FINAL = ("done", "no_show", "cancelled", "expired")
ENDED_KEPT = 2000          # tickets that ended lately, newest last (the phones' pages show the end)
OCCUPANCY_RECENT = 20      # finished tickets per service the estimate learns from
RATE_SPAN_S = 1800.0       # arrivals over this much recent time give the rate of tickets to come
_STAMPS = itertools.count(1)  # never repeats, also across rebuilds of a hall's memory


@dataclass(eq=False)
class Ticket:
    number: str
    service: str
    priority: str
    state: str
    window: int | None
    issued_at: float
    queued_at: float
    called_at: float | None
    recalls: int
    day: str
    target_window: int | None = None
    started_at: float | None = None
    lang: str = "zh"
    id: int | None = None          # the database's id, once committed
    order: int = 0                 # issue order within the hall: breaks ties of queued_at
    seq: int = 0
    request_id: str = ""
    source: str = ""
    finished_at: float | None = None
    appointment_code: str | None = None
    guide: bool = False
    clerk: str | None = None       # the last clerk who acted on it (ratings name them)
    requeues: int = 0
    token: str = ""                # unguessable, for the citizen's phone page
    matter_id: str | None = None   # the matter it was issued for (an appointment's), named by its rating

    @property
    def bonus(self) -> float:
        return PRIORITY_BONUS.get(self.priority, 0.0)

    def __post_init__(self) -> None:
        if not self.order and self.id:
            self.order = self.id

    @property
    def line(self) -> tuple[str, str, int | None]:
        """Its line of the calling order: (service, priority, reserved window)."""
        return self.service, self.priority, self.target_window

    @property
    def key(self) -> tuple[float, int]:
        return self.queued_at, self.order

    def values(self) -> dict:
        """What its transitions change, as the database keeps it (store/db.py TICKET_MUTABLE)."""
        return {c: getattr(self, c) for c in TICKET_MUTABLE}

    def row(self, hall: str) -> dict:
        return {**self.values(), "hall": hall, "day": self.day, "seq": self.seq, "number": self.number,
                "request_id": self.request_id, "source": self.source, "lang": self.lang, "issued_at": self.issued_at,
                "appointment_code": self.appointment_code, "guide": self.guide, "token": self.token,
                "matter_id": self.matter_id}

    @classmethod
    def from_row(cls, m) -> "Ticket":
        return cls(id=m["id"], order=m["id"], number=m["number"], service=m["service"], priority=m["priority"],
                   state=m["state"], window=m["window"], issued_at=m["issued_at"], queued_at=m["queued_at"],
                   called_at=m["called_at"], recalls=m["recalls"], day=m["day"], target_window=m["target_window"],
                   started_at=m["started_at"], lang=m["lang"], seq=m["seq"], request_id=m["request_id"],
                   source=m["source"], finished_at=m["finished_at"], appointment_code=m["appointment_code"],
                   guide=bool(m["guide"]), clerk=m["clerk"], requeues=m["requeues"] or 0, token=m["token"] or "",
                   matter_id=m.get("matter_id"))


@dataclass
class Window:
    number: int
    state: str = "idle"
    ticket: Ticket | None = None   # the window's current ticket (called or serving)
    since: float | None = None
    reason: str | None = None
    clerk: str | None = None
    known: bool = False            # its clerk has signed on at least once (it has a row)

    def as_dict(self) -> dict:
        return {"window": self.number, "state": self.state,
                "ticket_id": None if self.ticket is None else self.ticket.id,
                "since": self.since, "reason": self.reason, "clerk": self.clerk}


@dataclass
class Call:
    number: str
    window: int
    service: str
    at: float


@dataclass
class Learned:
    """What the estimate learns from today, kept up to date as tickets are issued and finished."""

    spans: dict[str, deque] = field(default_factory=lambda: defaultdict(lambda: deque(maxlen=OCCUPANCY_RECENT)))
    arrivals: dict[tuple[str, str], deque] = field(default_factory=lambda: defaultdict(deque))
    first_issued: float | None = None


def ahead_in(lines: dict, t: Ticket) -> int:
    """Waiting tickets of `t`'s service in `lines` (a hall's lines, or a copy of them) called
    before it: those queued earlier in a line of no more priority, and every ticket of a line
    with more."""
    n = 0
    for (service, priority, _), line in lines.items():
        if service != t.service:
            continue
        if PRIORITY_BONUS.get(priority, 0.0) > t.bonus:
            n += len(line)
        else:
            n += bisect_left(line, t.key, key=lambda x: x.key)
    return n


def everyone_ahead(lines: dict) -> dict[str, int]:
    """`ahead_in` of every ticket in `lines` at once, by number: one walk along each pair of
    lines of a service (the tickets times the service's lines), where asking ticket by ticket
    took a bisection per line and ticket (3,300 waiting: about 50 ms for the phone pages' progress)."""
    services: dict[str, list[tuple[float, list, list]]] = {}
    for (service, priority, _), line in lines.items():
        services.setdefault(service, []).append((PRIORITY_BONUS.get(priority, 0.0), [t.key for t in line], line))
    out: dict[str, int] = {}
    for group in services.values():
        for bonus, keys, line in group:
            ahead = list(range(len(keys)))           # queued before it in its own line
            for other_bonus, other, _ in group:
                if other is keys:
                    continue
                if other_bonus > bonus:              # a line of more priority: all of it
                    ahead = [a + len(other) for a in ahead]
                    continue
                j, end = 0, len(other)
                for i, key in enumerate(keys):       # of no more priority: those queued earlier
                    while j < end and other[j] < key:
                        j += 1
                    ahead[i] += j
            out.update(zip((t.number for t in line), ahead))
    return out


class HallQueue:
    """Tickets and windows of one hall. Several halls may share an engine and its journal."""

    def __init__(self, engine, hall: HallConfig, clock: Clock, journal: Journal | None = None,
                 rows: HallRows | None = None) -> None:
        """`rows`: what to rebuild from, when the caller read many halls at once."""
        self.engine, self.hall, self.clock = engine, hall, clock
        self.journal = journal or Journal.for_engine(engine)
        self.stale = True
        self.day = ""
        self._order = 0
        self.version = 0  # counts the units that changed the hall (answers and states compare it)
        self.ended_requests: dict[str, tuple[str, str]] = {}  # request id -> (day, number) of a day that ended
        self._weights = {w.number: w.services for w in hall.windows}  # window -> service -> weight
        self.tally = Tally(hall.timezone, frozenset(d.id for d in hall.devices if d.role == "web"))
        self._reset()
        with self.journal.lock:
            self.load(rows)

    # -- time ----------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now().timestamp()

    def today(self) -> str:
        return self.service_day(self.hall, self.clock)

    @staticmethod
    def service_day(hall: HallConfig, clock: Clock) -> str:
        return service_day(clock.now(), hall.timezone, hall.day_starts_at)

    def iso(self, ts: float | None) -> str | None:
        return None if ts is None else iso(ts, self.hall.timezone)

    def reconfigure(self, hall: HallConfig) -> None:
        """The hall's section read again (core/reconfig.py merged it; under the journal's lock):
        names, services, windows and policies apply from the next request on; a window new to
        the file starts idle, like one at the start of a day."""
        if hall.id != self.hall.id:
            raise ValueError(f"hall {self.hall.id} cannot take the section of hall {hall.id}")
        self.hall = hall
        self._weights = {w.number: w.services for w in hall.windows}
        for w in hall.windows:
            self.windows.setdefault(w.number, Window(w.number))
        self.tally.remote_sources = frozenset(d.id for d in hall.devices if d.role == "web")
        self.shown = None   # names and time zone may have changed: the board's parts are made anew
        self.touched = None
        self.version += 1

    # -- memory and its rebuild ------------------------------------------------------------
    def _reset(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.requests: dict[str, Ticket] = {}
        self.tokens: dict[str, Ticket] = {}
        self.live: dict[str, Ticket] = {}         # today's tickets not ended (waiting, arriving, called, serving)
        self.ended: deque[Ticket] = deque(maxlen=ENDED_KEPT)  # the last tickets to end, in that order
        self.no_shows: deque[Ticket] = deque()    # today's tickets that are no-shows now, in that order
        self.lines: dict[tuple[str, str, int | None], list[Ticket]] = {}
        self.line_changes: dict[str, int] = {}  # service -> a stamp, new whenever one of its lines changes
        self.windows: dict[int, Window] = {w.number: Window(w.number) for w in self.hall.windows}
        self.seqs: dict[str, int] = {}
        self.calls: deque[Call] = deque(maxlen=RECENT_CALLS)
        self.learned = Learned()
        self.window_requests: dict[str, tuple[str, str | None]] = {}  # request id -> (action, ticket number)
        self._leftovers: list[Ticket] = []  # open tickets of earlier days, expired by roll_over
        self.shown = None  # the parts of its boards and window states, kept (core/board.py's Shown)
        # windows whose row or current ticket changed since the window states were last looked at;
        # None: any may have (a rebuild, a new day, a new configuration)
        self.touched: set[int] | None = None

    def load(self, rows: HallRows | None = None) -> None:
        """Rebuild memory from the database (under the journal's lock)."""
        if rows is None or rows.day != self.today():
            rows = self.journal.load_hall(self.hall.id, self.today())
        self._reset()
        self.day = rows.day
        self.ended_requests = dict(rows.ended)
        for m in rows.tickets:
            t = Ticket.from_row(m)
            self._order = max(self._order, t.order)
            if t.day != self.day:
                self._leftovers.append(t)
                self.ended_requests[t.request_id] = (t.day, t.number)
                continue
            self.tickets[t.number] = t
            self.requests[t.request_id] = t
            prefix = t.number[0]  # the issuing service; a transfer changes only `service`
            self.seqs[prefix] = max(self.seqs.get(prefix, 0), t.seq)
            if t.token:
                self.tokens[t.token] = t
            self._learn_issue(t)
            if t.state == "waiting":
                self._enqueue(t)
        for t in sorted((t for t in self.tickets.values() if t.state in ("done", "no_show")),
                        key=lambda t: t.finished_at or 0):
            self._learn_finish(t)
        by_id = {t.id: t for t in self.tickets.values()}
        for m in rows.windows:
            w = self.windows.get(m["window"])
            if w is None:
                continue
            w.state, w.since, w.reason, w.clerk, w.known = m["state"], m["since"], m["reason"], m["clerk"], True
            w.ticket = by_id.get(m["ticket_id"])
        for t in self.tickets.values():  # the current ticket of each window is its newest active one
            if t.state in ACTIVE and t.window in self.windows:
                w = self.windows[t.window]
                if w.ticket is None or w.ticket.state not in ACTIVE or (w.ticket.called_at or 0) < (t.called_at or 0):
                    w.ticket = t
        for w in self.windows.values():
            if w.ticket is not None and w.ticket.state not in ACTIVE:
                w.ticket = None
        for e in rows.calls:
            self.calls.append(Call(e["number"], e["window"], e["service"], e["at"]))
        for request_id, action, number in rows.window_requests:
            self.window_requests[request_id] = (action, number)
        for t in sorted(self.tickets.values(), key=lambda t: (t.finished_at or 0, t.order)):
            self._index(t, None)
        self.tally.rebuild(self.tickets.values())
        self.stale = False

    @contextmanager
    def unit(self) -> Iterator[None]:
        """One unit of work: memory first, its journal entries committed with it (now, or with
        the batch it belongs to). A failure that is not a refusal leaves the hall to be
        rebuilt from the database, so memory never runs ahead of what is stored."""
        with self.journal.lock:
            if self.stale:
                self.journal.flush_if_pending()
                self.load()
            if self.today() != self.day:
                self.roll_over()
            mark = self.journal.mark()
            with self.journal.unit(self):
                try:
                    yield
                except HallError:
                    raise
                except BaseException:
                    self.journal.undo(mark)
                    self.stale = True
                    raise
                if self.journal.mark() != mark:
                    self.version += 1

    # -- the journal -------------------------------------------------------------------------
    def event(self, kind: str, t: Ticket | None, at: float, window: int | None = None, clerk: str | None = None,
              data: dict | None = None, day: str | None = None) -> None:
        self.journal.event(self.hall.id, day or (t.day if t is not None else self.day), kind, t, at, window, clerk,
                           data)
        if kind in ("called", "recalled") and t is not None and window is not None:
            self.calls.append(Call(t.number, window, t.service, at))
        if (day or (t.day if t is not None else self.day)) == self.day:
            self.tally.event(kind, t, at, window)

    def touch(self, t: Ticket, **values) -> Ticket:
        """Change a ticket, keeping its line in the calling order and the journal up to date."""
        was, at = t.state, t.window
        if t.state == "waiting":
            self._dequeue(t)
        for k, v in values.items():
            setattr(t, k, v)
        if self.touched is not None:
            self.touched.update(n for n in (at, t.window) if n is not None)
        if t.state == "waiting":
            self._enqueue(t)
        elif t.state in ("done", "no_show") and "finished_at" in values:
            self._learn_finish(t)
        if t.state != was:
            self._index(t, was)
        self.journal.ticket_changed(self.hall.id, t)
        return t

    def _index(self, t: Ticket, was: str | None) -> None:
        """Keep the live tickets, the ended ones and the no-shows as `t` moves from `was`
        (None: it is new to memory), so nothing has to look through the whole day."""
        if t.state in FINAL:
            self.live.pop(t.number, None)
            if was is None or was not in FINAL:
                self.ended.append(t)
        else:
            self.live[t.number] = t
        if was == "no_show":
            try:
                self.no_shows.remove(t)
            except ValueError:
                pass
        if t.state == "no_show":
            self.no_shows.append(t)

    def set_window(self, window: int, state: str, ticket: Ticket | None, reason: str | None = None,
                   clerk: str | None = None) -> Window:
        w = self.windows[window]
        w.state, w.ticket, w.since, w.reason, w.clerk, w.known = state, ticket, self.now(), reason, clerk, True
        if self.touched is not None:
            self.touched.add(window)
        self.journal.window_changed(self.hall.id, w)
        return w

    # -- the lines of the calling order -------------------------------------------------------
    def _enqueue(self, t: Ticket) -> None:
        insort(self.lines.setdefault(t.line, []), t, key=lambda x: x.key)
        self.line_changes[t.service] = next(_STAMPS)

    def _dequeue(self, t: Ticket) -> None:
        self.line_changes[t.service] = next(_STAMPS)
        line = self.lines.get(t.line, [])
        i = bisect_left(line, t.key, key=lambda x: x.key)
        while i < len(line) and line[i] is not t:
            i += 1
        if i < len(line):
            line.pop(i)
        if not line:
            self.lines.pop(t.line, None)

    # -- what the estimate learns --------------------------------------------------------------
    def _learn_issue(self, t: Ticket) -> None:
        lr = self.learned
        if lr.first_issued is None or t.issued_at < lr.first_issued:
            lr.first_issued = t.issued_at
        lr.arrivals[(t.service, t.priority)].append(t.issued_at)

    def _learn_finish(self, t: Ticket) -> None:
        if t.called_at is not None and t.finished_at is not None:
            self.learned.spans[t.service].append(t.finished_at - t.called_at)

    def arrival_rates(self, now: float) -> dict[tuple[str, str], float]:
        lr = self.learned
        if lr.first_issued is None:
            return {}
        span = max(min(RATE_SPAN_S, now - lr.first_issued), 600.0)
        out = {}
        for key, times in lr.arrivals.items():
            while times and times[0] <= now - RATE_SPAN_S:
                times.popleft()
            i, limit = 0, now - span   # arrivals are kept in order: only the first few can be older
            while i < len(times) and times[i] <= limit:
                i += 1
            n = len(times) - i
            if n:
                out[key] = n / span
        return out

    # -- issuing -------------------------------------------------------------------------
    def within_hours(self, svc: ServiceConfig, now: float) -> bool:
        """Within the service's ticket hours (none configured: always)."""
        if not svc.hours:
            return True
        local = datetime.fromtimestamp(now, ZoneInfo(self.hall.timezone))
        return any(local.isoweekday() in p.weekdays and p.opens <= local.time() < p.closes for p in svc.hours)

    def issue(self, service: str, request_id: str, *, source: str, priority: str = "normal",
              appointment_code: str | None = None, lang: str = "zh", guide: bool = False,
              matter_id: str | None = None, arriving: bool = False) -> tuple[Ticket, bool]:
        """Issue a ticket; returns (ticket, created). A repeated request_id returns the same ticket.
        `arriving`: a remote ticket that joins the calling order only at its check-in (`check_in`)."""
        try:
            svc = self.hall.service(service)
        except KeyError as err:
            raise BadRequest(f"unknown service {service!r}") from err
        if priority not in ("normal", "appointment", "green"):
            raise BadRequest(f"unknown priority {priority!r}")
        if appointment_code is None and not self.within_hours(svc, self.now()):
            hours = ", ".join(f"{p.opens:%H:%M}-{p.closes:%H:%M} (weekdays {p.weekdays})" for p in svc.hours)
            raise NotOpen(f"service {service} issues tickets {hours}, not now")
        with self.unit():
            existing = self.requests.get(request_id)
            if existing is not None:
                return existing, False
            ended = self.ended_requests.get(request_id)
            if ended is not None:  # a retry that crossed the day's start: that day's ticket is gone
                raise DayEnded(f"request {request_id} was answered on {ended[0]} with ticket {ended[1]}; that "
                               "service day has ended: take a new ticket")
            seq = self.seqs.get(service, 0) + 1
            if seq > svc.daily_limit:
                raise LimitReached(f"service {service} has issued its {svc.daily_limit} tickets for today")
            self.seqs[service] = seq
            now = self.now()
            self._order += 1
            t = Ticket(number=f"{service}{seq:03d}", service=service, priority=priority,
                       state="arriving" if arriving else "waiting", window=None,
                       issued_at=now, queued_at=now, called_at=None, recalls=0, day=self.day, order=self._order,
                       seq=seq, request_id=request_id, source=source, lang=lang, appointment_code=appointment_code,
                       guide=guide, token=secrets.token_urlsafe(16), matter_id=matter_id)
            self.tickets[t.number] = t
            self.requests[request_id] = t
            self.tokens[t.token] = t
            self.live[t.number] = t
            if not arriving:
                self._enqueue(t)
            self._learn_issue(t)
            self.tally.issued(t)
            self.journal.ticket_new(self.hall.id, t)
            self.event("issued", t, now, data={"priority": priority, "source": source, **({"guide": True} if guide else {}),
                                               **({"arriving": True} if arriving else {})})
            return t, True

    def check_in(self, t: Ticket, by: str) -> bool:
        """A remote ticket's holder is in the hall: it joins the calling order now (at the end of
        its line). False when it was in the order already (a retry, or a hall without check-in)."""
        with self.unit():
            if t.state != "arriving":
                return False
            now = self.now()
            self.touch(t, state="waiting", queued_at=now)
            self.event("checked_in", t, now, data={"by": by})
            return True

    # -- the day boundary ------------------------------------------------------------------
    def roll_over(self) -> int:
        """Close what the previous service days left open; safe to call at any time.

        Tickets of earlier days still waiting, called or serving become `expired` (with an
        event in their own day), and windows last touched before today's start are closed:
        their clerks sign on again. Returns the number of tickets expired."""
        with self.journal.lock, self.journal.unit(self):
            today = self.today()
            if today == self.day and not self._leftovers:
                return 0
            now = self.now()
            stale = [t for t in self.tickets.values() if t.state in OPEN and t.day < today] + self._leftovers
            for t in stale:
                was = t.state
                t.state, t.finished_at = "expired", now
                self._index(t, was)
                self.journal.ticket_changed(self.hall.id, t)
                self.event("expired", t, now, t.window, data={"was": was}, day=t.day)
            start = day_start(today, self.hall.timezone, self.hall.day_starts_at).timestamp()
            windows = self.windows
            if today != self.day:
                old = {n: w for n, w in windows.items()}
                # the day just ended: a device retrying one of its requests after the day's start
                # is told so (its ticket is gone), never given a second ticket of the same id
                self.ended_requests = {rid: (t.day, t.number) for rid, t in self.requests.items()}
                self._reset()
                self.day = today
                self.tally.new_day(today)
                for n, w in old.items():  # keep the windows' rows; the day's tickets start anew
                    self.windows[n] = w
                    w.ticket = None
                windows = self.windows
            self._leftovers = []
            self.touched = None   # tickets and windows changed here in place
            for w in windows.values():
                if w.known and (w.since or 0) < start and w.state != "closed":
                    w.state, w.ticket, w.since, w.reason = "closed", None, now, None
                    self.journal.window_changed(self.hall.id, w)
        if stale:
            log.info("hall %s: day %s begins, %d tickets of earlier days expired", self.hall.id, today, len(stale))
        return len(stale)

    # -- queries -------------------------------------------------------------------------
    def fresh(self) -> None:
        if self.stale or self.today() != self.day:
            with self.unit():
                pass

    def waiting(self, services: list[str] | None = None) -> list[Ticket]:
        """Today's waiting tickets, first queued first."""
        with self.journal.lock:
            self.fresh()
            out = [t for key, line in self.lines.items() if services is None or key[0] in services for t in line]
        return sorted(out, key=lambda t: t.key)

    def waiting_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for (service, _, _), line in self.lines.items():
            counts[service] += len(line)
        return counts

    def ticket(self, number: str) -> Ticket:
        with self.journal.lock:
            self.fresh()
            t = self.tickets.get(number)
        if t is None:
            raise NotFound(f"no ticket {number} today")
        return t

    def by_token(self, token: str) -> Ticket | None:
        """Today's ticket with this phone-page token, or None."""
        return self.tokens.get(token)

    def score(self, t: Ticket, window: int, now: float) -> float:
        weight = self._weights[window].get(t.service, 0.0)
        return (now - t.queued_at) * weight + t.bonus

    def _lines_for(self, window: int) -> list[list[Ticket]]:
        served = self._weights[window]
        return [line for (service, _, only), line in self.lines.items()
                if line and service in served and only in (None, window)]

    def calling_key(self, window: int) -> tuple:
        """Windows with the same key may call the same tickets in the same order (the same
        services with the same weights, and no line waiting for one of them alone)."""
        served = self._weights[window]
        own = any(only == window and line for (_, _, only), line in self.lines.items())
        return tuple(sorted(served.items())), window if own else None

    def order_moves(self, window: int) -> bool:
        """Whether the window's calling order can change with time alone: it has tickets waiting
        in services of different weights (waited seconds x weight grow at different speeds)."""
        served = self._weights[window]
        return len({served[service] for (service, _, only), line in self.lines.items()
                    if line and service in served and only in (None, window)}) > 1

    def next_for(self, window: int) -> Ticket | None:
        """The ticket `call_next` at this window calls: the head of the line with the highest score."""
        now, best, best_key = self.now(), None, None
        for line in self._lines_for(window):
            t = line[0]
            key = (self.score(t, window, now), -t.queued_at, -t.order)
            if best_key is None or key > best_key:
                best, best_key = t, key
        return best

    def ordered_for(self, window: int, limit: int | None = None) -> list[Ticket]:
        """The waiting tickets this window may call, in the order it would call them."""
        with self.journal.lock:
            self.fresh()
            now = self.now()
            lines = self._lines_for(window)
            heads = [(-self.score(line[0], window, now), line[0].queued_at, line[0].order, i, 0)
                     for i, line in enumerate(lines)]
            heapq.heapify(heads)
            out: list[Ticket] = []
            while heads and (limit is None or len(out) < limit):
                _, _, _, i, j = heapq.heappop(heads)
                out.append(lines[i][j])
                if j + 1 < len(lines[i]):
                    t = lines[i][j + 1]
                    heapq.heappush(heads, (-self.score(t, window, now), t.queued_at, t.order, i, j + 1))
        return out

    def waiting_total_for(self, window: int) -> int:
        return sum(len(line) for line in self._lines_for(window))

    def people_ahead(self, t: Ticket) -> int:
        """Waiting tickets of the same service called before this one: those queued earlier
        in a line of no more priority, and every ticket of a line with more."""
        with self.journal.lock:
            return ahead_in(self.lines, t)

    def window_state(self, window: int) -> dict:
        with self.journal.lock:
            self.fresh()
            w = self.windows.get(window)
            if w is None or not w.known:
                return {"window": window, "state": "idle", "ticket_id": None, "since": None, "reason": None,
                        "clerk": None}
            return w.as_dict()

    def has_window_row(self, window: int) -> bool:
        """Whether the window's clerk has ever signed on (any action); before that it is not open."""
        w = self.windows.get(window)
        return w is not None and w.known

    def take_touched(self) -> set[int] | None:
        """The windows touched since the last call (None: any may have been); under the lock."""
        touched, self.touched = self.touched, set()
        return touched

    def current(self, window: int) -> Ticket | None:
        w = self.windows.get(window)
        t = None if w is None else w.ticket
        return t if t is not None and t.state in ACTIVE else None

    def remember_request(self, request_id: str, action: str, number: str | None) -> None:
        self.window_requests[request_id] = (action, number)
        while len(self.window_requests) > WINDOW_REQUESTS:
            self.window_requests.pop(next(iter(self.window_requests)))
