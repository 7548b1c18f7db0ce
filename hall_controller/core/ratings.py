"""Ratings (好差评) of served tickets: validated by the controller, stored durably in the
outbox (which delivers them to the platform), one per ticket.

A rating is accepted for a ticket of today that was served (state done) and not rated yet.
The outbox item's idempotency key is derived from hall, day and ticket, so "one rating per
ticket" is a unique key in the database, also across controller processes; a retry of the
same rating is answered as a duplicate, a different second rating is refused.
"""
from __future__ import annotations

import hashlib
import logging

from hall_controller.backend.outbox import DuplicateItem, Outbox, masked
from hall_controller.core.queue import HallQueue
from hall_controller.errors import Conflict

log = logging.getLogger(__name__)


class NotServed(Conflict):
    code = "not_served"


class AlreadyRated(Conflict):
    code = "already_rated"


def rating_key(hall: str, day: str, ticket: str) -> str:
    return "rating-" + hashlib.sha256(f"{hall}|{day}|{ticket}".encode()).hexdigest()[:40]


def rate(q: HallQueue, outbox: Outbox, number: str, score: int, *, reason_codes: list[str] | None = None,
         comment: str = "", matter_id: str | None = None) -> bool:
    """Store a rating; returns True when it is a repeat of the stored one. Raises NotFound,
    NotServed or AlreadyRated (all HallError)."""
    t = q.ticket(number)
    if t.state != "done":
        raise NotServed(f"ticket {number} is {t.state}; only a served ticket can be rated")
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
    log.info("rating %d stored for %s/%s", score, q.hall.id, t.number)
    return False
