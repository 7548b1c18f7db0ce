"""The backend functions kiosks need, offered over MQTT (`hall/<hall>/request/backend/<kiosk>`).

The controller is the only holder of the platform's credentials: a kiosk sends a
`BackendRequest`, the gateway calls `BackendClient` on a small thread pool (a slow platform
never blocks the MQTT thread, hence never ticketing) and answers with the `Response`
envelope whose data is the op's answer model (contract.BACKEND_ANSWERS). Platform failures
become clear codes: `backend_unavailable`, `backend_contract`, `backend_refused`,
`not_found` or the platform's own 409 code. ID numbers (and anything a kiosk sends shaped like
one or like a phone number) reach the log and the error texts only masked.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import math
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from hall_controller.backend import (BackendClient, BackendContractError, BackendError, BackendNotFound, BackendRefused,
                                     BackendUnavailable)
from hall_controller.backend.outbox import Outbox
from hall_controller.backend.payments import PaymentLedger
from hall_controller.core import appointments, ratings
from hall_controller.core.queue import HallQueue
from hall_controller.errors import BadRequest, HallError
from hall_controller.features.payments import PaymentDesk
from hall_controller.features.tickets import ticket_info
from hall_controller.hall import Context, unavailable
from hall_protocol import contract
from hall_protocol.contract import BackendRequest
from hall_protocol.rating import RateableAnswer, RateableTicket
from hall_protocol.router import Request
from privacy import mask_id, mask_text

log = logging.getLogger(__name__)
PASSED_ON = {"appointment_checked_in", "appointment_cancelled", "not_today", "already_printed", "not_printable"}
PASSED_ON |= {"already_paid", "order_pending", "amount_mismatch"}   # payment (features/payments.py)
CHUNK_SIZE = 192 * 1024  # 256 KiB of base64 per message
PDF_CACHE_S, PDF_CACHE_N = 300.0, 16


def backend_code(err: BackendError) -> str:
    """The Response code of a platform failure."""
    if isinstance(err, BackendUnavailable):
        return "backend_unavailable"
    if isinstance(err, BackendContractError):
        return "backend_contract"
    if isinstance(err, BackendNotFound):
        return "not_found"
    if isinstance(err, BackendRefused):
        if err.status in (401, 403):  # our credentials or clock: for the kiosk, unavailable
            return "backend_unavailable"
        return err.code if err.code in PASSED_ON else "backend_refused"
    return "backend_unavailable"


def request_key(prefix: str, client: str, request_id: str) -> str:
    """A platform idempotency key from the kiosk's request id (any characters, stable)."""
    return f"{prefix}-" + hashlib.sha256(f"{client}|{request_id}".encode()).hexdigest()[:40]


class PlatformRefused(HallError):
    """A platform failure as the kiosk reads it (code from `backend_code`)."""


class BackendGateway:
    def __init__(self, ctx: Context, client: BackendClient | None, outbox: Outbox,
                 *, workers: int = 4, chunk_size: int = CHUNK_SIZE) -> None:
        self.ctx, self.client, self.outbox = ctx, client, outbox
        self.workers, self.chunk_size = workers, chunk_size
        self.last_error: str | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pdfs: OrderedDict[tuple[str, str], tuple[bytes, str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._ops: dict[str, Callable[[HallQueue, str, BackendRequest], BaseModel]] = {
            "matters": self._matters, "guide": self._guide, "appointments": self._appointments,
            "appointment": self._appointment, "check_in": self._check_in, "progress": self._progress,
            "licences": self._licences, "licence_pdf": self._licence_pdf,
            "record_print": self._record_print, "rate": self._rate}
        # payment (缴费): the platform's unified payment orders, kept in the hall's ledger
        self.payments = PaymentDesk(PaymentLedger(ctx.engine, ctx.clock), self._platform, lambda: set(ctx.queues),
                                    request_key)
        self._ops.update(self.payments.ops)
        self._ops["rateable"] = self._rateable

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="backend-gateway")
        self.ctx.router.add(contract.BACKEND_REQUEST, self.handle, kind="backend", halls=self.ctx.halls,
                            executor=lambda: self._pool)
        if self.client is not None:
            self.payments.start()

    def stop(self) -> None:
        self.payments.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- dispatch ------------------------------------------------------------------------
    def handle(self, req: Request) -> BaseModel:
        """On the gateway's pool: the op's answer, or a refusal with the platform's code."""
        r: BackendRequest = req.payload
        q = self.ctx.queues[req.hall]
        who = f"{req.client} op {r.op}" + (f" for {mask_id(r.id_number)}" if r.id_number else "")
        try:
            data = self._ops[r.op](q, req.client, r)
        except BackendError as err:
            code = backend_code(err)
            if code == "backend_unavailable":
                self.last_error = str(err)
            log.log(logging.ERROR if code == "backend_contract" else logging.WARNING,
                    "backend request of %s failed: %s (%s)", who, code, err)
            raise PlatformRefused(str(err), code=code) from err
        except SQLAlchemyError as err:
            raise unavailable(err) from err
        log.info("backend request of %s answered", who)
        return data

    def _platform(self) -> BackendClient:
        if self.client is None:
            raise BackendUnavailable("no backend platform is configured for this hall")
        return self.client

    def _ok(self, value):
        self.last_error = None
        return value

    # -- ops -----------------------------------------------------------------------------
    def _matters(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return contract.MattersAnswer(items=self._ok(self._platform().list_matters()))

    def _guide(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return contract.GuideAnswer(guide=self._ok(self._platform().guide(req.matter_id)))

    def _appointments(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return contract.AppointmentsAnswer(items=self._ok(self._platform().appointments_by_id(req.id_number)))

    def _appointment(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return contract.AppointmentAnswer(appointment=self._ok(self._platform().appointment_by_code(req.code)))

    def _check_in(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        existing = q.requests.get(f"{client}:{req.request_id}")
        if existing is not None:    # a retry whose answer was lost: the same ticket, nothing asked again
            platform = self._platform()
            return contract.CheckInAnswer(appointment=self._ok(platform.appointment_by_code(req.code)),
                                          ticket=ticket_info(q, existing))
        # the hall's rules first (hall_controller/core/appointments.py): used, cancelled, another
        # hall, too early, too late; each with its own code
        try:
            appointments.check(self._ok(self._platform().appointment_by_code(req.code)), q.hall, self.ctx.clock.now())
        except appointments.AppointmentRefused as err:
            if err.code != "appointment_checked_in":
                raise
            # perhaps by this very request, whose ticket was never issued (a crash): the platform's
            # idempotency key tells; any other check-in is refused by the platform below
        done = self._ok(self._platform().check_in(req.code, request_key("ci", client, req.request_id)))
        service = done.appointment.service_code
        try:
            ticket, created = q.issue(service, f"{client}:{req.request_id}", source=client,
                                      priority=appointments.ticket_priority(done.priority), appointment_code=req.code,
                                      lang=req.lang, matter_id=done.appointment.matter_id)
        except BadRequest as err:
            raise BadRequest(f"appointment {mask_text(req.code)} is for service {service}, which hall "
                             f"{q.hall.id} does not offer") from err
        if created:
            self.ctx.hall.changed(q)
        return contract.CheckInAnswer(appointment=done.appointment, ticket=ticket_info(q, ticket))

    def _progress(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return contract.ProgressAnswer(items=self._ok(self._platform().progress(req.id_number)))

    def _licences(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return contract.LicencesAnswer(items=self._ok(self._platform().licences(req.id_number)))

    def _licence_pdf(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        pdf, sha = self._pdf(client, req.licence_id, fresh=req.chunk == 0)
        if req.chunk and req.sha256 and req.sha256 != sha:
            raise BackendContractError(f"licence {mask_text(req.licence_id)} changed while it was being sent")
        chunks = max(1, math.ceil(len(pdf) / self.chunk_size))
        if req.chunk >= chunks:
            raise BadRequest(f"licence {mask_text(req.licence_id)} has {chunks} chunk(s), no chunk {req.chunk}")
        part = pdf[req.chunk * self.chunk_size:(req.chunk + 1) * self.chunk_size]
        return contract.PdfChunk(licence_id=req.licence_id, size=len(pdf), sha256=sha, chunk=req.chunk,
                                 chunks=chunks, data_b64=base64.b64encode(part).decode("ascii"),
                                 chunk_sha256=hashlib.sha256(part).hexdigest())

    def _pdf(self, client: str, licence_id: str, *, fresh: bool) -> tuple[bytes, str]:
        """The PDF for this kiosk, fetched for chunk 0 and kept a few minutes for the rest."""
        key, now = (client, licence_id), self.ctx.clock.monotonic()
        with self._lock:
            for k in [k for k, (_, _, at) in self._pdfs.items() if now - at > PDF_CACHE_S]:
                del self._pdfs[k]
            cached = None if fresh else self._pdfs.get(key)
        if cached is not None:
            return cached[0], cached[1]
        pdf = self._ok(self._platform().licence_pdf(licence_id))  # checked: header, trailer, length
        sha = hashlib.sha256(pdf).hexdigest()
        with self._lock:
            self._pdfs[key] = (pdf, sha, now)
            while len(self._pdfs) > PDF_CACHE_N:
                self._pdfs.popitem(last=False)
        return pdf, sha

    def _record_print(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        record = self._platform().record_print(req.licence_id, client, request_key("pr", client, req.request_id),
                                               req.reprint_reason)
        return contract.PrintAnswer(record=self._ok(record))

    def _rate(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        duplicate = ratings.rate(q, self.outbox, req.ticket, req.score, reason_codes=req.reason_codes,
                                 comment=req.comment, matter_id=req.matter_id, day=req.day)
        rated = ratings.find_ticket(q, req.ticket, req.day)
        matter_id = req.matter_id or rated.matter_id
        if not duplicate:
            self.ctx.hall.rated(q, rated, req.score, req.reason_codes)
        return contract.RatingAnswer(ticket=req.ticket, score=req.score, duplicate=duplicate, matter_id=matter_id)

    def _rateable(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        """The identified citizen's tickets of their bookings that may still be rated, with their matters."""
        appts = {a.code: a for a in self._ok(self._platform().appointments_by_id(req.id_number))}
        items = [RateableTicket(number=t.number, day=t.day, service=t.service, state=t.state, matter_id=t.matter_id,
                                matter_name=appts[t.appointment_code].matter_name if t.appointment_code in appts
                                else "", rated=ratings.rated(q, self.outbox, t))
                 for t in ratings.rateable(q, list(appts))]
        return RateableAnswer(items=items)

