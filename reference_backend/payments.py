"""Payment (缴费) on the reference platform: what each synthetic citizen owes, unified payment
orders, a simulated wallet and e-invoices, with their own simulated states and faults.

An order is `pending` until the citizen's wallet pays it (`paid`, charged once, an e-invoice
follows), it is cancelled (`cancelled`) or its time runs out (`expired`). The wallet is
simulated (`POST /_admin/payments/{order}/pay`, or `auto_pay_after_s`): a payment of an
order that is no longer pending is refused and nothing is kept (paid twice, paid after the
order was cancelled or expired); every attempt is in the charge log, so a test can count the
money that moved. `invoice_delay_s` makes the e-invoice lag behind the payment, as real
finance systems do. Orders and charges live in the server's SQLite state (a restart keeps them).
"""
from __future__ import annotations

import json
import logging
import random
import threading
import uuid
from datetime import date, datetime, timedelta
from typing import Callable

from pydantic import BaseModel, Field

from hall_controller.backend.signing import mask_id
from hall_protocol import platform as m

from .security import ApiError
from .store import Store
from .synth import World

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pay_orders (order_id TEXT PRIMARY KEY, status TEXT, amount_fen INTEGER,
    payable_ids TEXT, body TEXT, created REAL, expires REAL, paid REAL);
CREATE TABLE IF NOT EXISTS pay_charges (seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT,
    amount_fen INTEGER, channel TEXT, outcome TEXT, at REAL);
"""
CHARGED, REFUSED_PAID, REFUSED_CLOSED = "charged", "refused_already_paid", "refused_closed"


class PaymentSim(BaseModel):
    """The simulated payment world (CLI flags and POST /_admin/payments/settings)."""

    order_ttl_s: float = Field(900.0, gt=0, le=86400, description="an order expires this long after it opened")
    auto_pay_after_s: float | None = Field(None, ge=0, le=3600,
                                           description="the wallet pays every order this long after it opened "
                                                       "(the demo's citizen); None = only when told")
    invoice_delay_s: float = Field(0.0, ge=0, le=3600, description="the e-invoice follows the payment this late")
    channel: str = Field("wechat", max_length=32)


# (kind, title, department, fen) the synthetic citizens owe; amounts are integers in fen
_OWED = [
    (m.PayableKind.fee, "不动产权证书补证工本费", "市自然资源和规划局", 8000),
    (m.PayableKind.fine, "道路交通安全违法罚款", "市公安局交通警察支队", 20000),
    (m.PayableKind.charge, "城乡居民基本医疗保险个人缴费（2027年度）", "市医疗保障局", 38000),
    (m.PayableKind.fee, "居住证工本费", "市公安局", 1000),
    (m.PayableKind.charge, "城乡居民基本养老保险个人缴费", "市人力资源和社会保障局", 50050),
]


def payables_of(world: World, seed: int) -> dict[str, tuple[str, m.Payable]]:
    """payable id -> (holder's ID number, payable as unpaid); deterministic for the seed, the
    same every day (so what was paid stays paid)."""
    rng = random.Random(seed * 7919)
    out: dict[str, tuple[str, m.Payable]] = {}
    for ci, c in enumerate(world.citizens):
        for k in range(1 + ci % 3):
            kind, title, dept, fen = _OWED[(ci + 2 * k) % len(_OWED)]
            pid = f"P{seed % 100:02d}{ci:03d}{k:02d}"
            ref = (f"{rng.randint(10**13, 10**14 - 1)}" if kind is m.PayableKind.fine
                   else f"BJ{world.today:%Y}{ci * 10 + k:06d}" if kind is m.PayableKind.fee else "")
            out[pid] = (c.id_number, m.Payable(
                payable_id=pid, kind=kind, title=title, department=dept, amount_fen=fen,
                matter_id="C002" if "不动产" in title else ("A002" if "居住证" in title else None), reference=ref,
                due_date=date(world.today.year, 12, 31), status=m.PayableStatus.unpaid))
    return out


class Payments:
    """Orders, the wallet and invoices over the server's store."""

    def __init__(self, store: Store, world: Callable[[], World], seed: int, now: Callable[[], datetime],
                 sim: PaymentSim | None = None) -> None:
        self.store, self._world, self.seed, self.now = store, world, seed, now
        self.sim = sim or PaymentSim()
        self.lock = threading.RLock()
        with store.lock:
            store._db.executescript(_SCHEMA)
        self._payables: tuple[date, dict] | None = None

    def payables(self) -> dict[str, tuple[str, m.Payable]]:
        world = self._world()
        if self._payables is None or self._payables[0] != world.today:
            self._payables = (world.today, payables_of(world, self.seed))
        return self._payables[1]

    # -- storage ------------------------------------------------------------------------
    def _sql(self, sql: str, *args):
        with self.store.lock:
            return self.store._db.execute(sql, args)

    def _load(self, order_id: str) -> m.PaymentOrder | None:
        row = self._sql("SELECT body FROM pay_orders WHERE order_id=?", order_id).fetchone()
        return None if row is None else m.PaymentOrder.model_validate_json(row[0])

    def _save(self, order: m.PaymentOrder, payable_ids: list[str] | None = None) -> None:
        body = order.model_dump_json()
        ts = lambda d: d.timestamp() if d else None  # noqa: E731
        if payable_ids is not None:
            self._sql("INSERT INTO pay_orders VALUES (?,?,?,?,?,?,?,?)", order.order_id, order.status.value,
                      order.amount_fen, json.dumps(payable_ids), body, ts(order.created_at),
                      ts(order.expires_at), ts(order.paid_at))
        else:
            self._sql("UPDATE pay_orders SET status=?, body=?, paid=? WHERE order_id=?", order.status.value, body,
                      ts(order.paid_at), order.order_id)

    def _orders_with(self, payable_id: str) -> list[m.PaymentOrder]:
        rows = self._sql("SELECT order_id FROM pay_orders WHERE payable_ids LIKE ?", f'%"{payable_id}"%').fetchall()
        return [self.order(r[0]) for r in rows]

    # -- the state of an order (lazily advanced: expiry, the simulated wallet, the invoice) ----
    def order(self, order_id: str) -> m.PaymentOrder:
        with self.lock:
            order = self._load(order_id)
            if order is None:
                raise ApiError(404, "not_found", "no such payment order")
            now = self.now()
            changed = False
            if order.status is m.PaymentStatus.pending and self.sim.auto_pay_after_s is not None \
                    and now >= order.created_at + timedelta(seconds=self.sim.auto_pay_after_s) \
                    and now < order.expires_at:
                return self.pay(order_id, self.sim.channel)[1]
            if order.status is m.PaymentStatus.pending and now >= order.expires_at:
                order = order.model_copy(update={"status": m.PaymentStatus.expired})
                changed = True
            if order.status is m.PaymentStatus.paid and order.invoice is None and order.paid_at is not None \
                    and now >= order.paid_at + timedelta(seconds=self.sim.invoice_delay_s):
                order = order.model_copy(update={"invoice": self._invoice(order, now)})
                changed = True
            if changed:
                self._save(order)
            return order

    def _invoice(self, order: m.PaymentOrder, now: datetime) -> m.EInvoice:
        rng = random.Random(order.order_id)
        code, no = f"3301{rng.randint(0, 9999):04d}", f"{rng.randint(0, 99_999_999):08d}"
        check = f"{rng.randint(0, 999_999):06d}"
        return m.EInvoice(invoice_code=code, invoice_no=no, check_code=check, amount_fen=order.amount_fen,
                          issued_at=now, verify_url=f"https://einvoice.example.gov.cn/v?code={code}&no={no}"
                                                    f"&check={check}")

    # -- what the API does ----------------------------------------------------------------
    def citizen_payables(self, id_number: str) -> list[m.Payable]:
        out = []
        for pid, (idn, p) in self.payables().items():
            if idn != id_number.upper():
                continue
            orders = self._orders_with(pid)
            paid = next((o for o in orders if o.status is m.PaymentStatus.paid), None)
            pending = next((o for o in orders if o.status is m.PaymentStatus.pending), None)
            if paid is not None:
                p = p.model_copy(update={"status": m.PayableStatus.paid, "order_id": paid.order_id})
            elif pending is not None:
                p = p.model_copy(update={"status": m.PayableStatus.paying, "order_id": pending.order_id})
            out.append(p)
        return out

    def open_order(self, req: m.PaymentOrderRequest) -> m.PaymentOrder:
        with self.lock:
            if len(set(req.payable_ids)) != len(req.payable_ids):
                raise ApiError(400, "bad_request", "a payable is listed twice")
            mine = {p.payable_id: p for p in self.citizen_payables(req.id_number)}
            missing = [pid for pid in req.payable_ids if pid not in mine]
            if missing:
                raise ApiError(404, "not_found", f"{len(missing)} payable(s) are not this citizen's")
            chosen = [mine[pid] for pid in req.payable_ids]
            if any(p.status is m.PayableStatus.paid for p in chosen):
                raise ApiError(409, "already_paid", "a payable is paid already")
            pending = {p.order_id for p in chosen if p.status is m.PayableStatus.paying}
            if pending:
                order = self.order(pending.pop()) if len(pending) == 1 else None
                if order is not None and sorted(i.payable_id for i in order.items) == sorted(req.payable_ids):
                    return order       # the same order again: the citizen came back to it
                raise ApiError(409, "order_pending", "a payable is in another payment order that is still open")
            total = sum(p.amount_fen for p in chosen)
            if total != req.amount_fen:
                raise ApiError(409, "amount_mismatch", f"the payables add up to {total} fen, not {req.amount_fen}")
            now = self.now()
            order = m.PaymentOrder(
                order_id=uuid.uuid4().hex, status=m.PaymentStatus.pending, amount_fen=total,
                items=[m.PaymentLine(payable_id=p.payable_id, title=p.title, amount_fen=p.amount_fen) for p in chosen],
                pay_url=f"https://pay.example.gov.cn/unified/{uuid.uuid4().hex}", payer_masked=mask_id(req.id_number),
                created_at=now, expires_at=now + timedelta(seconds=self.sim.order_ttl_s))
            self._save(order, req.payable_ids)
            log.info("payment order %s opened: %d fen by kiosk %s", order.order_id, total, req.kiosk_id)
            return order

    def cancel(self, order_id: str) -> m.PaymentOrder:
        with self.lock:
            order = self.order(order_id)
            if order.status is m.PaymentStatus.paid:
                raise ApiError(409, "already_paid", "the order is paid; it cannot be cancelled")
            if order.status is m.PaymentStatus.pending:
                order = order.model_copy(update={"status": m.PaymentStatus.cancelled})
                self._save(order)
            return order

    def pay(self, order_id: str, channel: str) -> tuple[str, m.PaymentOrder]:
        """The citizen's wallet pays the order (simulated): charged once, or refused."""
        with self.lock:
            order = self._load(order_id)
            if order is None:
                raise ApiError(404, "not_found", "no such payment order")
            now = self.now()
            if order.status is m.PaymentStatus.pending and now >= order.expires_at:
                order = order.model_copy(update={"status": m.PaymentStatus.expired})
                self._save(order)
            if order.status is m.PaymentStatus.pending:
                outcome = CHARGED
                order = order.model_copy(update={"status": m.PaymentStatus.paid, "paid_at": now, "channel": channel})
                if self.sim.invoice_delay_s == 0:
                    order = order.model_copy(update={"invoice": self._invoice(order, now)})
                self._save(order)
            else:
                outcome = REFUSED_PAID if order.status is m.PaymentStatus.paid else REFUSED_CLOSED
            self._sql("INSERT INTO pay_charges (order_id, amount_fen, channel, outcome, at) VALUES (?,?,?,?,?)",
                      order_id, order.amount_fen, channel, outcome, now.timestamp())
            log.info("wallet payment of order %s: %s", order_id, outcome)
            return outcome, order

    def charges(self) -> list[dict]:
        rows = self._sql("SELECT order_id, amount_fen, channel, outcome, at FROM pay_charges ORDER BY seq").fetchall()
        return [dict(order_id=r[0], amount_fen=r[1], channel=r[2], outcome=r[3], at=r[4]) for r in rows]
