"""What the citizen's phone adds to a ticket, kept in the database (`phone_tickets`) and in memory.

A ticket taken from a phone is `remote`; a confirmed phone is kept as the platform's stable
pseudonym of it (`recipient`: SMS go to it) and the number masked; never the number itself.
A ticket's reminders are people-ahead thresholds ("when 3 people are ahead"); each one is
reminded once (`reminded`), and the SMS it sends goes through the outbox under a key made from
hall, day, ticket and threshold, so that not even a crash between the two sends it twice.

The entries of a hall's day are read once, then kept in memory and written through.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.engine import Engine

from hall_controller.store import db

MAX_REMINDERS = 3


@dataclass(frozen=True)
class PhoneEntry:
    hall: str
    day: str
    number: str
    service: str
    remote: bool = False
    recipient: str | None = None
    phone_masked: str | None = None
    reminders: tuple[int, ...] = ()
    reminded: tuple[int, ...] = ()

    def row(self) -> dict:
        return {"hall": self.hall, "day": self.day, "number": self.number, "service": self.service,
                "remote": int(self.remote), "recipient": self.recipient, "phone_masked": self.phone_masked,
                "reminders": _text(self.reminders), "reminded": _text(self.reminded)}


def _text(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def _ints(text: str | None) -> tuple[int, ...]:
    return tuple(int(v) for v in (text or "").split(",") if v.strip().isdigit())


def due(entry: PhoneEntry, ahead: int | None) -> tuple[int, ...]:
    """The thresholds `ahead` has reached that were not reminded yet (each is reminded once)."""
    if ahead is None:
        return ()
    return tuple(sorted(n for n in entry.reminders if ahead <= n and n not in entry.reminded))


def sms_key(hall: str, day: str, number: str, threshold: int) -> str:
    """The outbox key of a reminder: one per ticket and threshold, ever."""
    return "sms-" + hashlib.sha256(f"{hall}|{day}|{number}|{threshold}".encode()).hexdigest()[:40]


@dataclass
class PhoneBook:
    engine: Engine
    _days: dict[str, tuple[str, dict[str, PhoneEntry]]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def entries(self, hall: str, day: str) -> dict[str, PhoneEntry]:
        """The hall's entries of `day` by number (read once, then from memory)."""
        with self._lock:
            held = self._days.get(hall)
            if held is not None and held[0] == day:
                return held[1]
            t = db.phone_tickets
            with self.engine.connect() as c:
                rows = c.execute(select(t).where(and_(t.c.hall == hall, t.c.day == day))).mappings().all()
            out = {r["number"]: PhoneEntry(r["hall"], r["day"], r["number"], r["service"], bool(r["remote"]),
                                           r["recipient"], r["phone_masked"], _ints(r["reminders"]),
                                           _ints(r["reminded"])) for r in rows}
            self._days[hall] = (day, out)
            return out

    def get(self, hall: str, day: str, number: str) -> PhoneEntry | None:
        return self.entries(hall, day).get(number)

    def save(self, entry: PhoneEntry) -> PhoneEntry:
        """Write one entry (insert or replace) and keep it."""
        t = db.phone_tickets
        with self._lock:
            entries = self.entries(entry.hall, entry.day)
            with self.engine.begin() as c:
                c.execute(delete(t).where(and_(t.c.hall == entry.hall, t.c.day == entry.day,
                                               t.c.number == entry.number)))
                c.execute(insert(t).values(**entry.row()))
            entries[entry.number] = entry
        return entry

    def remember(self, entry: PhoneEntry) -> None:
        """An entry the hall's journal committed (with its ticket): keep it in memory too."""
        with self._lock:
            held = self._days.get(entry.hall)
            if held is not None and held[0] == entry.day:
                held[1][entry.number] = entry

    def update(self, entry: PhoneEntry, **changes) -> PhoneEntry:
        return self.save(replace(entry, **changes))

    def forget(self, hall: str) -> None:
        """Read the hall again next time (another process may have changed it)."""
        with self._lock:
            self._days.pop(hall, None)

    # -- what the quotas count ---------------------------------------------------------------
    def remote_count(self, hall: str, day: str, service: str) -> int:
        return sum(1 for e in self.entries(hall, day).values() if e.remote and e.service == service)

    def of_recipient(self, hall: str, day: str, recipient: str) -> list[PhoneEntry]:
        return [e for e in self.entries(hall, day).values() if e.recipient == recipient]
