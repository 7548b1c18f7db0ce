"""The technician page (kiosk_app/technician.py behind it): a PIN pad, then each device's state
and counters with test print, test read, test speech and "send logs". It lies over the whole
kiosk window; "close" returns to the citizen's pages. Device work runs off the UI thread."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from kiosk_app.technician import Technician

CSS = ("QWidget{background:#263238; color:white; font-size:26px;}"
       "QPushButton{background:#546e7a; border-radius:10px; min-height:64px;}")


class _Bridge(QObject):
    done = Signal(str)


class TechnicianPage(QWidget):
    def __init__(self, technician: Technician, window: QWidget, run) -> None:
        super().__init__(window)
        self.technician, self.run = technician, run
        self.bridge = _Bridge(self)
        self.bridge.done.connect(self._done)
        self.setObjectName("technician")
        self.setStyleSheet(CSS)
        self.setAutoFillBackground(True)
        lay = QVBoxLayout(self)
        title = QLabel("技术人员 Technician")
        title.setAlignment(Qt.AlignCenter)
        lay.addWidget(title)
        # -- the PIN pad
        self.pin_box = QWidget()
        pin_lay = QVBoxLayout(self.pin_box)
        self.pin = QLineEdit()
        self.pin.setObjectName("technician-pin")
        self.pin.setEchoMode(QLineEdit.Password)
        self.pin.setAlignment(Qt.AlignCenter)
        pin_lay.addWidget(self.pin)
        grid = QGridLayout()
        for i, key in enumerate("123456789C0"):
            b = QPushButton(key)
            b.clicked.connect(lambda _=False, k=key: self._key(k))
            grid.addWidget(b, i // 3, i % 3)
        self.ok = QPushButton("确定 OK")
        self.ok.setObjectName("technician-ok")
        self.ok.clicked.connect(self.submit)
        grid.addWidget(self.ok, 3, 2)
        pin_lay.addLayout(grid)
        lay.addWidget(self.pin_box)
        # -- the devices and the tests
        self.panel = QWidget()
        panel_lay = QVBoxLayout(self.panel)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("technician-devices")
        self.table.setHorizontalHeaderLabels(["设备 device", "状态 state", "处理 action", "计数 counters"])
        self.table.horizontalHeader().setStretchLastSection(True)
        panel_lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.actions: dict[str, QPushButton] = {}
        for name, text, fn in (("print", "测试打印 Test print", technician.test_print),
                               ("read", "测试读卡 Test read", technician.test_read),
                               ("speech", "测试语音 Test speech", technician.test_speech),
                               ("logs", "发送日志 Send logs", lambda: f"logs: {technician.send_logs()}"),
                               ("refresh", "刷新 Refresh", lambda: "")):
            b = QPushButton(text)
            b.setObjectName(f"technician-{name}")
            b.clicked.connect(lambda _=False, f=fn: self._start(f))
            row.addWidget(b)
            self.actions[name] = b
        panel_lay.addLayout(row)
        lay.addWidget(self.panel, 1)
        self.message = QLabel()
        self.message.setObjectName("technician-message")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        close = QPushButton("关闭 Close")
        close.setObjectName("technician-close")
        close.clicked.connect(self.close_page)
        lay.addWidget(close)
        window.installEventFilter(self)   # follows the window's size
        self.hide()

    @property
    def unlocked(self) -> bool:
        return self.panel.isVisibleTo(self) and self.isVisible()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def open_page(self) -> None:
        """After the long press: the PIN pad."""
        self.pin.clear()
        self.message.setText("请输入技术人员密码 Enter the technician PIN")
        self.pin_box.show()
        self.panel.hide()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def close_page(self) -> None:
        self.pin.clear()
        self.panel.hide()
        self.hide()

    def _key(self, key: str) -> None:
        if key == "C":
            self.pin.clear()
        elif len(self.pin.text()) < 12:
            self.pin.setText(self.pin.text() + key)

    def submit(self) -> None:
        pin, _ = self.pin.text(), self.pin.clear()
        if self.technician.unlock(pin, time.monotonic()):
            self.pin_box.hide()
            self.panel.show()
            self.refresh()
            self.message.setText("")
        else:
            self.message.setText("密码错误 Wrong PIN")

    def refresh(self) -> None:
        rows = self.technician.devices()
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            counters = ", ".join(f"{k} {v}" for k, v in sorted(r.counters.items()))
            state = r.state + (f" ({', '.join(r.details)})" if r.details else "")
            for j, text in enumerate((r.part, state, r.action, counters)):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def _start(self, fn) -> None:
        self.message.setText("…")
        self.run(lambda: self.bridge.done.emit(fn()))

    def _done(self, text: str) -> None:
        self.message.setText(text)
        if self.unlocked:
            self.refresh()

