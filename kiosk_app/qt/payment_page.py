"""Payment (缴费): renders kiosk_app/flows/payment.py's PaymentScreen and sends intents; Qt only.
What is owed (choose, the total), the platform's payment QR code with the amount and the time
left, then the result with the e-invoice's QR code. Amounts come as integers in fen and are shown
as yuan (`yuan`). Backend work goes through `intent` (a thread pool); each new screen comes back
to the UI thread through a signal."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hall_protocol import platform as bm
from kiosk_app.flows.payment import KIND_KEYS, PaymentFlow, PaymentScreen
from kiosk_app.flows.payment_receipt import yuan
from kiosk_app.i18n import tr
from kiosk_app.qt.pagekit import GOLD, GOOD, WARN, button, card, clear, font, label, scroll_box
from kiosk_app.qt.theme import CARD_BORDER, NORMAL, WHITE, Look, mark
from kiosk_app.qt.qrview import qr_pixmap

RESULT_COLOUR = {"paid": GOOD, "cancelled": WARN, "expired": WARN, "message": WARN}


class _Bridge(QObject):
    changed = Signal(object)


class PaymentPage(QWidget):
    def __init__(self, payment: PaymentFlow, look: Callable[[], Look] = lambda: NORMAL,
                 intent: Callable[[Callable], None] = lambda fn: fn()) -> None:
        super().__init__()
        self.payment, self.look, self.intent = payment, look, intent
        self.setObjectName("payment-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        # the title and the instruction scroll with the list on a short panel (elderly mode)
        self.body_area, column = scroll_box()
        column.addWidget(mark(self.title, "title"))
        column.addWidget(mark(self.message, "primary"))
        self.body = QVBoxLayout()
        self.body.setSpacing(column.spacing())
        column.addLayout(self.body)
        lay.addWidget(self.body_area, 1)
        self.actions = QVBoxLayout()           # outside the scrolling part: the total and its button
        lay.addLayout(self.actions)
        self.footer = QHBoxLayout()
        lay.addLayout(self.footer)
        self.countdown: QLabel | None = None
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        payment.listeners.append(self.bridge.changed.emit)
        self.timer = QTimer(self)                 # the time left, every second while the QR is shown
        self.timer.timeout.connect(self._count)
        self.timer.start(1000)

    @property
    def active(self) -> bool:
        return self.payment.active

    def _do(self, fn: Callable) -> Callable[[], None]:
        return lambda: self.intent(fn)

    def _left(self, s: PaymentScreen) -> int:
        return max(0, int(s.deadline - self.payment.clock.monotonic()))

    def _count(self) -> None:
        s = self.payment.screen
        if s.page == "paying" and self.countdown is not None:
            self.countdown.setText(tr("pay_left", s.lang, n=self._left(s)))

    def render(self, s: PaymentScreen | None = None) -> None:
        s = s or self.payment.screen
        k, lang = self.look(), s.lang
        clear(self.body)
        clear(self.actions)
        clear(self.footer)
        self.countdown = None
        self.title.setText(tr("pay_title", lang))
        self.title.setStyleSheet(font("title", k, True) + f"color:{GOLD};")
        self.message.setText(s.message)
        colour = RESULT_COLOUR.get(s.page, WARN if s.slow else WHITE)
        self.message.setStyleSheet(font("primary", k, True) + f"color:{colour};")
        getattr(self, f"_{s.page}", lambda *_: None)(s, k, lang)
        if s.page in ("paid", "cancelled", "expired", "message"):
            self.footer.addWidget(button(tr("pay_again", lang), "body", k, self._do(self.payment.back), secondary=True,
                                         name="payment-back"))
        if s.page not in ("closed", "creating", "paying", "finishing"):
            self.footer.addWidget(button(tr("cz_back", lang), "body", k, self._do(self.payment.close), secondary=True,
                                         name="payment-close"))

    def _owed(self, s: PaymentScreen, k: Look, lang: str) -> None:
        for p in s.payables:
            kind = tr(KIND_KEYS.get(p.kind.value, "pay_kind_fee"), lang)
            ref = f" · {p.reference}" if p.reference else ""
            text = label(f"{p.title}\n{kind} · {p.department}{ref}", "small", k, bold=True)
            amount = label(yuan(p.amount_fen), "body", k, bold=True, colour=GOLD, align=Qt.AlignRight)
            row = QHBoxLayout()
            row.addWidget(amount, 1)
            if p.status is bm.PayableStatus.paid:
                row.addWidget(label(tr("pay_paid_item", lang), "small", k, colour=GOOD, align=Qt.AlignRight))
            elif p.status is bm.PayableStatus.paying:
                row.addWidget(button(tr("pay_paying_item", lang), "small", k,
                                     lambda pid=p.payable_id: self.payment.toggle(pid),
                                     name=f"payable-{p.payable_id}", height="target", secondary=True))
            else:
                chosen = p.payable_id in s.selected
                b = button(tr("pay_chosen" if chosen else "pay_choose_item", lang), "small", k,
                           lambda pid=p.payable_id: self.payment.toggle(pid), name=f"payable-{p.payable_id}",
                           height="target", secondary=not chosen)
                row.addWidget(b)
            self.body.addWidget(card(text, row, border=GOLD if p.payable_id in s.selected else CARD_BORDER))
        if any(p.status is not bm.PayableStatus.paid for p in s.payables):
            self.actions.addWidget(label(tr("pay_total", lang, amount=s.total), "primary", k, bold=True, colour=GOLD,
                                         align=Qt.AlignRight))
            go = button(tr("pay_go", lang, amount=s.total), "primary", k, self._do(self.payment.pay),
                        name="payment-pay",
                        height="target")
            go.setEnabled(bool(s.selected))
            self.actions.addWidget(go)

    def _paying(self, s: PaymentScreen, k: Look, lang: str) -> None:
        o = s.order
        if o is None:
            return
        self.body.addWidget(label(yuan(o.amount_fen), "huge", k, bold=True, colour=GOLD, align=Qt.AlignCenter))
        qr = QLabel()
        qr.setObjectName("payment-qr")
        qr.setAlignment(Qt.AlignCenter)
        qr.setPixmap(qr_pixmap(o.pay_url, k.picture("pay_qr")))
        self.body.addWidget(qr)
        self.body.addWidget(label("  ".join(f"{i.title} {yuan(i.amount_fen)}" for i in o.items), "small", k,
                                  align=Qt.AlignCenter))
        self.countdown = label(tr("pay_left", lang, n=self._left(s)), "body", k, bold=True, align=Qt.AlignCenter)
        self.actions.addWidget(self.countdown)
        self.actions.addWidget(button(tr("pay_cancel", lang), "body", k, self._do(self.payment.cancel),
                                      name="payment-cancel", height="key", secondary=True))

    def _paid(self, s: PaymentScreen, k: Look, lang: str) -> None:
        o = s.order
        if o is None:
            return
        self.body.addWidget(label(yuan(o.amount_fen), "huge", k, bold=True, colour=GOOD, align=Qt.AlignCenter))
        if o.invoice is not None:
            qr = QLabel()
            qr.setObjectName("invoice-qr")
            qr.setAlignment(Qt.AlignCenter)
            qr.setPixmap(qr_pixmap(o.invoice.verify_url, k.picture("qr")))
            self.body.addWidget(qr)
            self.body.addWidget(label(tr("pay_invoice", lang, no=o.invoice.invoice_no), "small", k,
                                      align=Qt.AlignCenter))
