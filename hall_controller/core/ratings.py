"""Ratings (好差评) of served tickets: validated by the controller, stored durably in the
outbox (which delivers them to the platform), one per ticket.

A rating is accepted for a served ticket (state done) not rated yet: today's, or one of an
earlier day served within the hall's window (`[halls.rating] window_h`: yesterday's ticket can
still be rated the next morning). The ticket is named by number and service day. The rating
names the ticket's matter when it had one (an appointment's check-in), unless the kiosk named it.
The outbox item's idempotency key is derived from hall, day and ticket, so "one rating per
ticket" is a unique key in the database, also across controller processes; a retry of the
same rating is answered as a duplicate, a different second rating is refused.
"""
from __future__ import annotations

import hashlib
import logging

from sqlalchemy import select

from hall_controller.backend.outbox import DuplicateItem, Outbox, masked
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import Conflict, NotFound
from hall_controller.store import db

log = logging.getLogger(__name__)


class NotServed(Conflict):
    code = "not_served"


class AlreadyRated(Conflict):
    code = "already_rated"


class RatingClosed(Conflict):
    code = "rating_closed"


def find_ticket(q: HallQueue, number: str, day: str | None = None) -> Ticket:
    """Today's ticket from memory; an earlier day's from the database, if it was served within
    the hall's rating window. NotFound, RatingClosed otherwise."""
    today = q.today()
    if day is None or day == today:
        return q.ticket(number)
    if day > today:
        raise NotFound(f"no ticket {number} on {day}: that day has not come")
    t = _ticket_of_day(q, day, number)
    if t is None:
        raise NotFound(f"no ticket {number} on {day}")
    window_s = q.hall.rating.window_h * 3600
    if t.state == "done" and (t.finished_at or 0) < q.now() - window_s:
        raise RatingClosed(f"ticket {number} of {day} was served more than {q.hall.rating.window_h:g} h ago; "
                           "it can no longer be rated")
    return t


def rating_key(hall: str, day: str, ticket: str) -> str:
    return "rating-" + hashlib.sha256(f"{hall}|{day}|{ticket}".encode()).hexdigest()[:40]


def rate(q: HallQueue, outbox: Outbox, number: str, score: int, *, reason_codes: list[str] | None = None,
         comment: str = "", matter_id: str | None = None, day: str | None = None) -> bool:
    """Store a rating; returns True when it repeats the stored one. It names `matter_id`, else the
    ticket's matter. Raises NotFound, NotServed, RatingClosed or AlreadyRated (all HallError)."""
    t = find_ticket(q, number, day)
    if t.state != "done":
        raise NotServed(f"ticket {number} is {t.state}; only a served ticket can be rated")
    matter_id = matter_id or t.matter_id
    rating = {"ticket_no": t.number, "hall_id": q.hall.id, "window_id": str(t.window or "-"),
              "clerk_id": t.clerk or "-", "matter_id": matter_id, "score": score,
              "reason_codes": list(reason_codes or []), "comment": comment,
              "rated_at": q.iso(q.now())}
    key = rating_key(q.hall.id, t.day, t.number)
    try:
        outbox.enqueue("rating", rating, key=key)
    except DuplicateItem as err:
        stored = (outbox.get(key) or {}).get("payload", {})
        # a delivered rating is kept masked: compare it as it is kept
        same = all(masked(stored.get(k)) == masked(rating[k])
                   for k in ("score", "reason_codes", "comment", "matter_id"))
        if same:
            return True
        raise AlreadyRated(f"ticket {number} has already been rated") from err
    with q.journal.lock:
        q.tally.rated(q.day, key, score)    # counted on the day it was given (yesterday's ticket too)
    log.info("rating %d stored for %s/%s of %s (matter %s)", score, q.hall.id, t.number, t.day, matter_id or "-")
    return False


def rated(q: HallQueue, outbox: Outbox, t: Ticket) -> bool:
    return outbox.get(rating_key(q.hall.id, t.day, t.number)) is not None


def rateable(q: HallQueue, appointment_codes: list[str]) -> list[Ticket]:
    """The tickets of these bookings a citizen may still rate or follow: today's (any state) and
    earlier days' served within the hall's window, newest first."""
    codes = set(appointment_codes)
    if not codes:
        return []
    today, since = q.today(), q.now() - q.hall.rating.window_h * 3600
    with q.journal.lock:
        q.fresh()
        out = [t for t in q.tickets.values() if t.appointment_code in codes]
    c = db.tickets.c
    with q.engine.connect() as conn:
        rows = conn.execute(select(db.tickets).where(c.hall == q.hall.id, c.day < today, c.state == "done",
                                                     c.finished_at >= since, c.appointment_code.in_(sorted(codes))))
        out += [Ticket.from_row(r._mapping) for r in rows]
    return sorted(out, key=lambda t: (t.day, t.issued_at), reverse=True)


def _ticket_of_day(q: HallQueue, day: str, number: str) -> Ticket | None:
    """A ticket of an earlier day, as the database keeps it (those days are closed: nothing changes)."""
    c = db.tickets.c
    with q.engine.connect() as conn:
        row = conn.execute(select(db.tickets).where(c.hall == q.hall.id, c.day == day, c.number == number)).first()
    return None if row is None else Ticket.from_row(row._mapping)
