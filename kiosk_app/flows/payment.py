"""Payment (缴费) for the identified citizen, as a plain state machine (no Qt, clock injected):
see what is owed, choose, pay by scanning the platform's payment QR code with one's own wallet
app, get the receipt with the e-invoice's QR code.

    closed -> loading -> owed -> creating -> paying -> finishing -> paid
                                              |  \\-> cancelled   (the citizen cancelled: nothing charged)
                                              \\---> expired     (the kiosk stopped waiting: cancelled, nothing charged)
    any -> message (what went wrong, and what still works)

Exactly once, seen from the kiosk: the order is opened with one request id per "pay" press (a
retry after a lost answer gets the same order); while the QR code is shown the kiosk asks the
controller every `poll_s`; a cancel or the kiosk's timeout cancels the order at the platform, and
when the wallet was faster the answer is the paid order: then the receipt is printed, as for
any payment (paid after the timeout). The receipt of an order is printed once (the controller
grants it to one request). The controller keeps every order in its database and follows it on
its own, so a payment is recorded even when this kiosk crashes while the QR code is shown.
Amounts are integers in fen.
"""
from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, replace
from typing import Callable

from drivers.core.clock import Clock
from drivers.core.errors import DeviceError
from hall_protocol import platform as bm
from kiosk_app.clients.backend import BackendUnavailable, Citizen, KioskBackendError
from kiosk_app.clients.payments import PaymentClient
from kiosk_app.flows.activity import Activity, left, quiet_for
from kiosk_app.flows.observe import notify
from kiosk_app.flows.payment_receipt import receipt_blocks, yuan
from kiosk_app.i18n import retranslate, tr

log = logging.getLogger(__name__)
PAID, PENDING = bm.PaymentStatus.paid, bm.PaymentStatus.pending
KIND_KEYS = {"fee": "pay_kind_fee", "fine": "pay_kind_fine", "charge": "pay_kind_charge"}
IDLE_PAGES = ("owed", "paid", "cancelled", "expired", "message")  # pages that close when left alone

# This page's words (pay_*) are in kiosk_app/translations/kiosk_*.ts.


@dataclass(frozen=True)
class PaymentScreen:
    page: str = "closed"     # closed, loading, owed, creating, paying, finishing, paid, cancelled, expired, message
    lang: str = "zh"
    payables: tuple[bm.Payable, ...] = ()
    selected: tuple[str, ...] = ()
    order: bm.PaymentOrder | None = None
    printed: bool = False    # the receipt came out of the printer
    slow: bool = False       # the last status question got no answer: "confirming"
    message: str = ""
    deadline: float = 0.0    # monotonic: when the kiosk stops waiting for the wallet
    since: float = 0.0

    @property
    def total_fen(self) -> int:
        return sum(p.amount_fen for p in self.payables if p.payable_id in self.selected)

    @property
    def total(self) -> str:
        return yuan(self.total_fen)


class PaymentFlow:
    def __init__(self, client: PaymentClient, clock: Clock, *, hall_name: str = "",
                 print_receipt: Callable[[list], None] | None = None, poll_s: float = 2.0,
                 pay_timeout_s: float = 180.0, invoice_wait_s: float = 20.0, idle_timeout_s: float = 60.0,
                 report_fault: Callable[[str, str], None] | None = None) -> None:
        self.client, self.clock, self.hall_name, self.print_receipt = client, clock, hall_name, print_receipt
        self.activity: Activity | None = None   # the citizen's last touch (kiosk_app/flows/activity.py)
        self.poll_s, self.pay_timeout_s, self.invoice_wait_s = poll_s, pay_timeout_s, invoice_wait_s
        self.idle_timeout_s = idle_timeout_s
        self.report_fault = report_fault or (lambda device, message: None)
        self.citizen: Citizen | None = None
        self.screen = PaymentScreen(since=clock.monotonic())
        self.listeners: list[Callable[[PaymentScreen], None]] = []
        self._lock = threading.RLock()
        self._create_id: str | None = None     # one per "pay" press; a retry reuses it
        self._next_poll = 0.0
        self._invoice_until = 0.0
        self._receipt_ids: dict[str, str] = {}  # order -> this session's receipt request (a retry reuses it)

    # -- state ------------------------------------------------------------------------
    def _show(self, **changes) -> PaymentScreen:
        with self._lock:
            self.screen = replace(self.screen, since=self.clock.monotonic(), **changes)
            screen = self.screen
        return notify(self.listeners, screen)

    def set_lang(self, lang: str) -> PaymentScreen:
        """The language switch above the page: the page in `lang`, its fixed instruction too."""
        s = self.screen
        return self._show(lang=lang, message=retranslate(s.message, s.lang, lang))

    @property
    def active(self) -> bool:
        return self.screen.page != "closed"

    def _tr(self, key: str, **kw) -> str:
        return tr(key, self.screen.lang, **kw)

    # -- intents ----------------------------------------------------------------------
    def open(self, citizen: Citizen, lang: str = "zh") -> PaymentScreen:
        with self._lock:
            self.citizen = citizen
            self._show(page="loading", lang=lang, payables=(), selected=(), order=None, printed=False, slow=False,
                       message=tr("pay_loading", lang))
            return self._load()

    def _load(self, message: str = "") -> PaymentScreen:
        if self.citizen is None:
            return self.screen
        try:
            items = tuple(self.client.payables(self.citizen))
        except KioskBackendError as err:
            return self._failed(err)
        if self.citizen is None:       # wiped meanwhile
            return self.screen
        unpaid = tuple(p.payable_id for p in items if p.status is bm.PayableStatus.unpaid)
        return self._show(page="owed", payables=items, selected=unpaid, order=None,
                          message=message or (self._tr("pay_choose") if unpaid or any(
                              p.status is bm.PayableStatus.paying for p in items) else self._tr("pay_none")))

    def toggle(self, payable_id: str) -> PaymentScreen:
        with self._lock:
            s = self.screen
            item = next((p for p in s.payables if p.payable_id == payable_id), None)
            if s.page != "owed" or item is None or item.status is bm.PayableStatus.paid:
                return s
            if item.status is bm.PayableStatus.paying:       # continue that order: exactly its items
                chosen = tuple(p.payable_id for p in s.payables if p.order_id == item.order_id)
                return self._show(selected=chosen)
            if any(p.status is bm.PayableStatus.paying for p in s.payables if p.payable_id in s.selected):
                s = self._show(selected=())                  # leave the open order's items for a new choice
            selected = tuple(x for x in s.selected if x != payable_id) if payable_id in s.selected \
                else s.selected + (payable_id,)
            return self._show(selected=selected)

    def pay(self) -> PaymentScreen:
        with self._lock:
            s = self.screen
            if s.page != "owed" or not s.selected or self.citizen is None:
                return s
            self._create_id = self._create_id or uuid.uuid4().hex
            self._show(page="creating", message=self._tr("pay_creating"))
            try:
                answer = self.client.create(self.citizen, list(s.selected), s.total_fen, request_id=self._create_id)
            except KioskBackendError as err:
                if not isinstance(err, BackendUnavailable):
                    self._create_id = None
                return self._failed(err)
            self._create_id = None
            log.info("payment order %s opened: %s", answer.order.order_id, yuan(answer.order.amount_fen))
            return self._follow(answer.order, started=True)

    def cancel(self) -> PaymentScreen:
        with self._lock:
            if self.screen.page != "paying" or self.screen.order is None:
                return self.screen
            return self._end_waiting("pay_cancelled", "cancelled")

    def back(self) -> PaymentScreen:
        """From a result page back to the list (reloaded: what was paid shows as paid)."""
        with self._lock:
            if self.screen.page in ("paid", "cancelled", "expired", "message") and self.citizen is not None:
                self._show(page="loading", order=None, printed=False, message=self._tr("pay_loading"))
                return self._load()
            return self.screen

    def close(self) -> PaymentScreen:
        """End: nothing of the citizen stays. An open order is cancelled first (nothing charged;
        paid meanwhile, its receipt is printed)."""
        with self._lock:
            if self.screen.page == "paying" and self.screen.order is not None:
                self._end_waiting("pay_cancelled", "cancelled")
            self.citizen, self._create_id = None, None
            self._receipt_ids.clear()
            self.screen = PaymentScreen(lang=self.screen.lang, since=self.clock.monotonic())
        return notify(self.listeners, self.screen)

    # -- time passes (the window's timer, off the UI thread) -----------------------------
    def remaining(self, limit: float | None = None) -> float | None:
        """Seconds before this page closes (None: it does not time out now; paying has its own deadline)."""
        s = self.screen
        if s.page not in IDLE_PAGES:
            return None
        return left(self.clock, self.activity, s.since, limit or self.idle_timeout_s)

    def tick(self, limit: float | None = None) -> PaymentScreen:
        """Called periodically; `limit` is how long a page waits for a touch (the elderly mode's, given by
        the window), `idle_timeout_s` when not given."""
        if not self._lock.acquire(blocking=False):
            return self.screen            # an intent is talking to the controller
        try:
            s, now = self.screen, self.clock.monotonic()
            if s.page == "paying" and s.order is not None:
                if now >= s.deadline:
                    return self._end_waiting("pay_expired", "expired")
                if now >= self._next_poll:
                    return self._poll(s.order.order_id)
            elif s.page == "finishing" and s.order is not None and now >= self._next_poll:
                return self._poll(s.order.order_id)
            elif s.page in IDLE_PAGES and quiet_for(self.clock, self.activity, s.since) >= (limit or self.idle_timeout_s):
                log.info("payment page idle: closed")
                return self.close()
            return s
        finally:
            self._lock.release()

    # -- following the order ---------------------------------------------------------------
    def _poll(self, order_id: str) -> PaymentScreen:
        self._next_poll = self.clock.monotonic() + self.poll_s
        try:
            answer = self.client.status(order_id)
        except BackendUnavailable:
            return self._show(slow=True, message=self._tr("pay_checking")) if not self.screen.slow else self.screen
        except KioskBackendError as err:
            return self._failed(err)
        return self._follow(answer.order, printed_elsewhere=answer.receipt_printed)

    def _follow(self, order: bm.PaymentOrder, *, started: bool = False, printed_elsewhere: bool = False
                ) -> PaymentScreen:
        now = self.clock.monotonic()
        if order.status is PENDING:
            self._next_poll = now + self.poll_s
            if started:
                return self._show(page="paying", order=order, slow=False, deadline=now + self.pay_timeout_s,
                                  message=self._tr("pay_scan"))
            # still waiting: listeners hear it (the citizen's session stays alive while they pay)
            return self._show(order=order, slow=False, message=self._tr("pay_scan"))
        if order.status is PAID:
            if self.screen.page != "finishing":
                log.info("payment order %s paid", order.order_id)
                self._invoice_until = now + self.invoice_wait_s
                self._show(page="finishing", order=order, slow=False, message=self._tr("pay_finishing"))
            if order.invoice is None and now < self._invoice_until and not printed_elsewhere:
                self._next_poll = now + self.poll_s
                return self.screen
            return self._receipt(order)
        key = "pay_cancelled" if order.status is bm.PaymentStatus.cancelled else "pay_expired"
        return self._show(page="cancelled" if key == "pay_cancelled" else "expired", order=order,
                          message=self._tr(key))

    def _end_waiting(self, key: str, page: str) -> PaymentScreen:
        """Cancel the open order (the citizen, the timeout, the end of the session)."""
        order = self.screen.order
        try:
            answer = self.client.cancel(order.order_id, request_id=f"cancel-{order.order_id}")
        except KioskBackendError as err:
            log.warning("cancel of order %s failed: %s (the controller follows the order)", order.order_id, err)
            return self._failed(err)
        if answer.order.status is PAID:
            log.info("order %s was paid before the cancel: the receipt is printed", order.order_id)
            return self._follow(answer.order, printed_elsewhere=answer.receipt_printed)
        return self._show(page=page, order=answer.order, message=self._tr(key))

    def _receipt(self, order: bm.PaymentOrder) -> PaymentScreen:
        try:
            rid = self._receipt_ids.setdefault(order.order_id, uuid.uuid4().hex)
            self.client.receipt(order.order_id, request_id=rid)
        except KioskBackendError as err:
            if err.code == "receipt_printed":
                return self._show(page="paid", order=order, printed=False, message=self._tr("pay_done_reprint"))
            log.warning("receipt of order %s not granted: %s", order.order_id, err)
            return self._show(page="paid", order=order, printed=False, message=self._tr("pay_done_no_paper"))
        if self.print_receipt is None:
            return self._show(page="paid", order=order, printed=False, message=self._tr("pay_done_no_paper"))
        try:
            self.print_receipt(receipt_blocks(order, self.hall_name, self.screen.lang))
        except DeviceError as err:
            log.warning("receipt of order %s not printed: %s", order.order_id, err)
            self.report_fault("printer", f"{type(err).__name__}: {err} (action: {err.action.value})")
            return self._show(page="paid", order=order, printed=False, message=self._tr("pay_done_no_paper"))
        return self._show(page="paid", order=order, printed=True, message=self._tr("pay_done"))

    def _failed(self, err: KioskBackendError) -> PaymentScreen:
        key = {"already_paid": "pay_already_paid", "order_pending": "pay_order_pending",
               "amount_mismatch": "pay_amount_changed"}.get(err.code or "")
        if key is not None:
            self._show(page="loading", message=self._tr("pay_loading"))
            return self._load(message=self._tr(key))
        if isinstance(err, BackendUnavailable):
            self.report_fault("backend", str(err))
            return self._show(page="message", message=self._tr("pay_backend_down"))
        return self._show(page="message", message=self._tr("pay_broken"))
