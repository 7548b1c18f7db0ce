"""The supervisor view's hall-floor panels (Qt): the alerts with an acknowledge button each, the
follow-up cases of bad ratings with the next step, today's figures. They render FloorModel
(hall_apps/supervisor_floor.py); its requests run off the UI thread."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from hall_apps.supervisor_floor import CASE_STATES, NEXT_STEP, STEP_WORDS, FloorModel

SEVERITY_COLOURS = {"critical": "#c62828", "warning": "#e65100", "info": "#1565c0"}


def background(fn) -> None:
    threading.Thread(target=fn, name="supervisor-request", daemon=True).start()


class AlertsPanel(QFrame):
    """Open alerts first, most severe first; each with its suggestion and an acknowledge button."""

    MAX_ROWS = 5

    def __init__(self, floor: FloorModel) -> None:
        super().__init__()
        self.floor = floor
        self.setStyleSheet("AlertsPanel {border:2px solid #e65100; border-radius:6px;}")
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size:18px; font-weight:bold;")
        box.addWidget(self.heading)
        box.setSpacing(2)
        self.rows: list[tuple[QLabel, QPushButton]] = []
        for _ in range(self.MAX_ROWS):
            row = QHBoxLayout()
            text, button = QLabel(), QPushButton("确认 Acknowledge")
            text.setWordWrap(True)
            text.setStyleSheet("font-size:15px;")
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _=False, b=button: self._ack(b.property("alert_id")))
            row.addWidget(text, 1)
            row.addWidget(button, 0, Qt.AlignTop)
            box.addLayout(row)
            self.rows.append((text, button))
        self.more = QLabel()
        box.addWidget(self.more)

    def _ack(self, alert_id: str) -> None:
        background(lambda: self.floor.acknowledge(alert_id))

    def render(self) -> None:
        alerts = self.floor.shown_alerts()
        n_open = len(self.floor.open_alerts())
        self.heading.setText(f"告警 Alerts：{n_open} 条待确认 to acknowledge" if alerts else "告警 Alerts：无 none")
        self.heading.setStyleSheet(f"font-size:18px; font-weight:bold; color:{'#c62828' if n_open else '#2e7d32'};")
        for i, (text, button) in enumerate(self.rows):
            a = alerts[i] if i < len(alerts) else None
            text.setVisible(a is not None)
            button.setVisible(a is not None and a.state == "open")
            if a is None:
                continue
            colour = SEVERITY_COLOURS[a.severity] if a.state == "open" else "#757575"
            status = ("" if a.active else "（已恢复 resolved）") + ("" if a.state == "open" else
                                                                  f"（已确认 {a.acknowledged_by or ''}）")
            text.setText(f"<b style='color:{colour}'>● {a.title_zh}</b>{status}　{a.suggestion_zh}"
                         f"　<span style='color:#555'>{a.raised_at[11:16]}</span><br>"
                         f"<span style='color:#555'>{a.title_en} — {a.suggestion_en}</span>")
            button.setProperty("alert_id", a.id)
        hidden = len(alerts) - self.MAX_ROWS
        self.more.setVisible(hidden > 0)
        self.more.setText(f"另有 {hidden} 条 and {hidden} more")


class CasesTab(QWidget):
    """差评回访整改: every open case and those closed lately; the next step of the selected one."""

    HEADERS = ["工单 Case", "号码 Ticket", "窗口 Window", "工号 Staff", "评分 Score", "原因 Reasons", "状态 State",
               "回访期限 Contact by", "办结期限 Due", "超期 Overdue"]

    def __init__(self, floor: FloorModel) -> None:
        super().__init__()
        self.floor = floor
        box = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size:16px; font-weight:bold;")
        box.addWidget(self.summary)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        self.table.itemSelectionChanged.connect(self.render_actions)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText("处理说明（可选）Note (optional)")
        self.step = QPushButton()
        self.step.setMinimumHeight(40)
        self.step.clicked.connect(self.next_step)
        row.addWidget(self.note, 1)
        row.addWidget(self.step)
        box.addLayout(row)

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        cases = self.floor.shown_cases()
        return cases[rows[0].row()] if rows and rows[0].row() < len(cases) else None

    def next_step(self) -> None:
        case = self.selected()
        if case is None or case.state not in NEXT_STEP:
            return
        step, note = NEXT_STEP[case.state], self.note.text().strip()
        self.note.clear()
        background(lambda: self.floor.move(case.id, step, note, self.floor.staff_id if step == "assign" else None))

    def render(self) -> None:
        b = self.floor.cases
        cases = self.floor.shown_cases()
        self.summary.setText(f"回访工单 Follow-up cases：{b.open} 条未办结 open，{b.overdue} 条超期 overdue"
                             if b else "回访工单 Follow-up cases：—")
        chosen = self.selected().id if self.selected() else None
        self.table.setRowCount(len(cases))
        for r, c in enumerate(cases):
            values = [c.id, c.ticket, str(c.window or "—"), c.clerk or "—", f"{c.score} 星", "、".join(c.reasons) or "—",
                      " ".join(CASE_STATES[c.state]), c.contact_due, c.due, "超期 overdue" if c.overdue else ""]
            for col, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c.overdue and c.state != "closed":
                    item.setForeground(QColor("#c62828"))
                self.table.setItem(r, col, item)
            if c.id == chosen:
                self.table.selectRow(r)
        self.table.resizeColumnsToContents()
        self.render_actions()

    def render_actions(self) -> None:
        case = self.selected()
        step = NEXT_STEP.get(case.state) if case else None
        self.step.setEnabled(step is not None)
        self.step.setText(" ".join(STEP_WORDS[step]) if step else "选择工单 Choose a case")
