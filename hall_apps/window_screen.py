"""The window screen (窗口屏): one window's screen above the counter, full screen, 1920x1080.

The current ticket very large with its service in Chinese and English, "暂停服务" with the reason
while the window is paused, and who serves here (亮证服务): the clerk's photo, name, staff number
and title from the window's clerk card (`hall/<hall>/state/clerk/<window>`), hidden while
nobody is signed in. Like the main screen it updates only what changed.
"""
from __future__ import annotations

import base64
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from hall_apps.screen_layout import MIN_EN_PX, MIN_PX
from hall_apps.screen_model import ScreenModel
from hall_apps.screen_widgets import ACCENT, BG, DIM, FG, PANEL, RED, Marquee, Styled, css, make_label, set_text
from hall_protocol.staff import StaffCard

BANNER = {
    "connecting": "正在连接叫号系统…　Connecting…",
    "no_broker": "网络中断，正在重新连接　Network lost, reconnecting",
    "no_controller": "与叫号服务器失去连接　Lost connection to the queue controller",
}
PHOTO_W, PHOTO_H = 240, 320


class _Bridge(QObject):
    changed = Signal()


class ClerkPanel(QFrame):
    """亮证服务: who serves at this window."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(f"ClerkPanel {{background:{PANEL}; border-radius:16px;}}")
        self.setFixedWidth(PHOTO_W + 200)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(2)
        box.addWidget(make_label("工作人员", MIN_PX, DIM, tight=True))
        box.addWidget(make_label("Your clerk", MIN_EN_PX, DIM, tight="en"))
        self.photo = QLabel()
        self.photo.setFixedSize(PHOTO_W, PHOTO_H)
        self.photo.setAlignment(Qt.AlignCenter)
        self.photo.setStyleSheet(f"background:{BG}; border-radius:8px;")
        box.addWidget(self.photo, 0, Qt.AlignHCenter)
        self.name = make_label("", 72, FG, True, tight=True)
        self.name_en = make_label("", MIN_EN_PX, DIM, tight="en")
        self.number = make_label("", MIN_PX, ACCENT, True, tight=True)
        self.title = make_label("", MIN_PX, FG, tight=True)
        self.title_en = make_label("", MIN_EN_PX - 4, DIM, tight="en")
        for w in (self.name, self.name_en, self.number, self.title, self.title_en):
            box.addWidget(w)
        box.addStretch(1)
        self._shown: tuple | None = None

    def show_card(self, card: StaffCard) -> None:
        key = (card.staff_id, card.name, card.title, len(card.photo_jpeg_b64 or ""))
        if key == self._shown:
            return
        self._shown = key
        set_text(self.name, card.name)
        set_text(self.name_en, card.name_en)
        self.name_en.setVisible(bool(card.name_en))
        set_text(self.number, f"工号 {card.staff_id}")
        set_text(self.title, card.title)
        set_text(self.title_en, card.title_en)
        pixmap = QPixmap()
        if card.photo_jpeg_b64 and pixmap.loadFromData(base64.b64decode(card.photo_jpeg_b64)):
            self.photo.setPixmap(pixmap.scaled(PHOTO_W, PHOTO_H, Qt.KeepAspectRatio, Qt.SmoothTransformation))
        else:
            self.photo.setPixmap(QPixmap())
            self.photo.setText("")


class WindowScreen(QWidget):
    def __init__(self, model: ScreenModel, window: int, *, now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self.model, self.window_no, self.now = model, window, now
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        model.listeners.append(self.bridge.changed.emit)
        self.setWindowTitle(f"{window} 号窗口 Window {window}")
        self.resize(1920, 1080)
        self.setStyleSheet(f"background:{BG};")
        root = QVBoxLayout(self)
        root.setContentsMargins(32, 12, 32, 0)
        top = QHBoxLayout()
        self.title = make_label(f"{window} 号窗口  Window {window}", 80, FG, True, align=Qt.AlignLeft | Qt.AlignVCenter,
                                tight=True)
        self.hall = make_label("", MIN_PX, DIM, align=Qt.AlignRight | Qt.AlignVCenter, tight=True)
        self.clock = make_label("", MIN_PX, DIM, True, align=Qt.AlignRight | Qt.AlignVCenter, tight=True)
        right = QVBoxLayout()
        right.addWidget(self.hall)
        right.addWidget(self.clock)
        top.addWidget(self.title, 1)
        top.addLayout(right)
        root.addLayout(top)
        self.banner = make_label("", MIN_PX, FG, True, RED)
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        root.addWidget(self.banner)
        body = QHBoxLayout()
        main = QVBoxLayout()
        self.big = make_label("", 330, ACCENT, True, tight=True)
        self.big_style = Styled(self.big)
        self.line1 = make_label("", 80, FG, True, tight=True)
        self.line2 = make_label("", MIN_PX + 8, FG, tight=True)
        self.line_en = make_label("", MIN_EN_PX + 8, DIM, tight="en")
        main.addStretch(1)
        for w in (self.big, self.line1, self.line2, self.line_en):
            main.addWidget(w)
        main.addStretch(1)
        self.waiting = make_label("", MIN_PX, DIM, True, tight=True)
        main.addWidget(self.waiting)
        body.addLayout(main, 1)
        self.clerk = ClerkPanel()
        body.addWidget(self.clerk, 0, Qt.AlignVCenter)
        root.addLayout(body, 1)
        self.notice = Marquee(MIN_PX, ACCENT)
        root.addWidget(self.notice)
        self._blink = False
        timer = QTimer(self)
        timer.timeout.connect(self._tick)
        timer.start(500)
        self.render()

    def _tick(self) -> None:
        b = self.model.board
        tz = datetime.fromisoformat(b.updated_at).tzinfo if b else None
        set_text(self.clock, self.now().astimezone(tz).strftime("%H:%M:%S"))
        cur = next((c for c in b.current if c.window == self.window_no), None) if b else None
        self._blink = not self._blink if (self.model.flashing() and cur is not None) else False
        paused = self.big.text() in ("暂停服务", "窗口已关闭", "请稍候")
        px = 200 if paused else 330
        self.big_style.set(css(px, BG, True, ACCENT) if self._blink
                           else css(px, DIM if paused or not self.model.connected else ACCENT, True))

    def render(self) -> None:
        m, b = self.model, self.model.board
        self.banner.setVisible(m.status != "ok")
        set_text(self.banner, BANNER.get(m.status, ""))
        self.clerk.setVisible(m.clerk is not None)
        if m.clerk is not None:
            self.clerk.show_card(m.clerk)
        if b is None:
            set_text(self.big, "")
            self._tick()
            return
        set_text(self.hall, b.hall_name)
        self.notice.set_text(b.notice)
        cur = next((c for c in b.current if c.window == self.window_no), None)
        ws = next((w for w in b.windows if w.window == self.window_no), None)
        if cur:
            service_en = b.services_en.get(cur.service, "")
            texts = (cur.ticket, cur.service_name, "请到本窗口办理",
                     f"{service_en} · please come to this window" if service_en else "Please come to this window")
        elif ws and ws.state == "paused":
            texts = ("暂停服务", ws.reason or "", "请稍候或到其他窗口办理", "Service paused · please wait or go to another window")
        elif ws and ws.state == "closed":
            texts = ("窗口已关闭", "", "请到其他窗口办理", "This window is closed · please go to another window")
        else:
            texts = ("请稍候", "", "请留意叫号", "Please wait for your number")
        for label, text in zip((self.big, self.line1, self.line2, self.line_en), texts):
            set_text(label, text)
        self.line1.setVisible(bool(texts[1]))
        view = m.view
        set_text(self.waiting, f"本窗口等候 {view.waiting_total} 人　Waiting for this window: {view.waiting_total}"
                 if view is not None else "")
        self._tick()
