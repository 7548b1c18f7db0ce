"""Payment (缴费) driven without a window, on real parts: the broker with its rules, the real
controller (its payment ledger in its SQLite file), the reference platform as a process (its
simulated wallet pays through its admin API, as the citizen's phone would), the ESC/POS emulator.
The kiosk's clock is a fake one (its poll and timeout); everything else runs on real time.

Each failure case has its own test: cancel, the kiosk's timeout, paid twice, paid after the
timeout, and a crash of the kiosk and of the controller while the QR code is shown. Nothing of
ours is mocked."""
from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
from PIL import Image

from drivers.core.clock import FakeClock
from drivers.escpos.printer import ReceiptPrinter
from hall_protocol import platform as bm
from kiosk_app.clients.backend import KioskBackend, Refused
from kiosk_app.clients.payments import PaymentClient
from kiosk_app.flows.payment import PaymentFlow
from tests.support.backend import backend_hall, start_controller

HALL = "demo-hall"


@dataclass
class Citizen:
    id_number: str


@pytest.fixture
def database_url(tmp_path):  # the ledger's file: a test reopens it
    return f"sqlite:///{tmp_path}/hall.db"


@pytest.fixture
def kiosk(hall, device, printer_emulator):
    """A kiosk's payment flow and its receipt printer; the controller's follower asks often."""
    desk = hall.backend.gateway.payments
    desk.stop()
    desk.follow_every_s = 0.2
    desk.start()
    emu, port = printer_emulator
    printer = ReceiptPrinter(f"tcp://127.0.0.1:{port}", device_id="kiosk-01-printer")
    printer.start()
    clock = FakeClock()
    client = PaymentClient(KioskBackend(device("kiosk-01"), HALL, timeout=3))
    flow = PaymentFlow(client, clock, hall_name="示范区政务服务中心", print_receipt=printer.print_blocks, poll_s=2,
                       pay_timeout_s=120)
    yield flow, clock, emu
    printer.close()


def open_and_pay(flow: PaymentFlow, server, n: int = 1) -> bm.PaymentOrder:
    for who in server.citizens():
        if len(who["payables"]) < n:
            continue
        s = flow.open(Citizen(who["id_number"]))
        unpaid = [p for p in s.payables if p.status is bm.PayableStatus.unpaid]
        if len(unpaid) < n:
            flow.close()
            continue
        for p in s.selected:
            if p not in [u.payable_id for u in unpaid[:n]]:
                flow.toggle(p)
        assert flow.screen.selected == tuple(u.payable_id for u in unpaid[:n])
        assert flow.screen.total_fen == sum(u.amount_fen for u in unpaid[:n])
        s = flow.pay()
        assert s.page == "paying", s.message
        assert s.order.status is bm.PaymentStatus.pending and s.order.pay_url.startswith("https://")
        assert s.order.amount_fen == sum(u.amount_fen for u in unpaid[:n]) and isinstance(s.order.amount_fen, int)
        return s.order
    raise AssertionError("no citizen with enough unpaid items left")


def ledger(hall, order_id: str) -> dict:
    """The hall's record of the order, read from the database through a new connection."""
    engine = sa.create_engine(hall.config.database.url)
    try:
        with engine.connect() as c:
            row = c.execute(sa.text("SELECT state, amount_fen, paid_at, receipt_request FROM payment_orders "
                                    "WHERE order_id = :o"), {"o": order_id}).mappings().first()
    finally:
        engine.dispose()
    return dict(row) if row else {}


def charges(server, order_id: str) -> list[str]:
    return [c["outcome"] for c in server.charges() if c["order_id"] == order_id]


def qr_from_png(png: bytes) -> str:
    """The QR code on the printed receipt, found by OpenCV in the emulator's rendered image."""
    image = np.array(Image.open(io.BytesIO(png)).convert("L"))
    image = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return text


def tick_until(flow: PaymentFlow, clock: FakeClock, page: str, rounds: int = 20):
    for _ in range(rounds):
        clock.advance(2.1)
        if flow.tick().page == page:
            return flow.screen
    raise AssertionError(f"still {flow.screen.page}: {flow.screen.message}")


def test_paid_order_prints_the_receipt_with_the_e_invoice_qr_once(kiosk, server, hall, device):
    flow, clock, emu = kiosk
    order = open_and_pay(flow, server, n=2)
    assert ledger(hall, order.order_id)["state"] == "pending"      # in the database before the QR is shown
    assert server.wallet_pay(order.order_id)["outcomes"] == ["charged"]
    s = tick_until(flow, clock, "paid")
    assert s.printed and s.order.invoice is not None and "请取走缴费凭证" in s.message
    receipt = emu.wait_for_receipts(1)[0]
    text = "\n".join(receipt.lines)
    for item in order.items:
        assert item.title in text
    assert f"合计：¥{order.amount_fen // 100}.{order.amount_fen % 100:02d}" in text and "微信支付" in text
    assert s.order.invoice.invoice_no in text and order.payer_masked in text
    assert qr_from_png(receipt.png) == s.order.invoice.verify_url
    assert charges(server, order.order_id) == ["charged"]
    record = ledger(hall, order.order_id)
    assert record["state"] == "paid" and record["amount_fen"] == order.amount_fen and record["receipt_request"]
    # the receipt is printed once: another request for it (another session) is refused
    other = PaymentClient(KioskBackend(device("kiosk-01"), HALL, timeout=20))
    with pytest.raises(Refused) as err:
        other.receipt(order.order_id, request_id="another-session-0001")
    assert err.value.code == "receipt_printed"
    # back to the list: paid items show as paid and cannot be paid again
    s = flow.back()
    paid = [p for p in s.payables if p.order_id == order.order_id]
    assert len(paid) == 2 and all(p.status is bm.PayableStatus.paid for p in paid)
    assert not set(s.selected) & {p.payable_id for p in paid}
    with pytest.raises(Refused) as err:
        other.create(flow.citizen, [paid[0].payable_id], paid[0].amount_fen, request_id="pay-again-00001")
    assert err.value.code == "already_paid"
    assert len(emu.receipts) == 1


def test_cancel_charges_nothing_and_a_late_wallet_payment_is_refused(kiosk, server, hall):
    flow, clock, emu = kiosk
    order = open_and_pay(flow, server)
    s = flow.cancel()
    assert s.page == "cancelled" and "未扣款" in s.message
    assert server.wallet_pay(order.order_id)["outcomes"] == ["refused_closed"]
    assert charges(server, order.order_id) == ["refused_closed"]
    assert ledger(hall, order.order_id)["state"] == "cancelled" and emu.receipts == []
    s = flow.back()     # the item is owed again, and can be paid with a new order
    assert next(p for p in s.payables if p.payable_id == order.items[0].payable_id).status is bm.PayableStatus.unpaid


def test_timeout_cancels_the_order_and_charges_nothing(kiosk, server, hall):
    flow, clock, emu = kiosk
    order = open_and_pay(flow, server)
    clock.advance(60)
    assert flow.tick().page == "paying"          # asked again, still pending
    clock.advance(61)
    s = flow.tick()
    assert s.page == "expired" and "支付超时" in s.message and "未扣款" in s.message
    assert ledger(hall, order.order_id)["state"] == "cancelled"
    assert server.wallet_pay(order.order_id)["outcomes"] == ["refused_closed"]
    assert emu.receipts == []
    # the platform's own expiry: an order left open past its time cannot be paid either
    server.payment_settings(order_ttl_s=1.0)
    try:
        flow.back()
        late = open_and_pay(flow, server)
        time.sleep(1.2)
        assert server.wallet_pay(late.order_id)["outcomes"] == ["refused_closed"]
        clock.advance(2.1)
        assert flow.tick().page == "expired"
        assert ledger(hall, late.order_id)["state"] == "expired"
    finally:
        server.payment_settings()


def test_paid_twice_is_charged_and_recorded_once(kiosk, server, hall, caplog):
    flow, clock, emu = kiosk
    server.payment_settings(invoice_delay_s=2.0)   # the e-invoice lags: "paid" is heard again and again
    try:
        order = open_and_pay(flow, server)
        caplog.set_level(logging.INFO, logger="hall_controller.backend.payments")
        assert server.wallet_pay(order.order_id, times=2)["outcomes"] == ["charged", "refused_already_paid"]
        flow.invoice_wait_s = 600
        paid_at = set()
        for _ in range(40):
            clock.advance(2.1)
            s = flow.tick()
            record = ledger(hall, order.order_id)
            if record["state"] == "paid":
                paid_at.add(record["paid_at"])
            if s.page == "paid":
                break
            time.sleep(0.1)
        assert s.page == "paid" and s.printed and s.order.invoice is not None, s.message
    finally:
        server.payment_settings()
    assert len(paid_at) == 1                       # recorded paid once, whoever asked
    assert [r.getMessage() for r in caplog.records].count(
        f"payment order {order.order_id} recorded paid ({order.amount_fen} fen, wechat)") == 1
    assert charges(server, order.order_id) == ["charged", "refused_already_paid"]
    assert len(emu.wait_for_receipts(1)) == 1 and qr_from_png(emu.receipts[0].png) == s.order.invoice.verify_url


def test_paid_after_the_timeout_prints_the_receipt(kiosk, server, hall):
    flow, clock, emu = kiosk
    order = open_and_pay(flow, server)
    server.wallet_pay(order.order_id)            # the citizen pays just as the kiosk gives up
    clock.advance(121)
    s = flow.tick()                               # the timeout's cancel finds the order paid
    assert s.page == "paid" and s.printed, s.message
    assert ledger(hall, order.order_id)["state"] == "paid"
    assert charges(server, order.order_id) == ["charged"]
    assert emu.wait_for_receipts(1)[0].lines and len(emu.receipts) == 1


def test_kiosk_crash_while_the_qr_is_shown_loses_no_payment(kiosk, server, hall, device):
    flow, clock, emu = kiosk
    order = open_and_pay(flow, server)
    citizen = flow.citizen
    del flow                                      # the kiosk is gone: nobody asks for this order any more
    server.wallet_pay(order.order_id)
    deadline = time.monotonic() + 10
    while ledger(hall, order.order_id)["state"] != "paid":    # the controller follows it on its own
        assert time.monotonic() < deadline, "the controller did not record the payment"
        time.sleep(0.1)
    # the citizen at the kiosk again: it is paid, nothing to pay twice
    again = PaymentFlow(PaymentClient(KioskBackend(device("kiosk-01"), HALL, timeout=20)), clock)
    s = again.open(citizen)
    assert all(p.status is bm.PayableStatus.paid for p in s.payables if p.order_id == order.order_id)
    assert charges(server, order.order_id) == ["charged"]


def test_controller_crash_while_the_qr_is_shown_loses_no_payment(kiosk, server, hall, suite_config, broker):
    flow, clock, emu = kiosk
    order = open_and_pay(flow, server)
    hall.stop()                                   # the controller goes away with the order open
    server.wallet_pay(order.order_id)             # meanwhile the citizen pays
    clock.advance(2.1)
    assert flow.tick().slow                       # no answer: "confirming, do not pay again"
    restarted = start_controller(backend_hall(suite_config, server), broker)
    try:
        assert ledger(restarted, order.order_id)["state"] in ("pending", "paid")   # the record survived
        s = tick_until(flow, clock, "paid")
        assert s.printed and charges(server, order.order_id) == ["charged"]
        assert ledger(restarted, order.order_id)["state"] == "paid"
    finally:
        restarted.stop()
