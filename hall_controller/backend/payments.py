"""The hall's record of payments (缴费): every payment order a kiosk opened, in the controller's
database, before the citizen sees its QR code. The platform charges; this ledger is the hall's
own record that survives a crash of the kiosk or of the controller, and what makes a payment
recorded, and its receipt printed, exactly once.

- An order is recorded when it is opened (`record`, in one transaction with the kiosk's request
  key: a retry of the same request finds it, `for_request`), before the kiosk shows its QR code.
- `follow` takes the platform's word on an order's state: the step to `paid` happens once (a
  conditional update: a second answer saying "paid" changes nothing); a paid order never leaves
  `paid`, whatever an answer says.
- `claim_receipt` gives the one receipt of a paid order to one kiosk request; the same request
  may ask again (its answer was lost), any other is refused.
- `pending` lists what is still open, for the controller to follow when no kiosk does any more.

Amounts are integers in fen. The payer is kept masked only (the order as the platform answered
it carries `payer_masked`); nothing else personal is stored. Tables on their own MetaData (like
the outbox), on SQLite and PostgreSQL.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import (BigInteger, Column, Engine, Float, Index, MetaData, String, Table, Text, insert, select,
                        update)
from sqlalchemy.exc import IntegrityError

from drivers.core.clock import Clock
from hall_protocol import platform as m

log = logging.getLogger(__name__)
PENDING, PAID = m.PaymentStatus.pending.value, m.PaymentStatus.paid.value


@dataclass(frozen=True)
class Entry:
    """One order as the hall keeps it."""

    order: m.PaymentOrder
    hall: str
    kiosk: str
    state: str
    receipt_request: str | None
    checked_at: float

    @property
    def receipt_printed(self) -> bool:
        return self.receipt_request is not None


class PaymentLedger:
    def __init__(self, engine: Engine, clock: Clock, *, schema: str | None = None) -> None:
        self.engine, self.clock = engine, clock
        self.metadata = MetaData(schema=schema)
        self.orders = Table(
            "payment_orders", self.metadata,
            Column("order_id", String(64), primary_key=True),
            Column("hall", String(64), nullable=False),
            Column("kiosk", String(64), nullable=False),
            Column("amount_fen", BigInteger, nullable=False),
            Column("state", String(16), nullable=False),
            Column("body", Text, nullable=False),            # the order as the platform last answered
            Column("created_at", Float, nullable=False),
            Column("checked_at", Float, nullable=False),     # when the platform was last asked
            Column("paid_at", Float),                        # when this ledger recorded it paid (once)
            Column("receipt_request", String(64)),           # the kiosk request that printed the receipt
            Column("receipt_at", Float),
            Index("ix_payment_orders_state", "state", "hall"),
        )
        self.requests = Table(
            "payment_requests", self.metadata,
            Column("request_key", String(64), primary_key=True),
            Column("order_id", String(64), nullable=False),
        )
        self.metadata.create_all(engine)

    def _now(self) -> float:
        return self.clock.now().timestamp()

    # -- reading ----------------------------------------------------------------------------
    def get(self, order_id: str) -> Entry | None:
        with self.engine.connect() as c:
            row = c.execute(select(self.orders).where(self.orders.c.order_id == order_id)).first()
        return None if row is None else _entry(row)

    def for_request(self, request_key: str) -> Entry | None:
        o, r = self.orders, self.requests
        with self.engine.connect() as c:
            row = c.execute(select(o).join(r, r.c.order_id == o.c.order_id)
                            .where(r.c.request_key == request_key)).first()
        return None if row is None else _entry(row)

    def pending(self, halls: set[str], checked_before: float) -> list[Entry]:
        o = self.orders
        with self.engine.connect() as c:
            rows = c.execute(select(o).where(o.c.state == PENDING, o.c.hall.in_(sorted(halls)),
                                             o.c.checked_at < checked_before).order_by(o.c.created_at)).fetchall()
        return [_entry(r) for r in rows]

    def paid_orders(self, hall: str) -> list[Entry]:
        o = self.orders
        with self.engine.connect() as c:
            rows = c.execute(select(o).where(o.c.state == PAID, o.c.hall == hall).order_by(o.c.paid_at)).fetchall()
        return [_entry(r) for r in rows]

    # -- writing ----------------------------------------------------------------------------
    def record(self, hall: str, kiosk: str, request_key: str, order: m.PaymentOrder) -> Entry:
        """Keep an order a kiosk opened, under the kiosk's request key. An order the citizen came
        back to (at this or another kiosk of the hall) is now that kiosk's to follow."""
        now, o = self._now(), self.orders
        with self.engine.begin() as c:
            if c.execute(select(o.c.order_id).where(o.c.order_id == order.order_id)).first() is None:
                c.execute(insert(o).values(
                    order_id=order.order_id, hall=hall, kiosk=kiosk, amount_fen=order.amount_fen, state=PENDING,
                    body=order.model_dump_json(), created_at=now, checked_at=now))
                log.info("payment order %s of %d fen recorded for %s/%s", order.order_id, order.amount_fen, hall, kiosk)
            else:
                c.execute(update(o).where(o.c.order_id == order.order_id).values(hall=hall, kiosk=kiosk))
        try:
            with self.engine.begin() as c:
                c.execute(insert(self.requests).values(request_key=request_key, order_id=order.order_id))
        except IntegrityError:
            pass      # the same request again
        return self.follow(order)

    def follow(self, order: m.PaymentOrder) -> Entry:
        """The platform's answer about an order: the ledger moves with it; `paid` is recorded once
        and never left."""
        now, o = self._now(), self.orders
        body = order.model_dump_json()
        with self.engine.begin() as c:
            if order.status is m.PaymentStatus.paid:
                first = c.execute(update(o).where(o.c.order_id == order.order_id, o.c.state != PAID).values(
                    state=PAID, body=body, checked_at=now, paid_at=now)).rowcount
                if first:
                    log.info("payment order %s recorded paid (%d fen, %s)", order.order_id, order.amount_fen,
                             order.channel or "-")
                else:   # already paid: keep what came with it (the e-invoice may arrive later)
                    c.execute(update(o).where(o.c.order_id == order.order_id).values(body=body, checked_at=now))
            else:
                c.execute(update(o).where(o.c.order_id == order.order_id, o.c.state != PAID).values(
                    state=order.status.value, body=body, checked_at=now))
                c.execute(update(o).where(o.c.order_id == order.order_id).values(checked_at=now))
        entry = self.get(order.order_id)
        if entry is None:
            raise KeyError(order.order_id)
        if entry.state == PAID and order.status is not m.PaymentStatus.paid:
            log.error("the platform says order %s is %s, but it was paid: kept as paid", order.order_id,
                      order.status.value)
        return entry

    def claim_receipt(self, order_id: str, request_key: str) -> tuple[bool, bool]:
        """(granted, retry): the receipt of a paid order goes to one request."""
        o = self.orders
        with self.engine.begin() as c:
            got = c.execute(update(o).where(o.c.order_id == order_id, o.c.state == PAID,
                                            o.c.receipt_request.is_(None)).values(
                receipt_request=request_key, receipt_at=self._now())).rowcount
        if got:
            return True, False
        entry = self.get(order_id)
        return (entry is not None and entry.receipt_request == request_key), True


def _entry(row) -> Entry:
    order = m.PaymentOrder.model_validate_json(row.body)
    if row.state == PAID and order.status is not m.PaymentStatus.paid:
        order = order.model_copy(update={"status": m.PaymentStatus.paid})
    return Entry(order, row.hall, row.kiosk, row.state, row.receipt_request, row.checked_at)
