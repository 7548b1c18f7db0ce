"""The citizen's phone, for the public web service (role web): follow a ticket by its page
token, an SMS code through the platform, remote tickets with per-service and per-phone daily
quotas from the hall file, people-ahead reminders, the rating through the durable outbox; and
the check-in that lets a remote ticket join the calling order (a kiosk that scanned the phone's
QR, or a clerk).

Requests come on `hall/<hall>/request/phone/<web>` (hall_protocol/phone.py) and run on a small
pool: a slow platform never holds the MQTT thread nor ticketing. The controller is the only
holder of the platform's credentials; phone numbers pass through to the platform and are kept
by nobody here (the platform's pseudonym `recipient` and the masked number are).
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.backend import BackendClient, BackendError, BackendNotFound, BackendRefused, BackendUnavailable
from hall_controller.backend.outbox import Outbox
from hall_controller.core import ratings
from hall_controller.core.estimate import estimate_wait_min
from hall_controller.core.phones import PhoneBook, PhoneEntry
from hall_controller.core.queue import ACTIVE, HallQueue, Ticket, ahead_in, everyone_ahead
from hall_controller.errors import Conflict, Forbidden, NotFound
from hall_controller.features.gateway import BackendGateway, PlatformRefused, backend_code
from hall_controller.hall import Context, Feature, unavailable
from hall_controller.store import db
from hall_protocol import contract
from hall_protocol.phone import CheckInRequest, CodeSent, PhoneRating, PhoneRequest, PhoneTicket
from hall_protocol.router import Answer, Request

log = logging.getLogger(__name__)
VERIFY_CODES = {"code_wrong", "code_expired", "too_many_attempts", "too_soon"}


class RemoteRefused(Conflict):
    """A remote ticket the hall's rules refuse; `code` says which rule (remote_closed,
    quota_reached, phone_quota_reached, open_ticket)."""


def people_ahead(q: HallQueue, t: Ticket) -> int | None:
    """Waiting tickets called before it; for an arriving ticket, those it would queue behind now."""
    with q.journal.lock:
        return people_ahead_in(q.lines, t, t.state)


def people_ahead_in(lines: dict, t: Ticket, state: str) -> int | None:
    """`people_ahead` in a hall's lines or a copy of them, for the ticket in `state`."""
    if state == "waiting":
        return ahead_in(lines, t)
    if state == "arriving":
        return sum(len(line) for (service, _, _), line in lines.items() if service == t.service)
    return None


def people_ahead_of_all(lines: dict, tickets) -> dict[str, int | None]:
    """`people_ahead_in` for many (ticket, its state) at once, by number: one walk per pair of
    lines (`everyone_ahead`), where ticket by ticket took a bisection per line and ticket."""
    waiting = everyone_ahead(lines)
    queued: dict[str, int] = {}
    for (service, _, _), line in lines.items():
        queued[service] = queued.get(service, 0) + len(line)
    return {t.number: waiting.get(t.number) if state == "waiting" else
            queued.get(t.service, 0) if state == "arriving" else None
            for t, state in tickets}


def phone_ticket(q: HallQueue, t: Ticket, entry: PhoneEntry | None, *, rated: bool) -> PhoneTicket:
    svc = q.hall.service(t.service)
    window = t.window if t.state in ACTIVE or t.state == "done" else None
    try:
        window_name = q.hall.window(window).name if window else ""
    except KeyError:
        window_name = ""
    check_in = bool(entry and entry.remote and q.hall.remote and q.hall.remote.check_in == "required")
    return PhoneTicket(
        hall=q.hall.id, hall_name=q.hall.name, hall_name_en=q.hall.name_en, number=t.number, token=t.token,
        service=t.service, service_name=svc.name, service_name_en=svc.name_en, area=svc.area, area_en=svc.area_en,
        state=t.state, people_ahead=people_ahead(q, t),
        estimated_wait_min=estimate_wait_min(q, t) if t.state == "waiting" else None,
        window=window, window_name=window_name, recalls=t.recalls, requeued=t.requeues > 0 and t.state == "waiting",
        issued_at=q.iso(t.issued_at) or "", day=t.day, remote=bool(entry and entry.remote),
        check_in_required=check_in, phone_masked=entry.phone_masked if entry else None,
        reminders=list(entry.reminders) if entry else [], reminded=list(entry.reminded) if entry else [],
        rated=rated, can_rate=t.state == "done" and not rated)


class Phones(Feature):
    def __init__(self, ctx: Context, gateway: BackendGateway, outbox: Outbox, *, workers: int = 4) -> None:
        self.ctx, self.gateway, self.outbox, self.workers = ctx, gateway, outbox, workers
        self.book = PhoneBook(ctx.engine)
        self.on_change: Callable[[str], None] = lambda hall: None  # a ticket's phone page shows something new
        self._pool: ThreadPoolExecutor | None = None
        self._ops = {"follow": self._follow, "send_code": self._send_code, "take": self._take,
                     "remind": self._remind, "rate": self._rate}

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="phone")
        self.ctx.router.add(contract.PHONE_REQUEST, self.handle, kind="phone", halls=self.ctx.halls,
                            authorize=self._web_only, executor=lambda: self._pool)
        self.ctx.router.add(contract.CHECKIN_REQUEST, self.check_in, kind="checkin", halls=self.ctx.halls,
                            authorize=self._kiosk_or_caller, executor=lambda: self._pool)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- who may ask ---------------------------------------------------------------------
    def _web_only(self, req: Request) -> None:
        if not any(d.id == req.client and d.role == "web" for h in self.ctx.config.halls for d in h.devices):
            raise Forbidden(f"{req.client} is not a web service of this installation")

    def _kiosk_or_caller(self, req: Request) -> None:
        role = next((d.role for d in self.ctx.queues[req.hall].hall.devices if d.id == req.client), None)
        r: CheckInRequest = req.payload
        if role == "caller" or (role == "kiosk" and r.token is not None):
            return
        raise Forbidden(f"{req.client} may not check tickets in at hall {req.hall}"
                        + (" by number (a kiosk checks in the token it scanned)" if role == "kiosk" else ""))

    # -- requests ------------------------------------------------------------------------
    def handle(self, req: Request):
        r: PhoneRequest = req.payload
        q = self.ctx.queues[req.hall]
        try:
            return self._ops[r.op](q, req.client, r)
        except BackendError as err:
            code = _platform_code(err)
            log.warning("phone %s at %s: platform: %s (%s)", r.op, req.hall, code, err)
            raise PlatformRefused(_platform_text(code, err), code=code) from err
        except SQLAlchemyError as err:
            raise unavailable(err) from err

    def _platform(self) -> BackendClient:
        if self.gateway.client is None:
            raise BackendUnavailable("no backend platform is configured: SMS cannot be sent")
        return self.gateway.client

    def view(self, q: HallQueue, t: Ticket) -> PhoneTicket:
        entry = self.book.get(q.hall.id, t.day, t.number)
        rated = t.state == "done" and self.outbox.get(ratings.rating_key(q.hall.id, t.day, t.number)) is not None
        return phone_ticket(q, t, entry, rated=rated)

    def _ticket(self, q: HallQueue, token: str) -> Ticket:
        with q.journal.lock:
            q.fresh()
            t = q.by_token(token)
        if t is None:
            raise NotFound("no ticket of today has this page: it may be from an earlier day, or mistyped")
        return t

    def _follow(self, q: HallQueue, client: str, r: PhoneRequest) -> PhoneTicket:
        return self.view(q, self._ticket(q, r.token))

    def _send_code(self, q: HallQueue, client: str, r: PhoneRequest) -> CodeSent:
        purpose = "reminder" if r.token else "remote_ticket"
        if purpose == "remote_ticket" and q.hall.remote is None:
            raise RemoteRefused(f"hall {q.hall.id} takes no tickets from phones", "remote_closed")
        v = self._platform().start_verification(r.phone, purpose, q.hall.id)
        log.info("phone code sent for %s at %s", purpose, q.hall.id)
        return CodeSent(verification=v.verification_id, phone_masked=v.phone_masked, expires_in_s=v.expires_in_s,
                        resend_after_s=v.resend_after_s)

    def _take(self, q: HallQueue, client: str, r: PhoneRequest) -> Answer:
        remote = q.hall.remote
        request_id = f"{client}:{r.request_id}"
        with q.journal.lock:
            q.fresh()
            known = q.requests.get(request_id)
        if known is not None:  # a retry whose answer was lost: the same ticket
            return Answer(self.view(q, known))
        if remote is None or r.service not in remote.quota:
            raise RemoteRefused(f"service {r.service} of hall {q.hall.id} is not offered on the phone",
                                "remote_closed")
        day = q.today()
        quota = remote.quota[r.service]
        if self.book.remote_count(q.hall.id, day, r.service) >= quota:
            raise RemoteRefused(f"service {r.service} has given its {quota} remote tickets for today; "
                                "tickets are still issued at the hall's kiosks", "quota_reached")
        who = self._platform().check_verification(r.verification, r.code)
        mine = self.book.of_recipient(q.hall.id, day, who.recipient_id)
        for e in mine:
            t = q.tickets.get(e.number)
            if e.remote and t is not None and t.state in ("arriving", "waiting", *ACTIVE):
                raise RemoteRefused(f"this phone already has ticket {e.number} open in this hall", "open_ticket")
        if sum(1 for e in mine if e.remote) >= remote.per_phone_daily:
            raise RemoteRefused(f"this phone has taken its {remote.per_phone_daily} remote tickets of today in "
                                "this hall", "phone_quota_reached")
        with q.unit():  # the ticket and its phone row are committed together (a crash keeps both or neither)
            ticket, created = q.issue(r.service, request_id, source=client, lang=r.lang,
                                      arriving=remote.check_in == "required")
            entry = PhoneEntry(q.hall.id, ticket.day, ticket.number, r.service, remote=True,
                               recipient=who.recipient_id, phone_masked=who.phone_masked)
            if created:
                q.journal.row(q.hall.id, db.phone_tickets, entry.row())
        if created:
            self.book.remember(entry)
        log.info("remote ticket %s issued at %s", ticket.number, q.hall.id)
        self.on_change(q.hall.id)  # an arriving ticket changes no board
        return Answer(self.view(q, ticket), then=(lambda: self.ctx.hall.changed(q)) if created else None)

    def _remind(self, q: HallQueue, client: str, r: PhoneRequest) -> PhoneTicket:
        t = self._ticket(q, r.token)
        if t.state not in ("arriving", "waiting"):
            raise Conflict(f"ticket {t.number} is {t.state}: reminders are for tickets still waiting")
        entry = self.book.get(q.hall.id, t.day, t.number) or PhoneEntry(q.hall.id, t.day, t.number, t.service)
        changes: dict = {"reminders": tuple(sorted(set(r.reminders), reverse=True))}
        if r.verification:
            who = self._platform().check_verification(r.verification, r.code)
            changes.update(recipient=who.recipient_id, phone_masked=who.phone_masked)
        self.book.update(entry, **changes)
        self.on_change(q.hall.id)  # the progress (and its reminders) soon
        return self.view(q, t)

    def _rate(self, q: HallQueue, client: str, r: PhoneRequest) -> PhoneRating:
        t = self._ticket(q, r.token)
        duplicate = ratings.rate(q, self.outbox, t.number, r.score, reason_codes=r.reason_codes, comment=r.comment)
        if not duplicate:
            self.ctx.hall.rated(q, t, r.score, r.reason_codes)   # a bad one: an alert and a follow-up case
        return PhoneRating(number=t.number, score=r.score, duplicate=duplicate)

    # -- check-in ------------------------------------------------------------------------
    def check_in(self, req: Request) -> Answer:
        r: CheckInRequest = req.payload
        q = self.ctx.queues[req.hall]
        try:
            t = self._ticket(q, r.token) if r.token else q.ticket(r.number)
            if t.state != "arriving" and t.state not in ("waiting", *ACTIVE):
                raise Conflict(f"ticket {t.number} is {t.state}; it cannot be checked in")
            joined = q.check_in(t, req.client)
        except SQLAlchemyError as err:
            raise unavailable(err) from err
        if joined:
            log.info("ticket %s checked in at %s by %s", t.number, req.hall, req.client)
        return Answer(self.view(q, t), then=(lambda: self.ctx.hall.changed(q)) if joined else None)


def _platform_code(err: BackendError) -> str:
    if isinstance(err, BackendRefused) and err.code in VERIFY_CODES:
        return err.code
    if isinstance(err, BackendNotFound):
        return "code_expired"  # a verification the platform no longer knows: ask for a new code
    return backend_code(err)


def _platform_text(code: str, err: BackendError) -> str:
    return {"code_wrong": "the SMS code is wrong", "code_expired": "the SMS code has expired; ask for a new one",
            "too_many_attempts": "too many wrong codes; ask for a new one",
            "too_soon": "a code was sent to this number a moment ago; wait a minute"}.get(code, str(err))

