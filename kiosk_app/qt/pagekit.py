"""Small Qt helpers shared by the kiosk's service pages: big buttons, text, lists rebuilt on
every render, sizes scaled for the elderly mode. Rendering only: no logic here."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

BG = "#0b3d91"
GOLD = "#ffd54f"
WARN = "#ffab91"
GOOD = "#a5d6a7"
BUTTON = ("QPushButton{background:white; color:%s; border-radius:20px; padding:12px; %s}"
          "QPushButton:pressed{background:%s;} QPushButton:disabled{background:#8fa6cf; color:#33415c;}")
SECONDARY = "QPushButton{background:#1565c0; color:white; border-radius:16px; padding:10px; %s}"


def font(px: float, scale: float, bold: bool = False) -> str:
    return f"font-size:{int(px * scale)}px; {'font-weight:bold;' if bold else ''}"


def label(text: str, px: float, scale: float, *, bold: bool = False, colour: str = "white",
          align=Qt.AlignLeft) -> QLabel:
    w = QLabel(text)
    w.setWordWrap(True)
    w.setAlignment(align | Qt.AlignVCenter)
    w.setStyleSheet(font(px, scale, bold) + f"color:{colour};")
    return w


def button(text: str, px: float, scale: float, on_click: Callable[[], None], *, name: str = "",
           secondary: bool = False, height: int = 90, width: int = 0) -> QPushButton:
    b = QPushButton(text.replace("&", "&&"))
    if name:
        b.setObjectName(name)
    b.setMinimumHeight(int(height * scale))
    if width:
        b.setMinimumWidth(int(width * scale))
    b.setStyleSheet((SECONDARY % font(px, scale, True)) if secondary else (BUTTON % (BG, font(px, scale, True), GOLD)))
    b.clicked.connect(lambda _=False: on_click())
    return b


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


def scroll_box() -> tuple[QScrollArea, QVBoxLayout]:
    """A scrolling column for lists that may be longer than the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setStyleSheet("QScrollArea{border:none; background:transparent;}")
    inner = QWidget()
    inner.setStyleSheet("background:transparent;")
    col = QVBoxLayout(inner)
    col.setSpacing(18)
    col.setAlignment(Qt.AlignTop)
    area.setWidget(inner)
    return area, col


def card(*widgets: QWidget, border: str = "#5c7fc0") -> QWidget:
    """A framed block holding one item (an appointment, a licence, a guide section)."""
    box = QWidget()
    box.setObjectName("card")
    box.setStyleSheet(f"QWidget#card{{background:#0e4aa8; border:2px solid {border}; border-radius:16px;}}")
    lay = QVBoxLayout(box)
    lay.setContentsMargins(20, 14, 20, 14)
    for w in widgets:
        if isinstance(w, QLayout):
            lay.addLayout(w)
        else:
            lay.addWidget(w)
    return box
