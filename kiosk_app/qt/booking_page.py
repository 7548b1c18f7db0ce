"""Check in a booking without an ID card (预约签到): renders kiosk_app/flows/booking.py's
BookingScreen and sends intents; Qt only. The code is typed on an on-screen keypad (or by a
hand scanner, which types like a keyboard); the QR scan shows the camera's live picture, drawn
and dropped (never kept). Backend and camera work go through `intent` (a thread pool); each new
screen and frame comes back to the UI thread through a signal."""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk_app.flows.booking import BookingFlow, BookingScreen
from kiosk_app.i18n import tr
from kiosk_app.qt.identify_page import frame_pixmap
from kiosk_app.qt.pagekit import GOLD, WARN, button, card, clear, font, label, scroll_box
from kiosk_app.qt.theme import KEY_GAP, NORMAL, PREVIEW_BG, SCAN_PREVIEW, SMALL_RADIUS, WHITE, Look, mark

PREVIEW = SCAN_PREVIEW


class _Bridge(QObject):
    changed = Signal(object)
    frame = Signal(object)


class BookingPage(QWidget):
    def __init__(self, booking: BookingFlow, look: Callable[[], Look] = lambda: NORMAL,
                 intent: Callable[[Callable], None] = lambda fn: fn()) -> None:
        super().__init__()
        self.booking, self.look, self.intent = booking, look, intent
        self.setObjectName("booking-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW)
        self.preview.setStyleSheet(f"background:{PREVIEW_BG}; border:4px solid {GOLD}; border-radius:{SMALL_RADIUS}px;")
        self.preview.setObjectName("booking-preview")
        # the title, the instruction and the keypad scroll together on a short panel (1280x1024,
        # elderly mode); the actions and the footer stay in reach
        self.body_area, column = scroll_box()
        column.addWidget(mark(self.title, "title"))
        column.addWidget(mark(self.message, "primary"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.preview)
        row.addStretch(1)
        column.addLayout(row)
        self.body = QVBoxLayout()
        self.body.setSpacing(column.spacing())
        column.addLayout(self.body)
        lay.addWidget(self.body_area, 1)
        self.actions = QHBoxLayout()           # outside the scrolling part: always in reach
        lay.addLayout(self.actions)
        self.footer = QHBoxLayout()
        lay.addLayout(self.footer)
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        self.bridge.frame.connect(self._frame)
        booking.listeners.append(self.bridge.changed.emit)
        if booking.scanner is not None:
            booking.scanner.frame_listeners.append(self.bridge.frame.emit)

    @property
    def active(self) -> bool:
        return self.booking.active

    def _do(self, fn: Callable) -> Callable[[], None]:
        return lambda: self.intent(fn)

    def keyPressEvent(self, event) -> None:   # a hand scanner types the code like a keyboard
        if self.booking.screen.page != "entry":
            return super().keyPressEvent(event)
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.intent(self.booking.confirm_entry)
        elif event.key() == Qt.Key_Backspace:
            self.booking.backspace()
        elif event.text().isalnum():
            self.booking.key(event.text())

    def _frame(self, frame: np.ndarray) -> None:
        if self.booking.screen.page == "scanning":
            self.preview.setPixmap(frame_pixmap(frame, PREVIEW))

    def render(self, s: BookingScreen | None = None) -> None:
        s = s or self.booking.screen
        k, lang = self.look(), s.lang
        clear(self.body)
        clear(self.actions)
        clear(self.footer)
        self.title.setText(tr("bk_title", lang))
        self.title.setStyleSheet(font("title", k, True) + f"color:{GOLD};")
        self.message.setText(s.message)
        warn = s.page in ("refused", "message")
        self.message.setStyleSheet(font("primary", k, True) + f"color:{WARN if warn else WHITE};")
        scanning = s.page == "scanning"
        self.preview.setVisible(scanning)
        if not scanning:
            self.preview.clear()
        getattr(self, f"_{s.page}", lambda *_: None)(s, k, lang)
        if s.normal_ticket and s.page in ("refused", "message"):
            self.body.addWidget(button(tr("bk_normal_ticket", lang), "primary", k, self._do(self.booking.normal_ticket),
                                       name="booking-normal-ticket", height="choice"))
        if s.page in ("refused", "message", "found"):
            self.footer.addWidget(button(tr("cz_back", lang), "body", k, self._do(lambda: self.booking.open(lang)),
                                         secondary=True, name="booking-back"))
        if s.page != "closed":
            self.footer.addWidget(button(tr("done", lang), "body", k, self._do(self.booking.close), secondary=True,
                                         name="booking-close"))

    def _entry(self, s: BookingScreen, k: Look, lang: str) -> None:
        entry = label(s.entry or "— — — — — — — —", "huge", k, bold=True, colour=GOLD, align=Qt.AlignCenter)
        entry.setObjectName("booking-entry")
        self.body.addWidget(entry)
        grid = QGridLayout()
        grid.setSpacing(KEY_GAP)
        for i, ch in enumerate("123456789"):
            grid.addWidget(button(ch, "primary", k, lambda c=ch: self.booking.key(c), name=f"bk-key-{ch}",
                                  height="key"),
                           i // 3, i % 3)
        grid.addWidget(button(tr("bk_clear", lang), "body", k, self.booking.clear, name="bk-key-clear", height="key"),
                       3, 0)
        grid.addWidget(button("0", "primary", k, lambda: self.booking.key("0"), name="bk-key-0", height="key"), 3, 1)
        grid.addWidget(button("⌫", "primary", k, self.booking.backspace, name="bk-key-back", height="key"), 3, 2)
        self.body.addLayout(grid)
        self.actions.addWidget(button(tr("bk_confirm", lang), "body", k, self._do(self.booking.confirm_entry),
                                      name="booking-find", height="target"))
        if s.can_scan:
            self.actions.addWidget(button(tr("bk_scan", lang), "body", k, self._do(self.booking.scan),
                                          name="booking-scan",
                                          height="target", secondary=True))

    def _scanning(self, s: BookingScreen, k: Look, lang: str) -> None:
        self.body.addWidget(button(tr("bk_type", lang), "body", k, self._do(self.booking.type_code),
                                   name="booking-type", height="key", secondary=True))

    def _found(self, s: BookingScreen, k: Look, lang: str) -> None:
        a = s.appointment
        if a is None:
            return
        lines = [label(tr("bk_matter", lang, v=a.matter_name), "body", k, bold=True, colour=GOLD),
                 label(tr("bk_slot", lang, date=a.date.isoformat(), start=a.slot_start, end=a.slot_end), "body", k),
                 label(tr("bk_holder", lang, v=a.holder_masked), "small", k)]
        if a.hall_name:
            lines.append(label(tr("bk_hall", lang, v=a.hall_name), "small", k))
        self.body.addWidget(card(*lines))
        self.body.addWidget(button(tr("bk_check_in", lang), "primary", k, self._do(self.booking.check_in),
                                   name="booking-check-in", height="menu"))

    def _refused(self, s: BookingScreen, k: Look, lang: str) -> None:
        a = s.appointment
        if a is not None:
            self.body.addWidget(card(label(tr("bk_matter", lang, v=a.matter_name), "body", k, bold=True),
                                     label(tr("bk_slot", lang, date=a.date.isoformat(), start=a.slot_start,
                                              end=a.slot_end), "small", k), border=WARN))
