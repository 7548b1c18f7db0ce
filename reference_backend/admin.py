"""Admin endpoints for tests and the demo; NOT part of the public contract (not in OpenAPI)."""
from __future__ import annotations

import hmac
import secrets
import datetime as dt

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field

from hall_controller.backend.signing import mask_id
from hall_protocol import platform as m

from .faults import FaultConfig
from .payments import PaymentSim
from .security import ApiError


def admin_router(token: str) -> APIRouter:
    def guard(x_admin_token: str = Header(default="")) -> None:
        if not token or not hmac.compare_digest(x_admin_token, token):
            raise ApiError(403, "forbidden", "admin token required")

    r = APIRouter(prefix="/_admin", include_in_schema=False, dependencies=[Depends(guard)])

    @r.get("/faults")
    def get_faults(request: Request) -> FaultConfig:
        return request.app.state.faults.config

    @r.post("/faults")
    def set_faults(config: FaultConfig, request: Request) -> FaultConfig:
        request.app.state.faults.set(config)
        return config

    @r.delete("/faults")
    def clear_faults(request: Request) -> FaultConfig:
        request.app.state.faults.set(FaultConfig())
        return FaultConfig()

    @r.get("/received")
    def received(request: Request) -> dict:
        """Ratings, ticket events, prints and check-ins in the order they arrived."""
        return request.app.state.store.received()

    @r.get("/sms")
    def sms(request: Request) -> list[dict]:
        """The SMS the platform "sent" (codes, reminders), oldest first: synthetic numbers, in memory only."""
        return list(request.app.state.backend.notifications.sent)

    @r.get("/citizens")
    def citizens(request: Request) -> list[dict]:
        """The synthetic citizens (full ID numbers: synthetic data, for tests and the demo)."""
        backend = request.app.state.backend
        world, appointments = backend.world, backend.appointments()
        payables = backend.payments.payables()
        return [{"id_number": c.id_number, "name": c.name, "birth": c.birth.isoformat(), "card_type": c.card_type,
                 "appointments": [code for code, (idn, _) in appointments.items()
                                  if idn == c.id_number],
                 "licences": [lid for lid, (idn, _, _) in world.licences.items()
                              if idn == c.id_number],
                 "payables": [pid for pid, (idn, _) in payables.items() if idn == c.id_number]}
                for c in world.citizens]

    @r.post("/appointments")
    def add_appointment(booking: Booking, request: Request) -> dict:
        """Book an appointment for a synthetic citizen (tests and the demo: early, late, another hall)."""
        backend = request.app.state.backend
        code = booking.code or f"{secrets.randbelow(10**8):08d}"
        matter = backend.world.matters[booking.matter_id]
        appt = m.Appointment(code=code, matter_id=matter.matter_id, matter_name=matter.name,
                             service_code=matter.service_code, holder_masked=mask_id(booking.id_number),
                             date=booking.date, slot_start=booking.slot_start, slot_end=booking.slot_end,
                             status=m.AppointmentStatus.booked, hall_id=booking.hall_id, hall_name=booking.hall_name)
        backend.store.add_appointment(code, booking.id_number, appt.model_dump_json(), booking.priority)
        return appt.model_dump(mode="json")

    # -- the simulated payment world (reference_backend/payments.py) -----------------------
    @r.post("/payments/settings")
    def payment_settings(sim: PaymentSim, request: Request) -> PaymentSim:
        request.app.state.backend.payments.sim = sim
        return sim

    @r.post("/payments/{order_id}/pay")
    def wallet_pay(order_id: str, wallet: Wallet, request: Request) -> dict:
        """The citizen's wallet app pays the order `times` times (2: paid twice)."""
        payments = request.app.state.backend.payments
        outcomes = [payments.pay(order_id, wallet.channel)[0] for _ in range(wallet.times)]
        return {"outcomes": outcomes, "order": payments.order(order_id).model_dump(mode="json")}

    @r.get("/payments/charges")
    def charges(request: Request) -> list[dict]:
        """Every wallet payment attempt in order: charged, or refused with nothing kept."""
        return request.app.state.backend.payments.charges()

    return r


class Booking(BaseModel):
    id_number: str = m.IdNumber
    matter_id: str
    date: dt.date
    slot_start: str = Field(pattern=r"^\d{2}:\d{2}$")
    slot_end: str = Field(pattern=r"^\d{2}:\d{2}$")
    hall_id: str | None = None
    hall_name: str = ""
    code: str | None = Field(None, pattern=r"^[0-9A-Za-z]{4,32}$")
    priority: int = Field(1, ge=0, le=3, description="what its check-in gives: 1 appointment, 2 green channel")


class Wallet(BaseModel):
    channel: str = Field("wechat", max_length=32)
    times: int = Field(1, ge=1, le=5)
