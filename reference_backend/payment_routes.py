"""The payment endpoints of the public contract (reference_backend/payments.py does the work)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from hall_protocol import platform as m

from .security import idempotent

if TYPE_CHECKING:
    from .app import Backend

IdemKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128,
                                pattern=r"^[A-Za-z0-9_.:-]+$")]


def add_payment_routes(r: APIRouter, b: "Backend", errors: dict, errors_404: dict, errors_409: dict) -> None:
    @r.post("/citizen/payables", response_model=m.PayableList, responses=errors, tags=["payment"],
            summary="What a citizen owes: fees, fines and charges (safe query)")
    async def payables(q: m.CitizenQuery) -> m.PayableList:
        return m.PayableList(items=b.payments.citizen_payables(q.id_number))

    @r.post("/payments/orders", response_model=m.PaymentOrder, responses=errors_409, tags=["payment"],
            summary="Open a unified payment order for some payables (the same payables again: the same "
                    "pending order)")
    async def open_order(body: m.PaymentOrderRequest, request: Request, idempotency_key: IdemKey) -> Response:
        return await idempotent(request, idempotency_key,
                                lambda: b.payments.open_order(body).model_dump(mode="json"))

    @r.get("/payments/orders/{order_id}", response_model=m.PaymentOrder, responses=errors_404, tags=["payment"],
           summary="A payment order's status (pending, paid with its e-invoice, cancelled, expired)")
    async def order(order_id: str) -> m.PaymentOrder:
        return b.payments.order(order_id)

    @r.post("/payments/orders/{order_id}/cancel", response_model=m.PaymentOrder, responses=errors_409,
            tags=["payment"], summary="Cancel a pending order; a paid one is refused (409 already_paid)")
    async def cancel_order(order_id: str, request: Request, idempotency_key: IdemKey) -> Response:
        return await idempotent(request, idempotency_key,
                                lambda: b.payments.cancel(order_id).model_dump(mode="json"))
