"""Payment (缴费) for kiosks: the backend gateway's payment ops (hall_protocol/payments.py) over
the platform's unified payment orders, with the hall's own record (hall_controller/backend/
payments.py).

Exactly once:
- one order per citizen action: the platform's idempotency key derives from the kiosk's request
  id, and the order is in the ledger before the kiosk shows its QR code (a retry, also after a
  crash of either side, finds the same order);
- the step to paid is recorded once, whoever notices it first: a kiosk asking `pay_status`,
  a cancel that finds the order paid, or the follower here that asks the platform about every
  order still open when no kiosk does any more (the kiosk crashed, the citizen walked away);
- one receipt per paid order (`pay_receipt`).
A cancel that comes too late (the wallet paid first) answers the paid order: the kiosk prints
its receipt instead of telling the citizen nothing was charged.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from hall_controller.backend import BackendClient, BackendError, BackendRefused, BackendUnavailable
from hall_controller.backend.payments import PaymentLedger
from hall_controller.core.queue import HallQueue
from hall_controller.errors import Conflict, NotFound
from hall_protocol import platform as bm
from hall_protocol.contract import BackendRequest
from hall_protocol.payments import PayablesAnswer, PaymentAnswer, ReceiptAnswer

log = logging.getLogger(__name__)


class ReceiptPrinted(Conflict):
    code = "receipt_printed"


class PaymentDesk:
    def __init__(self, ledger: PaymentLedger, platform: Callable[[], BackendClient], halls: Callable[[], set[str]],
                 key: Callable[[str, str, str], str], *, follow_every_s: float = 5.0) -> None:
        """`platform()` the client (BackendUnavailable when none), `halls()` the halls this process
        owns, `key(prefix, client, request_id)` the platform idempotency key of a kiosk request."""
        self.ledger, self.platform, self.halls, self.key = ledger, platform, halls, key
        self.follow_every_s = follow_every_s
        self.ops: dict[str, Callable[[HallQueue, str, BackendRequest], BaseModel]] = {
            "payables": self._payables, "pay_create": self._create, "pay_status": self._status,
            "pay_cancel": self._cancel, "pay_receipt": self._receipt}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the ops ---------------------------------------------------------------------------
    def _payables(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        return PayablesAnswer(items=self.platform().payables(req.id_number))

    def _create(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        key = self.key("pay", client, req.request_id)
        entry = self.ledger.for_request(key)
        if entry is None:
            order = self.platform().open_payment_order(bm.PaymentOrderRequest(
                id_number=req.id_number, payable_ids=req.payable_ids, amount_fen=req.amount_fen, kiosk_id=client), key)
            entry = self.ledger.record(q.hall.id, client, key, order)
        elif entry.state == bm.PaymentStatus.pending.value:
            entry = self._refresh(entry.order.order_id, quiet=True) or entry
        if entry.kiosk != client:       # a request key is the kiosk's own: never another's order
            raise NotFound(f"no payment order for this request of {client}")
        return PaymentAnswer(order=entry.order, receipt_printed=entry.receipt_printed)

    def _entry(self, q: HallQueue, order_id: str, client: str):
        """The order, if this kiosk opened it (or the citizen came back to it here): another kiosk
        can neither follow, cancel nor take the receipt of someone else's payment."""
        entry = self.ledger.get(order_id)
        if entry is None or entry.hall != q.hall.id or entry.kiosk != client:
            raise NotFound(f"no payment order {order_id[:12]}… of {client} in hall {q.hall.id}")
        return entry

    def _status(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        entry = self._entry(q, req.order_id, client)
        if entry.state == bm.PaymentStatus.pending.value or entry.order.invoice is None:
            entry = self.ledger.follow(self.platform().payment_order(req.order_id))
        return PaymentAnswer(order=entry.order, receipt_printed=entry.receipt_printed)

    def _cancel(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        entry = self._entry(q, req.order_id, client)
        if entry.state == bm.PaymentStatus.pending.value:
            platform = self.platform()
            try:
                order = platform.cancel_payment_order(req.order_id, self.key("pc", client, req.request_id))
            except BackendRefused as err:
                if err.code not in ("already_paid",):
                    raise
                log.info("cancel of order %s came too late: it is paid", req.order_id)
                order = platform.payment_order(req.order_id)
            entry = self.ledger.follow(order)
        return PaymentAnswer(order=entry.order, receipt_printed=entry.receipt_printed)

    def _receipt(self, q: HallQueue, client: str, req: BackendRequest) -> BaseModel:
        entry = self._entry(q, req.order_id, client)
        if entry.state != bm.PaymentStatus.paid.value:
            raise Conflict(f"order {req.order_id[:12]}… is {entry.state}: no receipt")
        granted, retry = self.ledger.claim_receipt(req.order_id, self.key("rc", client, req.request_id))
        if not granted:
            raise ReceiptPrinted(f"the receipt of order {req.order_id[:12]}… has been printed")
        return ReceiptAnswer(order=self.ledger.get(req.order_id).order, retry=retry)

    # -- following open orders when no kiosk does ---------------------------------------------
    def _refresh(self, order_id: str, *, quiet: bool = False):
        try:
            return self.ledger.follow(self.platform().payment_order(order_id))
        except BackendError as err:
            if not quiet:
                log.info("payment order %s: the platform did not answer (%s)", order_id, err)
            return None

    def follow_open_orders(self) -> int:
        """Ask the platform about every open order of this process's halls not asked about lately;
        returns how many were asked."""
        now = self.ledger.clock.now().timestamp()
        asked = 0
        for entry in self.ledger.pending(self.halls(), now - self.follow_every_s):
            asked += 1
            if self._refresh(entry.order.order_id) is None:
                break           # the platform is down: try again next round
        return asked

    def _run(self) -> None:
        while not self._stop.wait(self.follow_every_s):
            try:
                self.follow_open_orders()
            except (SQLAlchemyError, BackendUnavailable) as err:
                log.warning("following open payment orders failed: %s", err)
            except Exception:  # the loop must outlive any surprise; it is logged
                log.exception("following open payment orders")

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="payment-follower", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
