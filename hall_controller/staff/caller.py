"""The window caller for staff: a small Qt window, or one command from the shell.

    window-caller --hall demo-hall --id caller-w1 --window 1              # the window
    window-caller --hall demo-hall --id caller-w1 --window 1 call_next    # one command
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from hall_controller.mqtt import Endpoint, MqttError
from hall_controller.staff.client import CallerClient, CallerError

ACTIONS = ["call_next", "recall", "start", "finish", "no_show", "transfer", "pause", "resume", "call", "cancel", "status"]
PAUSE_REASONS = ["午休 Lunch", "临时离开 Away", "业务咨询 Consulting", "系统故障 System fault"]


def build_window(client: CallerClient, endpoint: Endpoint, hall_services: dict[str, str]):
    from PySide6.QtCore import QObject, QTimer, Signal
    from PySide6.QtWidgets import (
        QComboBox, QGridLayout, QLabel, QListWidget, QMessageBox, QPushButton, QVBoxLayout, QWidget,
    )

    from hall_controller import contract

    class Bridge(QObject):
        board = Signal(dict)
        link = Signal(bool)

    class CallerWindow(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.setWindowTitle(f"{client.window} 号窗口 呼叫器")
            self.resize(560, 720)
            self.bridge = Bridge()
            self.bridge.board.connect(self.on_board)
            self.bridge.link.connect(self.on_link)
            lay = QVBoxLayout(self)
            self.link = QLabel()
            lay.addWidget(self.link)
            self.current = QLabel("当前：—")
            self.current.setStyleSheet("font-size:40px; font-weight:bold;")
            lay.addWidget(self.current)
            self.timer_label = QLabel("")
            lay.addWidget(self.timer_label)
            grid = QGridLayout()
            names = {"call_next": "下一位 Next", "recall": "重呼 Recall", "start": "开始 Start",
                     "finish": "完成 Finish", "no_show": "未到 No-show", "resume": "恢复 Resume"}
            for i, (action, text) in enumerate(names.items()):
                b = QPushButton(text)
                b.setMinimumHeight(64)
                b.clicked.connect(lambda _=False, a=action: self.run(a))
                grid.addWidget(b, i // 2, i % 2)
            self.reason = QComboBox()
            self.reason.addItems(PAUSE_REASONS)
            pause = QPushButton("暂停 Pause")
            pause.clicked.connect(lambda: self.run("pause", reason=self.reason.currentText()))
            grid.addWidget(self.reason, 3, 0)
            grid.addWidget(pause, 3, 1)
            self.service = QComboBox()
            self.service.addItems([f"{c} {n}" for c, n in hall_services.items()])
            transfer = QPushButton("转移 Transfer")
            transfer.clicked.connect(lambda: self.run("transfer", to_service=self.service.currentText()[0]))
            grid.addWidget(self.service, 4, 0)
            grid.addWidget(transfer, 4, 1)
            lay.addLayout(grid)
            lay.addWidget(QLabel("等候 Waiting"))
            self.waiting = QListWidget()
            self.waiting.itemDoubleClicked.connect(lambda item: self.run("call", ticket=item.text().split()[0]))
            lay.addWidget(self.waiting, 1)
            self.called_at: float | None = None
            t = QTimer(self)
            t.timeout.connect(self.tick)
            t.start(1000)
            endpoint.subscribe(contract.BOARD.format(hall=client.hall), lambda m: self.bridge.board.emit(json.loads(m.payload)))
            endpoint.on_connection_change = self.bridge.link.emit
            self.on_link(endpoint.connected.is_set())

        def on_link(self, up: bool) -> None:
            self.link.setText("● 已连接 Connected" if up else "● 未连接 — 操作暂不可用 Disconnected")
            self.link.setStyleSheet(f"font-size:20px; color:{'#2e7d32' if up else '#c62828'}; font-weight:bold;")

        def run(self, action: str, **kw) -> None:
            try:
                data = client.command(action, **kw)
            except (CallerError, MqttError) as err:
                QMessageBox.warning(self, "操作失败", str(err))
                return
            t = data.get("ticket")
            if t and t["state"] in ("called", "serving"):
                self.current.setText(f"当前：{t['number']}")
                self.called_at = time.monotonic() if action in ("call_next", "call") else self.called_at
            elif action != "recall":
                self.current.setText("当前：—")
                self.called_at = None

        def tick(self) -> None:
            if self.called_at is not None:
                s = int(time.monotonic() - self.called_at)
                self.timer_label.setText(f"已用时 {s // 60:02d}:{s % 60:02d}")
            else:
                self.timer_label.setText("")

        def on_board(self, board: dict) -> None:
            self.waiting.clear()
            for code, n in board.get("waiting", {}).items():
                self.waiting.addItem(f"{code} {board.get('services', {}).get(code, '')}：{n}")

    return CallerWindow()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="window-caller")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", required=True, help="this caller's device id")
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--broker", default="127.0.0.1:1883")
    ap.add_argument("--clerk")
    ap.add_argument("action", nargs="?", choices=ACTIONS)
    ap.add_argument("--ticket")
    ap.add_argument("--reason")
    ap.add_argument("--to-service")
    ap.add_argument("--to-window", type=int)
    args = ap.parse_args(argv)
    host, port = args.broker.rsplit(":", 1)
    ep = Endpoint(args.id, host, int(port), username=args.id, password=os.environ.get("HALL_MQTT_PASSWORD"))
    client = CallerClient(ep, args.hall, args.window, args.clerk)
    try:
        ep.start()
    except MqttError as err:
        print(f"window-caller: {err}", file=sys.stderr)
        return 69
    try:
        if args.action:
            kw = {k: v for k, v in dict(ticket=args.ticket, reason=args.reason, to_service=args.to_service,
                                          to_window=args.to_window).items() if v is not None}
            try:
                print(json.dumps(client.command(args.action, **kw), ensure_ascii=False))
            except (CallerError, MqttError) as err:
                print(f"window-caller: {err}", file=sys.stderr)
                return 1
            return 0
        from kiosk_app.qtcommon import application
        app = application(sys.argv)
        w = build_window(client, ep, {})
        w.show()
        return app.exec()
    finally:
        ep.stop()


if __name__ == "__main__":
    sys.exit(main())
