"""The window caller for staff: a small Qt window, or one command from the shell.

    window-caller --hall demo-hall --id caller-w1 --window 1              # the window
    window-caller --hall demo-hall --id caller-w1 --window 1 call_next    # one command

The window only renders `CallerModel` (hall_apps/caller_model.py) and sends intents;
Chinese first, English with one button.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from hall_apps.caller_model import CallerClient, CallerError, CallerModel
from hall_protocol.mqtt import Endpoint, MqttError, tls_arguments, tls_from_args
from privacy import install_log_masking

ACTIONS = ["call_next", "recall", "start", "finish", "no_show", "transfer", "pause", "resume", "call", "cancel",
           "open", "close", "status"]
PAUSE_REASONS = ["午休 Lunch", "临时离开 Away", "业务咨询 Consulting", "系统故障 System fault", "培训会议 Meeting"]

T = {  # key: (Chinese, English)
    "title": ("{w} 号窗口 呼叫器", "Window {w} caller"),
    "lang": ("English", "中文"),
    "online": ("● 已连接叫号服务器", "● Connected to the queue controller"),
    "no_broker": ("未连接网络（消息服务器），操作暂不可用，正在重连…", "No connection to the broker; operations unavailable, reconnecting…"),
    "no_controller": ("叫号服务器离线，操作暂不可用", "The queue controller is offline; operations unavailable"),
    "none": ("当前：无", "Current: none"),
    "current": ("当前：{n}", "Current: {n}"),
    "called": ("已叫号 {c}", "Called {c} ago"),
    "serving": ("办理中 {s}（叫号后 {c}）", "Serving for {s} (called {c} ago)"),
    "recalls": ("已重呼 {n} 次", "Recalled {n}×"),
    "paused": ("暂停中：{r}", "Paused: {r}"),
    "call_next": ("下一位", "Next"), "recall": ("重呼", "Recall"), "start": ("开始办理", "Start"),
    "finish": ("办结", "Finish"), "no_show": ("未到", "No-show"), "transfer": ("转移…", "Transfer…"),
    "pause": ("暂停", "Pause"), "resume": ("恢复服务", "Resume"), "call": ("呼叫此号", "Call this"),
    "cancel": ("取消此号", "Cancel ticket"), "open": ("签到开窗", "Open window"), "close": ("签退关窗", "Close window"),
    "closed": ("窗口已关闭", "Window closed"),
    "requeue": ("未到后重新排队", "Re-queue a no-show"),
    "reason": ("暂停原因（可选择或输入）", "Pause reason (choose or type)"),
    "need_reason": ("请选择或输入暂停原因", "Choose or type a pause reason"),
    "waiting": ("等候（按本窗口叫号顺序）{n} 人", "Waiting, in this window's calling order: {n}"),
    "number": ("号码，如 A012", "Number, e.g. A012"),
    "to_service": ("转到业务", "To service"), "to_window": ("转到窗口", "To window"),
    "any_window": ("任意窗口", "Any window"), "front": ("排到最前", "To the front"),
    "minutes": ("{m} 分钟", "{m} min"),
}
PRIORITY = {"appointment": ("预约", "appointment"), "green": ("绿色通道", "priority"),
            "returning": ("转入", "transferred"), "front": ("优先", "front")}


def mmss(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds // 60:02d}:{seconds % 60:02d}"


def build_window(client: CallerClient, endpoint: Endpoint, hall_services: dict[str, str] | None = None, *,
                 reasons: list[str] | None = None, controller_id: str = "hall-controller"):
    """The Qt caller window for one window; the model is attached to `endpoint`."""
    from PySide6.QtCore import QObject, Qt, QTimer, Signal
    from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout,
                                   QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                                   QVBoxLayout, QWidget)

    class Bridge(QObject):
        changed = Signal()

    class TransferDialog(QDialog):
        def __init__(self, parent: "CallerWindow") -> None:
            super().__init__(parent)
            tr, m = parent.tr_, parent.model
            self.setWindowTitle(tr("transfer"))
            form = QFormLayout(self)
            self.service = QComboBox()
            for code, name in m.services.items():
                self.service.addItem(f"{code} {name}", code)
            current = (m.ticket or {}).get("service")
            if current in m.services:
                self.service.setCurrentIndex(list(m.services).index(current))
            self.window = QComboBox()
            self.window.addItem(tr("any_window"), None)
            for w in m.windows:
                if w != client.window:
                    self.window.addItem(f"{w}", w)
            self.front = QCheckBox(tr("front"))
            form.addRow(tr("to_service"), self.service)
            form.addRow(tr("to_window"), self.window)
            form.addRow(self.front)
            self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
            self.buttons.accepted.connect(self.accept)
            self.buttons.rejected.connect(self.reject)
            form.addRow(self.buttons)

        def command(self) -> dict:
            kw = {"to_service": self.service.currentData(), "front": self.front.isChecked()}
            if self.window.currentData() is not None:
                kw["to_window"] = self.window.currentData()
            return kw

    class CallerWindow(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.model = CallerModel(client, controller_id)
            self.model.services = dict(hall_services or {})
            self.bridge = Bridge(self)
            self.bridge.changed.connect(self.render)
            self.model.listeners.append(self.bridge.changed.emit)
            self.transfer_dialog: TransferDialog | None = None
            self.resize(640, 900)
            lay = QVBoxLayout(self)
            top = QHBoxLayout()
            self.heading = QLabel()
            self.heading.setStyleSheet("font-size:22px; font-weight:bold;")
            top.addWidget(self.heading)
            self.link = QLabel()
            self.link.setWordWrap(True)
            self.lang = QPushButton()
            self.lang.clicked.connect(self.toggle_language)
            top.addStretch(1)
            top.addWidget(self.lang)
            lay.addLayout(top)
            lay.addWidget(self.link)
            self.current = QLabel()
            self.current.setStyleSheet("font-size:44px; font-weight:bold;")
            self.detail = QLabel()
            self.detail.setStyleSheet("font-size:20px;")
            lay.addWidget(self.current)
            lay.addWidget(self.detail)
            grid = QGridLayout()
            self.buttons: dict[str, QPushButton] = {}
            for i, action in enumerate(["call_next", "recall", "start", "finish", "no_show", "transfer"]):
                self._button(action, grid, i // 2, i % 2)
            self.requeue = QCheckBox()
            grid.addWidget(self.requeue, 3, 0)
            self.reason = QComboBox()
            self.reason.setEditable(True)
            self.reason.addItems(reasons or PAUSE_REASONS)
            self.reason_label = QLabel()
            grid.addWidget(self.reason_label, 4, 0, 1, 2)
            grid.addWidget(self.reason, 5, 0)
            self._button("pause", grid, 5, 1)
            self._button("resume", grid, 6, 0)
            self._button("open", grid, 6, 1)
            self._button("close", grid, 7, 0, 1, 2)
            lay.addLayout(grid)
            self.waiting_label = QLabel()
            lay.addWidget(self.waiting_label)
            self.waiting = QListWidget()
            self.waiting.setStyleSheet("font-size:20px;")
            self.waiting.setMinimumHeight(260)
            self.waiting.currentItemChanged.connect(self._picked)
            self.waiting.itemDoubleClicked.connect(lambda item: self.act("call"))
            lay.addWidget(self.waiting, 1)
            pick = QHBoxLayout()
            self.number = QLineEdit()
            self.number.textChanged.connect(lambda _t: self.render())
            pick.addWidget(self.number, 1)
            for action in ("call", "cancel"):
                self._button(action, None, 0, 0)
                self.buttons[action].setMinimumHeight(40)
                pick.addWidget(self.buttons[action])
            lay.addLayout(pick)
            self.error = QLabel()
            self.error.setWordWrap(True)
            self.error.setStyleSheet("color:#c62828; font-size:18px; font-weight:bold;")
            lay.addWidget(self.error)
            t = QTimer(self)
            t.timeout.connect(self.render_timer)
            t.start(1000)
            self.model.attach(endpoint)
            self.render()

        def _button(self, action: str, grid, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
            b = QPushButton()
            b.setMinimumHeight(60)
            b.setStyleSheet("font-size:20px;")
            b.clicked.connect(lambda _=False, a=action: self.act(a))
            self.buttons[action] = b
            if grid is not None:
                grid.addWidget(b, row, col, rows, cols)

        def tr_(self, key: str, **kw) -> str:
            text = T[key][0 if self.model.lang == "zh" else 1]
            return text.format(**kw) if kw else text

        def selected_ticket(self) -> str:
            return self.number.text().strip().upper()

        def _picked(self, item: QListWidgetItem | None) -> None:
            if item is not None:
                self.number.setText(item.data(Qt.UserRole))

        def toggle_language(self) -> None:
            self.model.lang = "en" if self.model.lang == "zh" else "zh"
            self.render()

        # -- intents ---------------------------------------------------------------------
        def act(self, action: str) -> None:
            if not self.model.can(action, self.selected_ticket()):
                return
            if action == "transfer":
                self.transfer_dialog = TransferDialog(self)
                self.transfer_dialog.accepted.connect(
                    lambda: self.run("transfer", **self.transfer_dialog.command()))
                self.transfer_dialog.open()
            elif action == "pause":
                reason = self.reason.currentText().strip()
                if not reason:
                    self.model.error = self.tr_("need_reason")
                    self.render()
                    return
                self.run("pause", reason=reason[:100])
            elif action in ("call", "cancel"):
                if self.run(action, ticket=self.selected_ticket()):
                    self.number.clear()
            elif action == "no_show" and self.requeue.isChecked():
                self.run("no_show", requeue=True)
            else:
                self.run(action)

        def run(self, action: str, **kw) -> bool:
            return self.model.run(action, **kw)

        # -- rendering -------------------------------------------------------------------
        def render(self) -> None:
            m, tr = self.model, self.tr_
            self.setWindowTitle(tr("title", w=client.window))
            self.heading.setText(tr("title", w=client.window) + (f" · {client.clerk}" if client.clerk else ""))
            self.lang.setText(tr("lang"))
            if m.connected:
                self.link.setText(tr("online"))
                self.link.setStyleSheet("color:#2e7d32; font-size:18px; font-weight:bold;")
            else:
                self.link.setText(tr("no_broker" if not m.broker_up else "no_controller"))
                self.link.setStyleSheet("background:#c62828; color:white; font-size:22px; font-weight:bold;"
                                        " padding:10px;")
            self.current.setText(tr("current", n=m.ticket["number"]) if m.ticket else tr("none"))
            self.render_timer()
            for action, b in self.buttons.items():
                b.setText(tr(action))
                b.setEnabled(m.can(action, self.selected_ticket()))
            self.requeue.setText(tr("requeue"))
            self.requeue.setEnabled(m.can("no_show"))
            self.reason_label.setText(tr("reason"))
            self.number.setPlaceholderText(tr("number"))
            self.waiting_label.setText(tr("waiting", n=len(m.waiting)))
            self._render_waiting()
            self.error.setText(m.error or "")

        def _render_waiting(self) -> None:
            m, i = self.model, 0 if self.model.lang == "zh" else 1
            chosen = self.selected_ticket()
            self.waiting.blockSignals(True)
            self.waiting.clear()
            for w in m.waiting:
                prio = PRIORITY.get(w["priority"])
                parts = [w["number"], m.services.get(w["service"], w["service"])]
                parts += [prio[i]] if prio else []
                parts.append(self.tr_("minutes", m=int(w["waited_min"])))
                item = QListWidgetItem("   ".join(parts))
                item.setData(Qt.UserRole, w["number"])
                self.waiting.addItem(item)
                if w["number"] == chosen:
                    self.waiting.setCurrentItem(item)
            self.waiting.blockSignals(False)

        def render_timer(self) -> None:
            m = self.model
            lines = []
            if m.ticket:
                called, served = m.timers()
                lines.append(self.tr_("serving", s=mmss(served), c=mmss(called)) if served is not None
                             else self.tr_("called", c=mmss(called)))
                if m.ticket.get("recalls"):
                    lines.append(self.tr_("recalls", n=m.ticket["recalls"]))
            elif m.state == "paused":
                lines.append(self.tr_("paused", r=m.window_state.get("reason") or ""))
            elif m.state == "closed":
                lines.append(self.tr_("closed"))
            self.detail.setText("　·　".join(lines))

        def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
            self.model.close()
            super().closeEvent(event)

    return CallerWindow()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="window-caller")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", required=True, help="this caller's device id")
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--broker", default="127.0.0.1:1883")
    tls_arguments(ap)
    ap.add_argument("--controller-id", default="hall-controller")
    ap.add_argument("--clerk")
    ap.add_argument("--pause-reason", action="append", dest="pause_reasons",
                    help="a pause reason offered in the list (repeat; default: a standard list)")
    ap.add_argument("action", nargs="?", choices=ACTIONS)
    ap.add_argument("--ticket")
    ap.add_argument("--reason")
    ap.add_argument("--to-service")
    ap.add_argument("--to-window", type=int)
    ap.add_argument("--front", action="store_true", help="transfer: to the front of the queue")
    ap.add_argument("--requeue", action="store_true", help="no_show: put the ticket back in the queue")
    args = ap.parse_args(argv)
    install_log_masking()  # every record masked (privacy.logs)
    host, port = args.broker.rsplit(":", 1)
    ep = Endpoint(args.id, host, int(port), username=args.id, password=os.environ.get("HALL_MQTT_PASSWORD"),
                  tls=tls_from_args(ap, args))
    client = CallerClient(ep, args.hall, args.window, args.clerk)
    if not args.action:
        from qtkit.common import application
        app = application(sys.argv)
        w = build_window(client, ep, reasons=args.pause_reasons, controller_id=args.controller_id)
        ep.start(timeout=0)  # keep retrying in the background; the red banner says so meanwhile
        w.show()
        try:
            return app.exec()
        finally:
            ep.stop()
    try:
        ep.start()
    except MqttError as err:
        print(f"window-caller: {err}", file=sys.stderr)
        return 69
    try:
        kw = {k: v for k, v in dict(ticket=args.ticket, reason=args.reason, to_service=args.to_service,
                                      to_window=args.to_window, front=args.front or None,
                                      requeue=args.requeue or None).items() if v is not None}
        try:
            print(json.dumps(client.command(args.action, **kw), ensure_ascii=False))
        except (CallerError, MqttError) as err:
            print(f"window-caller: {err}", file=sys.stderr)
            return 1
        return 0
    finally:
        ep.stop()


if __name__ == "__main__":
    sys.exit(main())
