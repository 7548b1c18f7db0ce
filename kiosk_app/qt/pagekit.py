"""Small Qt helpers shared by the kiosk's service pages: big buttons, text, lists rebuilt on
every render, sizes scaled for the elderly mode. Rendering only: no logic here."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk_app.qt.theme import (CARD, CARD_BORDER, GAP, GOLD, GOOD, NORMAL, SMALL_RADIUS,  # noqa: F401
                                 WARN, WHITE, Look, button_css, mark)


def font(role: str, look: Look, bold: bool = False) -> str:
    return look.font(role, bold)


def label(text: str, role: str, look: Look, *, bold: bool = False, colour: str = WHITE,
          align=Qt.AlignLeft) -> QLabel:
    w = QLabel(text)
    w.setWordWrap(True)
    w.setAlignment(align | Qt.AlignVCenter)
    w.setStyleSheet(font(role, look, bold) + f"color:{colour};")
    return mark(w, role)


def button(text: str, role: str, look: Look, on_click: Callable[[], None], *, name: str = "",
           secondary: bool = False, height: str = "target", kind: str = "", wrap: int = 0) -> QPushButton:
    """A button of the theme: text of `role`, at least the mode's touch target of `height`
    (kiosk_app/qt/theme.py TARGET) both ways; its lines broken at spaces to `wrap` px when given."""
    if wrap:
        base = QFont()
        text = "\n".join(wrap_line(line, base, wrap, look.px(role)) for line in text.split("\n"))
    b = QPushButton(text.replace("&", "&&"))
    if name:
        b.setObjectName(name)
    b.setMinimumHeight(look.target(height))
    b.setMinimumWidth(look.target(height))
    b.setStyleSheet(button_css(look, role, kind=kind or ("secondary" if secondary else "primary")))
    b.ensurePolished()
    b.setMinimumHeight(max(look.target(height), b.sizeHint().height()))    # every line of its text shown
    b.clicked.connect(lambda _=False: on_click())
    return mark(b, role)


def clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:       # may be the button being clicked: hidden and renamed now, deleted later
            w.hide()
            for named in (w, *w.findChildren(QWidget)):
                named.setObjectName("")
            w.deleteLater()
        elif item.layout() is not None:
            clear(item.layout())


def wrap_line(line: str, base: QFont, width: int, px: int) -> str:
    """`line` broken at spaces into lines no wider than `width` at `px` (bold); a word longer
    than the width stays whole (the accessibility audit reports it)."""
    f = QFont(base)
    f.setBold(True)
    f.setPixelSize(px)
    metrics = QFontMetrics(f)
    if metrics.horizontalAdvance(line) <= width or " " not in line:
        return line
    first, *words = line.split(" ")
    out, current = [], first
    for word in words:
        candidate = f"{current} {word}"
        if word and current.strip() and metrics.horizontalAdvance(candidate) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    out.append(current)
    return "\n".join(out)


class _WrapFitter(QObject):
    """Qt's layouts (a scroll area's content, a page squeezed by a short panel) do not always ask
    a wrapped label how tall it must be at its width, so a long line would be cut: after each
    layout of the watched widget every wrapped label in it is given the height its text needs."""

    def __init__(self, watched: QWidget) -> None:
        super().__init__(watched)
        self.watched, self._pending = watched, False
        watched.installEventFilter(self)

    def eventFilter(self, obj, e) -> bool:  # noqa: N802 (Qt's name)
        if e.type() in (QEvent.LayoutRequest, QEvent.Resize) and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self._fit)
        return False

    def _fit(self) -> None:
        self._pending = False
        for w in self.watched.findChildren(QLabel):
            if w.wordWrap() and w.isVisible() and w.width() > 0:
                needed = w.heightForWidth(w.width())
                if needed > 0 and w.minimumHeight() != needed:
                    w.setMinimumHeight(needed)


def fit_wrapped(widget: QWidget) -> QWidget:
    """Keep every wrapped label in `widget` as tall as its text (see _WrapFitter)."""
    _WrapFitter(widget)
    return widget


def scroll_box() -> tuple[QScrollArea, QVBoxLayout]:
    """A scrolling column for lists that may be longer than the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setStyleSheet("QScrollArea{border:none; background:transparent;}")
    inner = fit_wrapped(QWidget())
    inner.setStyleSheet("background:transparent;")
    col = QVBoxLayout(inner)
    col.setSpacing(GAP)
    col.setAlignment(Qt.AlignTop)
    area.setWidget(inner)
    return area, col


def card(*widgets: QWidget, border: str = CARD_BORDER) -> QWidget:
    """A framed block holding one item (an appointment, a licence, a guide section)."""
    box = QWidget()
    box.setObjectName("card")
    box.setStyleSheet(f"QWidget#card{{background:{CARD}; border:3px solid {border}; border-radius:{SMALL_RADIUS}px;}}")
    lay = QVBoxLayout(box)
    lay.setContentsMargins(GAP, GAP // 2, GAP, GAP // 2)
    for w in widgets:
        if isinstance(w, QLayout):
            lay.addLayout(w)
        else:
            lay.addWidget(w)
    return box
