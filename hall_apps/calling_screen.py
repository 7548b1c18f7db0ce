"""The calling screen (PySide6, full screen, readable from ten metres).

Main mode: the newest call very large (flashing for a few seconds when new), the current
ticket of every window, recent calls, waiting counts per service, a scrolling notice line and
the time. Window mode (--window N): one window's current ticket. It rebuilds at once from
the retained board after a restart or reconnect and says clearly when it has lost the
controller. Sizes are for 1920x1080; everything the hall reads from afar is >= 56 px.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from hall_apps.screen_model import ScreenModel
from hall_protocol.phrasing import call_text
from privacy import install_log_masking

BG, PANEL, FG, ACCENT, DIM, RED = "#0b1622", "#15263a", "#ffffff", "#ffcc00", "#9fb3c8", "#d32f2f"
BANNER = {
    "connecting": "正在连接叫号系统…　Connecting to the queue system…",
    "no_broker": "网络中断，正在重新连接叫号系统　Network lost, reconnecting",
    "no_controller": "与叫号服务器失去连接　Lost connection to the queue controller",
}


class _Bridge(QObject):
    changed = Signal()


def label(text: str = "", px: int = 32, color: str = FG, bold: bool = False, bg: str = "transparent") -> QLabel:
    w = QLabel(text)
    style(w, px, color, bold, bg)
    w.setAlignment(Qt.AlignCenter)
    return w


def style(w: QLabel, px: int, color: str = FG, bold: bool = False, bg: str = "transparent") -> None:
    w.setStyleSheet(f"color:{color}; background:{bg}; font-size:{px}px; {'font-weight:bold;' if bold else ''}")


class Marquee(QWidget):
    """A notice line that scrolls smoothly from right to left."""

    def __init__(self, px: int, color: str) -> None:
        super().__init__()
        self.text, self.color, self.offset = "", QColor(color), 0
        self.font_ = QFont(self.font())
        self.font_.setPixelSize(px)
        self.setFixedHeight(int(px * 1.6))
        timer = QTimer(self)
        timer.timeout.connect(self.step)
        timer.start(30)

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text, self.offset = text, 0
            self.update()

    def step(self) -> None:
        if self.text:
            self.offset += 3
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


class CallingScreen(QWidget):
    def __init__(self, model: ScreenModel, window: int | None = None, *,
                 now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self.model, self.window_no, self.now = model, window, now
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        model.listeners.append(self.bridge.changed.emit)
        self.setWindowTitle("叫号屏 Calling screen")
        self.resize(1920, 1080)
        self.setStyleSheet(f"background:{BG};")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 12, 24, 0)
        top = QHBoxLayout()
        self.title = label(px=48, bold=True)
        self.title.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.clock = label(px=48, color=DIM, bold=True)
        self.clock.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        top.addWidget(self.title, 1)
        top.addWidget(self.clock)
        root.addLayout(top)
        self.banner = label(px=48, bold=True, bg=RED)
        self.banner.setMinimumHeight(90)
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never widens the screen
        root.addWidget(self.banner)
        self.big = label(px=150 if window is None else 330, color=ACCENT, bold=True)
        self.big_en = label(px=52 if window is None else 64, color=FG)
        root.addWidget(self.big, 3)
        root.addWidget(self.big_en)
        middle = QHBoxLayout()
        self.cards = QGridLayout()
        self.cards.setSpacing(16)
        middle.addLayout(self.cards, 3)
        self.recent = QVBoxLayout()
        middle.addLayout(self.recent, 1)
        root.addLayout(middle, 4)
        self.waiting = label(px=44, color=FG, bold=True)
        root.addWidget(self.waiting)
        self.notice = Marquee(46, ACCENT)
        root.addWidget(self.notice)
        self.dynamic: list[QWidget] = []
        self._blink = False
        timer = QTimer(self)
        timer.timeout.connect(self._tick)
        timer.start(500)
        self.render()

    # -- periodic: clock and flash --------------------------------------------------------
    def _tick(self) -> None:
        b = self.model.board
        tz = datetime.fromisoformat(b.updated_at).tzinfo if b else None  # the hall's zone, not the host's
        self.clock.setText(self.now().astimezone(tz).strftime("%Y-%m-%d  %H:%M:%S"))
        self._blink = not self._blink if self.model.flashing() else False
        hero_px = 150 if self.window_no is None else 330
        if self._blink:
            style(self.big, hero_px, BG, True, ACCENT)
        else:
            style(self.big, hero_px, ACCENT if self.model.connected else DIM, True)

    # -- on every board or connection change ----------------------------------------------
    def render(self) -> None:
        m, b = self.model, self.model.board
        self.banner.setVisible(m.status != "ok")
        self.banner.setText(BANNER.get(m.status, ""))
        for w in self.dynamic:
            w.deleteLater()
        self.dynamic = []
        self._tick()
        if b is None:
            self.title.setText("叫号屏  Calling screen")
            self.big.setText("")
            self.big_en.setText("")
            self.waiting.setText("")
            return
        self.notice.set_text(b.notice)
        if self.window_no is not None:
            self._render_window(b)
        else:
            self._render_main(b)

    def _render_window(self, b) -> None:
        self.title.setText(f"{self.window_no} 号窗口  Window {self.window_no}　　{b.hall_name}")
        style(self.title, 64, FG, True)
        cur = next((c for c in b.current if c.window == self.window_no), None)
        ws = next((w for w in b.windows if w.window == self.window_no), None)
        if cur:
            self.big.setText(cur.ticket)
            self.big_en.setText(f"{cur.service_name}　　请到本窗口办理  Please come to this window")
        elif ws and ws.state == "paused":
            self.big.setText("暂停服务")
            self.big_en.setText(f"Paused　　{ws.reason or ''}")
        elif ws and ws.state == "closed":
            self.big.setText("窗口已关闭")
            self.big_en.setText("This window is closed")
        else:
            self.big.setText("请稍候")
            self.big_en.setText("Please wait for your number")
        self.waiting.setText("")

    def _render_main(self, b) -> None:
        self.title.setText(b.hall_name)
        newest = b.recent[0] if b.recent else None
        if newest:
            self.big.setText(call_text(newest.ticket, newest.window, "zh", short=True))
            self.big_en.setText(call_text(newest.ticket, newest.window, "en", short=True))
        else:
            self.big.setText("欢迎光临")
            self.big_en.setText("Welcome")
        current = {c.window: c for c in b.current}
        n = len(b.windows)
        cols = 4 if n <= 8 else 6
        rows = max(1, math.ceil(n / cols))
        scale = 1.0 if rows <= 2 else 0.7
        for c in range(cols):
            self.cards.setColumnStretch(c, 1 if c < min(cols, n) else 0)
        for i, ws in enumerate(b.windows):
            self._card(i // cols, i % cols, ws, current.get(ws.window), scale)
        head = label("最近呼叫 Recent", 36, DIM)
        self.recent.addWidget(head)
        self.dynamic.append(head)
        for c in b.recent[1:5]:
            row = label(f"{c.ticket}  →  {c.window} 号窗口", 52, FG, True)
            self.recent.addWidget(row)
            self.dynamic.append(row)
        stretch = QWidget()
        self.recent.addWidget(stretch, 1)
        self.dynamic.append(stretch)
        self.waiting.setText("等候 Waiting　" + "　　".join(
            f"{code} {b.services[code]} {b.waiting[code]}人" for code in b.waiting))

    def _card(self, row: int, col: int, ws, call, scale: float) -> None:
        card = QFrame()
        card.setStyleSheet(f"background:{PANEL}; border-radius:12px;")
        lay = QVBoxLayout(card)
        lay.addWidget(label(f"{ws.window} 号窗口  Window {ws.window}", int(32 * scale), DIM))
        if call:
            text, color = call.ticket, ACCENT if self.model.connected else DIM
        elif ws.state in ("paused", "closed"):
            text, color = ("暂停 Paused" if ws.state == "paused" else "关闭 Closed"), DIM
        else:
            text, color = "—", DIM
        lay.addWidget(label(text, int((110 if call else 60) * scale), color, True))
        lay.addWidget(label(call.service_name if call else (ws.reason or "") if ws.state == "paused" else "",
                            int(40 * scale), FG))
        self.cards.addWidget(card, row, col)
        self.dynamic.append(card)


def main(argv: list[str] | None = None) -> int:
    from hall_protocol.mqtt import Endpoint, tls_arguments, tls_from_args
    from qtkit.common import application
    ap = argparse.ArgumentParser(prog="calling-screen")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", default="screen-main", help="this screen's device id")
    ap.add_argument("--broker", default="127.0.0.1:1883")
    tls_arguments(ap)
    ap.add_argument("--window", type=int, help="window screen mode for one window")
    ap.add_argument("--controller-id", default="hall-controller")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    install_log_masking()  # every record masked (privacy.logs)
    app = application(sys.argv)
    host, port = args.broker.rsplit(":", 1)
    model = ScreenModel(args.hall, args.controller_id)
    ep = Endpoint(args.id, host, int(port), username=args.id, password=os.environ.get("HALL_MQTT_PASSWORD"),
                  tls=tls_from_args(ap, args))
    model.attach(ep)
    screen = CallingScreen(model, args.window)
    ep.start(timeout=0)  # keep retrying in the background; the banner says so meanwhile
    screen.showFullScreen()
    code = app.exec()
    ep.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
