"""The reference government backend: the whole public contract on synthetic data."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Callable

from fastapi import APIRouter, Depends, FastAPI, Header, Request, Security
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from hall_controller.backend.signing import mask_id
from hall_protocol import platform as m

from . import synth
from .admin import admin_router
from .faults import FaultConfig, FaultMiddleware, FaultState
from .notify import Notifications, notification_routes
from .payment_routes import add_payment_routes
from .payments import Payments, PaymentSim
from .pdf import render_licence
from .security import ApiError, Verifier, error_response, idempotent, signature_scheme
from .store import Store

log = logging.getLogger(__name__)
API = "/api/v1"
TITLE = "Government service platform (hall suite contract)"
VERSION = "1.0.0"


@dataclass
class ServerConfig:
    app_key: str
    app_secret: str
    state_dir: Path
    admin_token: str = ""
    seed: int = 1
    faults: FaultConfig = field(default_factory=FaultConfig)
    now: Callable[[], float] = time.time
    payments: PaymentSim = field(default_factory=PaymentSim)
    sms_resend_s: int = 60  # between two codes to one number


class Backend:
    """The server's view of the world: synthetic catalogue + the SQLite state."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.store = Store(Path(config.state_dir) / "backend.sqlite")
        self._world: synth.World | None = None
        self._pdfs: dict[str, bytes] = {}
        self.payments = Payments(self.store, lambda: self.world, config.seed, self.now, config.payments)
        self.notifications = Notifications(config.app_secret.encode(), config.now,
                                           config.sms_resend_s)  # SMS (in memory only)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.config.now(), synth.TZ)

    @property
    def world(self) -> synth.World:
        today = self.now().date()
        if self._world is None or self._world.today != today:
            self._world = synth.build_world(self.config.seed, today, now=self.now())
        return self._world

    def appointments(self) -> dict[str, tuple[str, m.Appointment]]:
        """The synthetic citizens' bookings and those added through /_admin/appointments."""
        return {**self.world.appointments, **self.store.extra_appointments()}

    def appointment(self, code: str) -> tuple[str, m.Appointment]:
        appointments = self.appointments()
        if code not in appointments:
            raise ApiError(404, "not_found", "no such appointment")
        idn, appt = appointments[code]
        at = self.store.checkin_at(code)
        if at:
            appt = appt.model_copy(update={"status": m.AppointmentStatus.checked_in,
                                           "checked_in_at": datetime.fromisoformat(at)})
        return idn, appt

    def licence(self, licence_id: str) -> tuple[str, str, m.Licence]:
        if licence_id not in self.world.licences:
            raise ApiError(404, "not_found", "no such licence")
        idn, name, lic = self.world.licences[licence_id]
        count = len(self.store.prints_for(licence_id))
        return idn, name, lic.model_copy(update={"print_count": count})

    def pdf(self, licence_id: str) -> bytes:
        idn, name, lic = self.licence(licence_id)
        if licence_id not in self._pdfs:
            self._pdfs[licence_id] = render_licence(lic, name, mask_id(idn))
        return self._pdfs[licence_id]


ERR = {400: {"model": m.ErrorBody, "description": "the request body cannot be parsed"},
       401: {"model": m.ErrorBody, "description": "bad or stale signature, replayed nonce"}}
ERR_404 = {**ERR, 404: {"model": m.ErrorBody, "description": "not found"}}
ERR_409 = {**ERR_404, 409: {"model": m.ErrorBody, "description": "refused by a business rule "
                            "or Idempotency-Key reused with a different request"}}
IdemKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128,
                                pattern=r"^[A-Za-z0-9_.:-]+$")]


def _routes(b: Backend) -> APIRouter:
    r = APIRouter(prefix=API, dependencies=[Depends(Verifier(b.config.app_key, b.config.app_secret,
                                                             b.config.now)),
                                            Security(signature_scheme)])

    @r.get("/health", response_model=m.Health, responses=ERR, tags=["platform"])
    async def health() -> m.Health:
        return m.Health(status="ok", server_time=b.config.now())

    @r.get("/matters", response_model=m.MatterList, responses=ERR, tags=["guides"])
    async def list_matters() -> m.MatterList:
        return m.MatterList(items=[m.Matter(matter_id=g.matter_id, name=g.name,
                                            service_code=g.service_code, department=g.department,
                                            name_en=g.name_en, department_en=synth.department_en(g.service_code))
                                   for g in b.world.matters.values()])

    @r.get("/matters/{matter_id}/guide", response_model=m.Guide, responses=ERR_404, tags=["guides"])
    async def guide(matter_id: str) -> m.Guide:
        if matter_id not in b.world.matters:
            raise ApiError(404, "not_found", "no such matter")
        return b.world.matters[matter_id]

    @r.post("/citizen/appointments", response_model=m.AppointmentList, responses=ERR,
            tags=["appointments"], summary="Appointments of a citizen (safe query)")
    async def appointments_by_id(q: m.CitizenQuery) -> m.AppointmentList:
        codes = [c for c, (idn, _) in b.appointments().items() if idn == q.id_number.upper()]
        return m.AppointmentList(items=[b.appointment(c)[1] for c in codes])

    @r.post("/appointments/query", response_model=m.Appointment, responses=ERR_404,
            tags=["appointments"], summary="One appointment by its code (safe query)")
    async def appointment_by_code(q: m.AppointmentQuery) -> m.Appointment:
        return b.appointment(q.code)[1]

    @r.post("/appointments/check-in", response_model=m.CheckIn, responses=ERR_409,
            tags=["appointments"])
    async def check_in(q: m.AppointmentQuery, request: Request, idempotency_key: IdemKey) -> Response:
        code = q.code

        def run() -> dict:
            _, appt = b.appointment(code)
            if appt.status != m.AppointmentStatus.booked:
                raise ApiError(409, f"appointment_{appt.status.value}", "cannot check in")
            if appt.date != b.now().date():
                raise ApiError(409, "not_today", "the appointment is not for today")
            b.store.add_checkin(code, b.now().isoformat())
            return m.CheckIn(appointment=b.appointment(code)[1],
                             priority=b.store.appointment_priority(code)).model_dump(mode="json")
        return await idempotent(request, idempotency_key, run)

    @r.post("/citizen/applications", response_model=m.ApplicationList, responses=ERR,
            tags=["progress"], summary="Progress of a citizen's applications (safe query)")
    async def progress(q: m.CitizenQuery) -> m.ApplicationList:
        return m.ApplicationList(items=b.world.applications.get(q.id_number.upper(), []))

    @r.post("/citizen/licences", response_model=m.LicenceList, responses=ERR, tags=["licences"],
            summary="Licences held for a citizen (safe query)")
    async def licences(q: m.CitizenQuery) -> m.LicenceList:
        ids = [lid for lid, (idn, _, _) in b.world.licences.items() if idn == q.id_number.upper()]
        return m.LicenceList(items=[b.licence(lid)[2] for lid in ids])

    @r.get("/licences/{licence_id}/pdf", response_class=Response, tags=["licences"],
           responses={**ERR_404, 200: {"content": {"application/pdf": {
               "schema": {"type": "string", "format": "binary"}}}, "description": "A4 PDF"}})
    async def licence_pdf(licence_id: str) -> Response:
        return Response(b.pdf(licence_id), media_type="application/pdf")

    @r.post("/licences/{licence_id}/prints", response_model=m.PrintRecord, responses=ERR_409,
            tags=["licences"])
    async def record_print(licence_id: str, body: m.PrintRequest, request: Request,
                           idempotency_key: IdemKey) -> Response:
        def run() -> dict:
            _, _, lic = b.licence(licence_id)
            if not lic.printable:
                raise ApiError(409, "not_printable", "this licence is issued at the window only")
            if lic.print_count and not body.reprint_reason:
                raise ApiError(409, "already_printed", "already printed; a reprint needs a reason")
            rec = m.PrintRecord(print_id=uuid.uuid4().hex, licence_id=licence_id,
                                kiosk_id=body.kiosk_id, printed_at=b.now(),
                                sequence=lic.print_count + 1, reprint_reason=body.reprint_reason)
            data = rec.model_dump(mode="json")
            b.store.add_print(data, idempotency_key)
            return data
        return await idempotent(request, idempotency_key, run)

    @r.post("/ratings", response_model=m.RatingAck, responses=ERR_409, tags=["ratings"])
    async def submit_rating(rating: m.Rating, request: Request, idempotency_key: IdemKey) -> Response:
        def run() -> dict:
            ack = m.RatingAck(rating_id=uuid.uuid4().hex, received_at=b.now()).model_dump(mode="json")
            b.store.add_rating({**ack, "idem_key": idempotency_key,
                                **rating.model_dump(mode="json")}, idempotency_key)
            return ack
        return await idempotent(request, idempotency_key, run)

    @r.post("/ticket-events", response_model=m.TicketEventAck, responses=ERR_409, tags=["statistics"])
    async def ticket_events(batch: m.TicketEventBatch, request: Request,
                            idempotency_key: IdemKey) -> Response:
        def run() -> dict:
            new = sum(b.store.add_ticket_event(e.model_dump(mode="json")) for e in batch.events)
            return m.TicketEventAck(accepted=new, duplicates=len(batch.events) - new).model_dump()
        return await idempotent(request, idempotency_key, run)

    add_payment_routes(r, b, ERR, ERR_404, ERR_409)
    notification_routes(r, b.notifications)  # SMS codes and reminders (reference_backend/notify.py)
    return r


def create_app(config: ServerConfig) -> FastAPI:
    backend = Backend(config)
    app = FastAPI(title=TITLE, version=VERSION, generate_unique_id_function=lambda rt: rt.name,
                  description="Signed JSON API used by the hall "
                  "controller. See docs/backend.md for signing, idempotency and errors.")
    app.state.backend = backend
    app.state.store = backend.store
    app.state.faults = FaultState(config.faults)
    app.include_router(_routes(backend))
    app.include_router(admin_router(config.admin_token))

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, err: ApiError) -> Response:
        return error_response(err.status, err.code, err.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> Response:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
        resp = error_response(err.status_code, code.get(err.status_code, "http_error"),
                              str(err.detail))
        resp.headers.update(err.headers or {})
        return resp

    app.add_middleware(FaultMiddleware, state=app.state.faults)
    return app
