"""The calling screen (PySide6, full screen, readable from ten metres).

Main mode: the newest call large, the current call of every window, recent calls, waiting
counts per service, a scrolling notice line and the time. Window mode (--window N): one
window's current ticket. It rebuilds at once from the retained board after a restart or
reconnect and shows clearly when it has lost the controller.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from hall_controller.screens.model import ScreenModel

BG, FG, ACCENT, DIM = "#101820", "#ffffff", "#ffcc00", "#8fa3b8"


class _Bridge(QObject):
    changed = Signal()


def label(text: str = "", px: int = 32, color: str = FG, bold: bool = False) -> QLabel:
    w = QLabel(text)
    w.setStyleSheet(f"color:{color}; font-size:{px}px; {'font-weight:bold;' if bold else ''}")
    w.setAlignment(Qt.AlignCenter)
    return w


class CallingScreen(QWidget):
    def __init__(self, model: ScreenModel, window: int | None = None) -> None:
        super().__init__()
        self.model, self.window_no = model, window
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        model.listeners.append(self.bridge.changed.emit)
        self.setWindowTitle("叫号屏 Calling screen")
        self.resize(1920, 1080)
        self.setStyleSheet(f"background:{BG};")
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = label(px=44, bold=True)
        self.title.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.clock = label(px=40, color=DIM)
        self.clock.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        top.addWidget(self.title, 1)
        top.addWidget(self.clock)
        root.addLayout(top)
        self.banner = label(px=40, bold=True)
        self.banner.setStyleSheet("background:#c62828; color:white; font-size:40px; font-weight:bold; padding:8px;")
        root.addWidget(self.banner)
        self.big = label(px=120 if window is None else 260, color=ACCENT, bold=True)
        root.addWidget(self.big, 2)
        self.grid = QGridLayout()
        root.addLayout(self.grid, 3)
        self.waiting = label(px=34, color=DIM)
        root.addWidget(self.waiting)
        self.notice = label(px=34, color=ACCENT)
        self.notice.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.notice.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        root.addWidget(self.notice)
        self._notice_offset = 0
        self.cells: list[QLabel] = []
        timer = QTimer(self)
        timer.timeout.connect(self._tick)
        timer.start(500)
        self.render()

    def _tick(self) -> None:
        b = self.model.board
        tz = datetime.fromisoformat(b.updated_at).tzinfo if b else None  # the hall's zone, not the host's
        self.clock.setText(datetime.now(tz).strftime("%Y-%m-%d  %H:%M:%S"))
        if b and b.notice:
            text = b.notice + "　　　　"
            self._notice_offset = (self._notice_offset + 1) % len(text)
            self.notice.setText((text[self._notice_offset:] + text[:self._notice_offset]) * 2)

    def render(self) -> None:
        m, b = self.model, self.model.board
        self.banner.setVisible(not m.connected)
        self.banner.setText("与叫号服务器失去连接，正在重新连接…  Connection to the queue server lost, reconnecting…"
                            if b is not None or not m.broker_up else "正在连接叫号服务器…  Connecting…")
        self._tick()
        for c in self.cells:
            c.deleteLater()
        self.cells = []
        if b is None:
            self.title.setText("叫号屏")
            self.big.setText("")
            return
        self.title.setText(b.hall_name if self.window_no is None else f"{b.hall_name} · {self.window_no} 号窗口")
        if self.window_no is not None:
            cur = next((c for c in b.current if c.window == self.window_no), None)
            ws = next((w for w in b.windows if w.window == self.window_no), None)
            if cur:
                self.big.setText(f"{cur.ticket}\n{cur.service_name}")
            elif ws and ws.state == "paused":
                self.big.setText(f"暂停服务\n{ws.reason or ''}")
            else:
                self.big.setText("请稍候")
            self.waiting.setText("")
            return
        newest = b.recent[0] if b.recent else None
        self.big.setText(f"请 {newest.ticket} 号到 {newest.window} 号窗口" if newest else "欢迎光临")
        header = ["窗口 Window", "当前号码 Now", "业务 Service"]
        for col, text in enumerate(header):
            cell = label(text, 30, DIM)
            self.grid.addWidget(cell, 0, col)
            self.cells.append(cell)
        current = {c.window: c for c in b.current}
        for row, ws in enumerate(b.windows, start=1):
            c = current.get(ws.window)
            texts = [f"{ws.window} 号", c.ticket if c else ("暂停" if ws.state == "paused" else "—"),
                     c.service_name if c else ""]
            for col, text in enumerate(texts):
                cell = label(text, 56 if col == 1 else 44, ACCENT if col == 1 and c else FG, bold=col == 1)
                self.grid.addWidget(cell, row, col)
                self.cells.append(cell)
        self.waiting.setText("等候人数  " + "    ".join(f"{code} {b.services[code]}：{n}" for code, n in b.waiting.items()))


def main(argv: list[str] | None = None) -> int:
    from hall_controller.mqtt import Endpoint
    from kiosk_app.qtcommon import application
    ap = argparse.ArgumentParser(prog="calling-screen")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", default="screen-main", help="this screen's device id")
    ap.add_argument("--broker", default="127.0.0.1:1883")
    ap.add_argument("--window", type=int, help="window screen mode for one window")
    ap.add_argument("--controller-id", default="hall-controller")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    app = application(sys.argv)
    host, port = args.broker.rsplit(":", 1)
    model = ScreenModel(args.hall, args.controller_id)
    ep = Endpoint(args.id, host, int(port), username=args.id, password=os.environ.get("HALL_MQTT_PASSWORD"))
    model.attach(ep)
    screen = CallingScreen(model, args.window)
    ep.start(timeout=0)  # keep retrying in the background; the banner says so meanwhile
    screen.showFullScreen()
    code = app.exec()
    ep.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
