"""The widgets of the hall's screens (calling screen, window screen): labels styled once, a
window card that redraws only when what it shows changed, a flow of chips that wraps, and the
scrolling notice. Nothing here knows MQTT."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget

from hall_apps.screen_layout import MIN_EN_PX, MIN_PX, Layout

BG, PANEL, FG, ACCENT, DIM, RED, GREEN = "#0b1622", "#15263a", "#ffffff", "#ffcc00", "#9fb3c8", "#d32f2f", "#2e7d32"
PAUSED_BG = "#3a2a10"


def css(px: int, color: str = FG, bold: bool = False, bg: str = "transparent", radius: int = 0) -> str:
    return (f"color:{color}; background:{bg}; font-size:{px}px; {'font-weight:bold;' if bold else ''}"
            f"{f'border-radius:{radius}px;' if radius else ''} padding:0px;")


def make_label(text: str = "", px: int = MIN_PX, color: str = FG, bold: bool = False, bg: str = "transparent",
               align=Qt.AlignCenter, tight: bool | str = False) -> QLabel:
    """`tight`: as high as the ink of a line of Chinese and digits needs (1.15 em), not the font's
    whole line (1.45 em for Noto CJK): a one-line label of a dense screen; "en": a line of Latin
    text with descenders (1.4 em)."""
    w = QLabel(text)
    w.setStyleSheet(css(px, color, bold, bg))
    w.setAlignment(align)
    if tight:
        w.setFixedHeight(tight_height(px, latin=tight == "en"))
    return w


def tight_height(px: int, latin: bool = False) -> int:
    return int(px * (1.4 if latin else 1.15) + 0.5)


def set_text(label: QLabel, text: str) -> bool:
    """Set a label's text only when it changed (a repaint costs; a board changes little)."""
    if label.text() == text:
        return False
    label.setText(text)
    return True


class Styled:
    """Remembers the style of a widget so that it is set (and the widget re-polished) only on change."""

    def __init__(self, widget: QWidget) -> None:
        self.widget, self.current = widget, ""

    def set(self, style: str) -> None:
        if style != self.current:
            self.current = style
            self.widget.setStyleSheet(style)


class WindowCard(QFrame):
    """One window on the main screen: its number, its current ticket (or paused / closed), and on
    large cards the service. `show(...)` redraws only when something it shows changed."""

    def __init__(self, window: int, layout: Layout) -> None:
        super().__init__()
        self.window, self.kind = window, layout.card
        self.frame_style = Styled(self)
        self.frame_style.set(f"WindowCard {{background:{PANEL}; border-radius:10px;}}")
        self.setObjectName(f"card-{window}")
        if layout.card == "large":
            box = QVBoxLayout(self)
            box.setContentsMargins(8, 4, 8, 4)
            self.label = make_label(f"{window} 号窗口", layout.label_px, DIM, tight=True)
            self.ticket = make_label("—", layout.ticket_px, DIM, True, tight=True)
            self.service = make_label("", layout.service_px, FG, tight=True)
            for w in (self.label, self.ticket, self.service):
                box.addWidget(w)
        else:
            box = QHBoxLayout(self)
            box.setContentsMargins(4, 0, 6, 0)
            box.setSpacing(4)
            self.label = make_label(str(window), layout.label_px, BG, True, DIM, tight=True)
            self.label.setStyleSheet(css(layout.label_px, BG, True, DIM, 8))
            self.label.setMinimumWidth(int(layout.label_px * 1.2))
            self.ticket = make_label("—", layout.ticket_px, DIM, True, align=Qt.AlignRight | Qt.AlignVCenter,
                                     tight=True)
            self.service = None
            box.addWidget(self.label)
            box.addWidget(self.ticket, 1)
        self.ticket_px, self.service_px = layout.ticket_px, layout.service_px
        self.ticket_style = Styled(self.ticket)
        self._key: tuple | None = None
        self.redraws = 0

    def show_state(self, state: str, ticket: str | None, service_name: str, reason: str | None,
                   connected: bool) -> bool:
        """True when the card changed."""
        key = (state, ticket, service_name, reason, connected)
        if key == self._key:
            return False
        self._key = key
        self.redraws += 1
        if ticket:
            text, color = ticket, ACCENT if connected else DIM
        elif state == "paused":
            text, color = "暂停", DIM
        elif state == "closed":
            text, color = "关闭", DIM
        else:
            text, color = "—", DIM
        px = self.ticket_px if ticket or self.kind == "line" else max(MIN_PX, self.ticket_px // 2)
        set_text(self.ticket, text)
        self.ticket_style.set(css(px, color, True))
        self.frame_style.set(f"WindowCard {{background:{PAUSED_BG if state == 'paused' else PANEL}; "
                             "border-radius:10px;}")
        if self.service is not None:
            set_text(self.service, service_name if ticket else (reason or "") if state == "paused" else "")
        return True


class FlowRow(QLayout):
    """Lays its widgets out left to right and wraps to the next line when one does not fit."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 28) -> None:
        super().__init__(parent)
        self.items: list = []
        self.gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:  # noqa: N802 (Qt naming)
        self.items.append(item)

    def count(self) -> int:
        return len(self.items)

    def itemAt(self, i: int):  # noqa: N802
        return self.items[i] if 0 <= i < len(self.items) else None

    def takeAt(self, i: int):  # noqa: N802
        return self.items.pop(i) if 0 <= i < len(self.items) else None

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self.items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self.items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line:
                x, y, line = rect.x(), y + line + self.gap // 2, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.gap
            line = max(line, hint.height())
        return y + line - rect.y()


class Chip(QWidget):
    """A Chinese line with an English line under it (a waiting count, a service)."""

    def __init__(self, zh: str, en: str, px: int = MIN_PX, color: str = FG) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.zh = make_label(zh, px, color, True, align=Qt.AlignLeft | Qt.AlignVCenter, tight=True)
        self.en = make_label(en, MIN_EN_PX, DIM, align=Qt.AlignLeft | Qt.AlignVCenter, tight="en")
        for w in (self.zh, self.en):
            w.setContentsMargins(4, 0, 6, 0)  # bold glyphs reach a little past their advance
        box.addWidget(self.zh)
        box.addWidget(self.en)
        self.en.setVisible(bool(en))


class Marquee(QWidget):
    """A notice line that scrolls from right to left; it repaints only its own strip, and only
    while it has a text."""

    def __init__(self, px: int, color: str, fps: int = 25) -> None:
        super().__init__()
        self.text, self.color, self.offset = "", QColor(color), 0
        self.font_ = QFont(self.font())
        self.font_.setPixelSize(px)
        self.setFixedHeight(tight_height(px))
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.step_px = max(1, round(90 / fps))  # about 90 px a second whatever the frame rate
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.step)
        self.timer.setInterval(1000 // fps)

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text, self.offset = text, 0
            self.update()
        if text and not self.timer.isActive():
            self.timer.start()
        elif not text:
            self.timer.stop()

    def step(self) -> None:
        if self.text:
            self.offset += self.step_px
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self.text:
            return
        p = QPainter(self)
        p.setFont(self.font_)
        p.setPen(self.color)
        gap = "　" * 6
        width = p.fontMetrics().horizontalAdvance(self.text + gap)
        x = -(self.offset % max(width, 1))
        while x < self.width():
            p.drawText(x, 0, width, self.height(), Qt.AlignVCenter | Qt.AlignLeft, self.text + gap)
            x += width
        p.end()
