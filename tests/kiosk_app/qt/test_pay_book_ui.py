"""The booking check-in, payment and social security card PIN pages of the real kiosk window
(offscreen, built by the kiosk's own composition: KioskWindow.for_kiosk), on real parts: broker,
controller, reference platform, the camera source emulator, the ESC/POS emulator, the ID card
emulator behind the real reader, pcscd with vpcd. Each scenario runs in Chinese, in English and in
the elderly mode; the pages are saved side by side (zh | en | elderly). With
KIOSK_SCREENS=docs/screens the pictures go to the README's folder."""
from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
import qrcode
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton

from drivers.escpos.receipt import decode_qr as read_qr
from drivers.smartcard.cards import SocialSecurityCard
from drivers.smartcard.emulator import VirtualCard
from drivers.smartcard.reader import SmartCardReader
from kiosk_app.flows.identity import PIN
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application
from tests.support.backend import booking_slot
from tests.support.pcsc import pcscd  # noqa: F401 (fixture)

from ..services_support import build
from ..test_e2e import wait_until

VARIANTS = ("zh", "en", "elderly")
SHOTS: dict[str, dict[str, QPixmap]] = {}       # page -> variant -> grab


@pytest.fixture
def empty_reader(pcscd):  # noqa: F811
    dev = SmartCardReader(pcscd)
    dev.start()
    dev.wait_for_removal(timeout=15)
    dev.close()
    return pcscd


@pytest.fixture(params=VARIANTS)
def kiosk(request, hall, broker, suite_config, printer_emulator, server, empty_reader):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}", camera_url="sim://camera?pattern=gradient",
              smartcard_url=empty_reader)
    app = application()
    window = KioskWindow.for_kiosk(s.kiosk)
    if request.param == "en":
        s.flow.toggle_language()
    elif request.param == "elderly":
        s.flow.toggle_elderly()
    window.show()
    cards: list[VirtualCard] = []
    yield app, window, s, request.param, cards
    for vc in cards:
        vc.remove()
    s.stop()
    window.close()
    window.deleteLater()
    app.processEvents()


def texts(window) -> str:
    page = window.stack.currentWidget()
    widgets = page.findChildren(QLabel) + page.findChildren(QPushButton)
    return "\n".join(w.text() for w in widgets if w.isVisibleTo(window))


def click(app, window, name: str) -> None:
    assert wait_until(app, lambda: window.findChild(QPushButton, name) is not None
                      and window.findChild(QPushButton, name).isVisibleTo(window)), name
    window.findChild(QPushButton, name).click()


def grab(app, window) -> QPixmap:
    for _ in range(5):
        app.processEvents()
    return window.grab()


def keep_shot(app, window, page: str, variant: str, tmp_path: Path) -> None:
    """Keep this variant's picture of the page; once all three are there, save them side by side."""
    SHOTS.setdefault(page, {})[variant] = grab(app, window)
    if len(SHOTS[page]) < len(VARIANTS):
        return
    shots = [SHOTS[page][v] for v in VARIANTS]
    gap = 24
    both = QPixmap(sum(p.width() for p in shots) + gap * 2, max(p.height() for p in shots))
    both.fill()
    painter = QPainter(both)
    x = 0
    for p in shots:
        painter.drawPixmap(x, 0, p)
        x += p.width() + gap
    painter.end()
    image = both.scaledToWidth(1800)
    path = tmp_path / f"kiosk-{page}.png"
    assert image.save(str(path))
    target = os.environ.get("KIOSK_SCREENS")
    if target:
        image.save(str(Path(target) / path.name))


def decode_screen_qr(app, widget) -> str:
    """The QR code on screen, read back by OpenCV from the picture of the widget showing it."""
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    grab(app, widget).save(buf, "PNG")
    # the printer model's own reader (padded, at several scales): OpenCV at one scale missed some codes
    return read_qr(Image.open(io.BytesIO(bytes(buf.data()))))


def book(server, minutes: float, **extra) -> dict:
    day, start, end = booking_slot(minutes)
    who = server.citizens()[8]
    return server.book(id_number=who["id_number"], matter_id=extra.pop("matter_id", "B001"), date=day,
                       slot_start=start, slot_end=end, **extra)


def test_booking_check_in_pages(kiosk, server, hall, tmp_path):
    app, window, s, variant, _ = kiosk
    booking = book(server, 0, hall_id="demo-hall", hall_name="示范区政务服务中心")
    click(app, window, "booking")
    assert wait_until(app, lambda: window.stack.currentWidget() is window.booking_page)
    for ch in booking["code"][:5]:
        click(app, window, f"bk-key-{ch}")
    assert wait_until(app, lambda: s.kiosk.booking.screen.entry == booking["code"][:5])
    keep_shot(app, window, "booking-entry", variant, tmp_path)
    for ch in booking["code"][5:]:
        click(app, window, f"bk-key-{ch}")
    click(app, window, "booking-find")
    assert wait_until(app, lambda: s.kiosk.booking.screen.page == "found", 20)
    assert wait_until(app, lambda: "社会保障卡申领" in texts(window))
    keep_shot(app, window, "booking-found", variant, tmp_path)
    click(app, window, "booking-check-in")
    assert wait_until(app, lambda: window.stack.currentIndex() == 1 and s.flow.screen.ticket is not None, 20)
    assert s.flow.screen.ticket.priority == "appointment"
    window.t_done.click()
    # a booking whose slot has passed: refused, with a normal ticket offered
    late = book(server, -180, matter_id="C002")
    click(app, window, "booking")
    assert wait_until(app, lambda: window.stack.currentWidget() is window.booking_page)
    for ch in late["code"]:
        click(app, window, f"bk-key-{ch}")
    click(app, window, "booking-find")
    assert wait_until(app, lambda: s.kiosk.booking.screen.page == "found", 20)
    click(app, window, "booking-check-in")
    assert wait_until(app, lambda: s.kiosk.booking.screen.page == "refused", 20)
    assert wait_until(app, lambda: window.findChild(QPushButton, "booking-normal-ticket") is not None)
    keep_shot(app, window, "booking-late", variant, tmp_path)
    # the QR scan: the camera's live picture, then the phone held up to it
    s.kiosk.booking.open(s.flow.screen.lang)
    click(app, window, "booking-scan")
    assert wait_until(app, lambda: window.booking_page.preview.pixmap() is not None
                      and not window.booking_page.preview.pixmap().isNull(), 10)
    other = book(server, 0)
    code = np.array(qrcode.make(f"https://example.gov.cn/yy/{other['code']}", box_size=6).convert("RGB"))
    covered = code.copy()                         # first the citizen's thumb covers part of the code
    h, w = covered.shape[:2]
    covered[h // 3:, : w // 2] = (150, 180, 230)
    s.kiosk.camera.source.hold_up(covered)
    wait_until(app, lambda: False, 0.6)
    assert s.kiosk.booking.screen.page == "scanning"
    keep_shot(app, window, "booking-scan", variant, tmp_path)
    s.kiosk.camera.source.hold_up(code)
    assert wait_until(app, lambda: s.kiosk.booking.screen.page == "found", 20)
    assert s.kiosk.booking.screen.appointment.code == other["code"]
    click(app, window, "booking-close")
    assert wait_until(app, lambda: window.stack.currentIndex() == 0)


def test_payment_pages(kiosk, server, hall, printer_emulator, tmp_path):
    emu, _ = printer_emulator
    app, window, s, variant, cards = kiosk
    who = server.citizens()[1 + VARIANTS.index(variant)]      # one who still owes, per variant
    # identified with the social security card (this kiosk's camera would check a face against an ID card)
    click(app, window, "identify")
    vc = VirtualCard(SocialSecurityCard({"id_number": who["id_number"], "name": who["name"]}))
    vc.insert()
    cards.append(vc)
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page, 20)
    click(app, window, "menu-pay")
    assert wait_until(app, lambda: s.kiosk.payment.screen.page == "owed", 20)
    payment = s.kiosk.payment
    unpaid = [p for p in payment.screen.payables if p.status.value == "unpaid"]
    assert unpaid, payment.screen
    assert wait_until(app, lambda: window.findChild(QPushButton, "payment-pay") is not None)
    keep_shot(app, window, "payment-owed", variant, tmp_path)
    click(app, window, "payment-pay")
    assert wait_until(app, lambda: payment.screen.page == "paying", 20)
    assert wait_until(app, lambda: window.findChild(QLabel, "payment-qr") is not None)
    order = payment.screen.order
    qr = window.findChild(QLabel, "payment-qr")
    assert decode_screen_qr(app, qr) == order.pay_url               # the QR on screen is the platform's order
    keep_shot(app, window, "payment-qr", variant, tmp_path)
    server.wallet_pay(order.order_id)

    def paid() -> bool:      # the kiosk's clock moves on while the window's timer follows the order
        if payment.screen.page in ("paying", "finishing"):
            s.clock.advance(0.05)
        return payment.screen.page == "paid"
    assert wait_until(app, paid, 30), payment.screen
    assert wait_until(app, lambda: window.findChild(QLabel, "invoice-qr") is not None)
    keep_shot(app, window, "payment-paid", variant, tmp_path)
    receipt = emu.wait_for_receipts(1)[0]
    assert payment.screen.order.invoice.invoice_no in "\n".join(receipt.lines)
    if variant == "zh" and os.environ.get("KIOSK_SCREENS"):
        Path(os.environ["KIOSK_SCREENS"], "receipt-payment.png").write_bytes(receipt.png)
    click(app, window, "payment-close")
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page)
    click(app, window, "citizen-finish")
    assert wait_until(app, lambda: window.stack.currentIndex() == 0)
    everything = "\n".join(w.text() for w in window.findChildren(QLabel) + window.findChildren(QPushButton))
    assert who["name"] not in everything and who["id_number"] not in everything


def test_social_security_card_pin_page(kiosk, server, tmp_path):
    app, window, s, variant, cards = kiosk
    who = server.citizens()[10]
    click(app, window, "identify")
    assert wait_until(app, lambda: window.stack.currentWidget() is window.identify_page)
    vc = VirtualCard(SocialSecurityCard({"id_number": who["id_number"], "name": who["name"]}, pin="246810"))
    vc.insert()
    cards.append(vc)
    assert wait_until(app, lambda: s.identity_flow.view.state == PIN, 20)
    for d in "2468":
        click(app, window, f"pin-{d}")
    assert wait_until(app, lambda: s.identity_flow.view.pin_digits == 4)
    assert wait_until(app, lambda: "●●●●○○" in texts(window))
    keep_shot(app, window, "identify-pin", variant, tmp_path)
    for d in "10":
        click(app, window, f"pin-{d}")
    click(app, window, "pin-ok")
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page, 20)
    assert "246810" not in texts(window)
