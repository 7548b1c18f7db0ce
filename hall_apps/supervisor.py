"""The supervisor view (PySide6): the live hall (windows, waiting, device presence) next to
the day's statistics as charts and tables, with CSV export. Logic lives in
supervisor_model.py; this file only renders it.

    supervisor --config config/examples/hall.toml --id supervisor-desk     # HALL_MQTT_PASSWORD from provisioning
    supervisor --config hall.toml --from 2026-03-02 --screenshot view.png  # render once and exit

The statistics come from the controller over MQTT (a report request), the live hall from the
retained state topics: a supervisor desk needs the broker, never the database.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from pathlib import Path

from PySide6 import QtCharts
from PySide6.QtCore import QDate, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QDateEdit, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QMainWindow, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from hall_apps.supervisor_floor import FloorModel
from hall_apps.supervisor_model import TABS, ReportClient, SupervisorModel, supervisor_endpoint, uptime_text
from hall_apps.supervisor_panels import AlertsPanel, CasesTab
from hall_protocol.mqtt import tls_arguments, tls_from_args
from hall_protocol.reporting import HEADERS, TEXT_COLUMNS, fmt
from privacy import install_log_masking

TAB_NAMES = {"service": "业务 Services", "window": "窗口 Windows", "clerk": "人员 Staff", "hour": "时段 Hours"}
STATE_COLOURS = {"online": "#2e7d32", "offline": "#c62828", "unknown": "#9e9e9e", "staff": "#e65100",
                 "technician": "#c62828"}
BLUE, ORANGE, GREY, RED = "#1f77b4", "#ff9f1c", "#b0bec5", "#d62728"


class _Bridge(QObject):
    changed = Signal()


def _table(headers: list[str], rows: list[list[str]], colours: dict[int, str] | None = None) -> QTableWidget:
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.NoEditTriggers)
    t.setSelectionMode(QTableWidget.NoSelection)
    t.setFocusPolicy(Qt.NoFocus)
    fill_table(t, rows, colours)
    return t


def fill_table(t: QTableWidget, rows: list[list[str]], colours: dict[int, str] | None = None) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignVCenter | (Qt.AlignLeft if c == 0 else Qt.AlignRight))
            if colours and c in colours and text:
                item.setForeground(QColor(colours[c] if colours[c].startswith("#") else STATE_COLOURS.get(text, "#000")))
            t.setItem(r, c, item)
    t.resizeColumnsToContents()


def bar_chart(title: str, series: list[tuple[str, str, list[tuple[str, float]]]], unit: str,
              stacked: bool = False) -> QtCharts.QChartView:
    """series: (name, colour, [(category, value)]); categories from the first series."""
    chart = QtCharts.QChart()
    chart.setTitle(title)
    chart.legend().setAlignment(Qt.AlignBottom)
    bars = QtCharts.QStackedBarSeries() if stacked else QtCharts.QBarSeries()
    cats = [c for c, _ in series[0][2]] if series else []
    top = 0.0
    for name, colour, points in series:
        s = QtCharts.QBarSet(name)
        s.setColor(QColor(colour))
        s.append([v for _, v in points])
        bars.append(s)
        top = max([top] + [v for _, v in points])
    if stacked and series:
        top = max([sum(s[2][i][1] for s in series) for i in range(len(cats))] + [0])
    chart.addSeries(bars)
    x = QtCharts.QBarCategoryAxis()
    x.append(cats)
    y = QtCharts.QValueAxis()
    y.setRange(0, max(1.0, top * 1.1))
    y.applyNiceNumbers()
    y.setLabelFormat("%.0f")
    y.setTitleText(unit)
    small = x.labelsFont()
    small.setPointSize(10)
    x.setLabelsFont(small)
    chart.addAxis(x, Qt.AlignBottom)
    chart.addAxis(y, Qt.AlignLeft)
    bars.attachAxis(x)
    bars.attachAxis(y)
    view = QtCharts.QChartView(chart)
    view.setRenderHint(QPainter.Antialiasing)
    view.setMinimumHeight(260)
    return view


class SupervisorWindow(QMainWindow):
    def __init__(self, model: SupervisorModel, floor: FloorModel | None = None) -> None:
        """`floor`: the alerts, follow-up cases and today's figures (hall_apps/supervisor_floor.py)."""
        super().__init__()
        self.model, self.floor = model, floor
        self.setWindowTitle(f"{model.hall.name} · 值班主管 Supervisor")
        self.resize(1680, 1000)
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        model.listeners.append(self.bridge.changed.emit)
        body = QWidget()
        root = QHBoxLayout(body)
        self.setCentralWidget(body)
        # live hall, on the left
        live = QVBoxLayout()
        self.link = QLabel()
        live.addWidget(self.link)
        self.alerts = AlertsPanel(floor) if floor else None  # beside the statistics, where a line is wide
        self.today = QLabel()
        self.today.setWordWrap(True)
        self.today.setStyleSheet("font-size:15px; font-weight:bold;")
        self.today.setVisible(floor is not None)
        if floor:
            floor.listeners.append(self.bridge.changed.emit)
        self.platform = QLabel()
        self.platform.setWordWrap(True)
        live.addWidget(self.platform)
        self.robot = QLabel()  # the guide robot, when the hall has one
        self.robot.setWordWrap(True)
        live.addWidget(self.robot)
        live.addWidget(QLabel("窗口 Windows"))
        self.windows = _table(["窗口", "状态 State", "号码 Ticket", "自 Since"], [])
        live.addWidget(self.windows, 1)
        self.waiting = QLabel()
        self.waiting.setWordWrap(True)
        live.addWidget(self.waiting)
        live.addWidget(QLabel("设备 Devices"))
        self.devices = _table(["设备 Device", "类型 Role", "状态 State", "最近 Heard", "故障 Fault",
                               "版本 Version", "运行 Uptime"], [], {2: "state"})
        live.addWidget(self.devices, 2)
        self.visit_label = QLabel()
        live.addWidget(self.visit_label)
        self.visits = _table(["大厅 Hall", "设备 Device", "部件 Part", "状态 State", "自 Since"], [])
        self.visits.setMaximumHeight(110)
        live.addWidget(self.visits)
        panel = QWidget()
        panel.setLayout(live)
        panel.setFixedWidth(660)
        root.addWidget(panel)
        # statistics, on the right
        stats = QVBoxLayout()
        bar = QHBoxLayout()
        today = QDate.fromString(model.today(), "yyyy-MM-dd")
        self.day_from, self.day_to = QDateEdit(today), QDateEdit(today)
        for w in (self.day_from, self.day_to):
            w.setDisplayFormat("yyyy-MM-dd")
            w.setCalendarPopup(True)
        refresh, export = QPushButton("刷新 Refresh"), QPushButton("导出 CSV Export")
        refresh.clicked.connect(self.refresh)
        export.clicked.connect(self.export)
        for w in (QLabel("从 From"), self.day_from, QLabel("到 To"), self.day_to, refresh, export):
            bar.addWidget(w)
        bar.addStretch(1)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size:18px; font-weight:bold;")
        stats.addLayout(bar)
        stats.addWidget(self.today)
        if self.alerts:
            stats.addWidget(self.alerts)
        stats.addWidget(self.summary)
        self.error = QLabel()
        self.error.setStyleSheet("color:#c62828; font-weight:bold;")
        stats.addWidget(self.error)
        self.tabs = QTabWidget()
        self.charts = QWidget()
        self.chart_grid = QGridLayout(self.charts)
        self.chart_grid.setRowStretch(0, 1)
        self.chart_grid.setRowStretch(1, 1)
        self.tabs.addTab(self.charts, "概览 Overview")
        self.tables = {}
        for by in TABS:
            self.tables[by] = _table([HEADERS[by]] + [f"{h}\n{en}" for _, h, _, en in TEXT_COLUMNS], [])
            self.tabs.addTab(self.tables[by], TAB_NAMES[by])
        self.pauses = _table(["原因 Reason", "次数 Count", "时长 Time (h:mm)"], [])
        self.tabs.addTab(self.pauses, "暂停 Pauses")
        self.cases = CasesTab(floor) if floor else None
        if self.cases:
            self.tabs.addTab(self.cases, "回访整改 Follow-up")
        stats.addWidget(self.tabs, 1)
        root.addLayout(stats, 1)
        timer = QTimer(self)
        timer.timeout.connect(self.refresh)
        timer.start(60_000)
        self.render()
        self.tabs.setFocus()

    def refresh(self) -> None:
        """Ask for the range's tables off the UI thread; the model's listeners render them."""
        span = (self.day_from.date().toString("yyyy-MM-dd"), self.day_to.date().toString("yyyy-MM-dd"))
        threading.Thread(target=self.model.refresh, args=span, name="supervisor-report", daemon=True).start()

    def export(self, path: str | None = None) -> None:
        by = TABS[max(0, self.tabs.currentIndex() - 1)] if self.tabs.currentIndex() <= len(TABS) else "window"
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "导出 CSV", f"hall-report-{by}.csv", "CSV (*.csv)")
        if path and by in self.model.tables:
            Path(path).write_text(self.model.csv(by), encoding="utf-8")

    def render(self) -> None:
        m = self.model
        if self.floor is not None:
            self.alerts.render()
            self.cases.render()
            text, fine = self.floor.today_line()
            self.today.setText(text)
            self.today.setStyleSheet(f"font-size:15px; font-weight:bold; color:{'#1a2433' if fine else '#c62828'};")
        up = m.controller_up
        self.link.setText("● 实时连接 Live" if up else ("● 叫号服务器离线 Controller offline" if m.broker_up
                                                       else "● 未连接 Not connected"))
        self.link.setStyleSheet(f"font-size:18px; font-weight:bold; color:{'#2e7d32' if up else '#c62828'};")
        text, fine = m.platform()
        self.platform.setText(text)
        self.platform.setStyleSheet(f"color:{'#2e7d32' if fine else '#c62828'};")
        text, fine = m.robot_line()
        self.robot.setVisible(bool(text))
        self.robot.setText(text)
        self.robot.setStyleSheet(f"color:{'#2e7d32' if fine else '#c62828'};")
        fill_table(self.windows, [list(w) for w in m.windows()])
        pairs = [f"{name}：{n}" for name, n in m.waiting()]
        self.waiting.setText("等候 Waiting\n" + "\n".join("　　".join(pairs[i:i + 2]) for i in range(0, len(pairs), 2)))
        devices = m.devices()
        fill_table(self.devices, [[d.id, d.role, d.state, d.heard or "—", d.fault, d.version or "—",
                                     uptime_text(d.uptime_s) or "—"] for d in devices], {2: "state"})
        for r, d in enumerate(devices):  # the fault in the colour of who must act: staff or a technician
            self.devices.item(r, 4).setForeground(QColor(STATE_COLOURS.get(d.action, "#000")))
        visits = m.needs_visit()
        self.visit_label.setText(f"需要上门 Needs a visit: {len(visits) or '无 none'}")
        self.visit_label.setStyleSheet(f"font-weight:bold; color:{'#c62828' if visits else '#2e7d32'};")
        fill_table(self.visits, [[v.hall, v.device, v.part, v.state, v.since[5:16].replace("T", " ")] for v in visits])
        error = m.error or (self.floor.error if self.floor else None)
        self.error.setText(error or "")
        self.error.setVisible(bool(error))
        if "window" not in m.tables:
            return
        for by, widget in self.tables.items():
            t = m.tables[by]
            rows = [[r.label] + [fmt(r.values[c], k) for c, _, k, _ in TEXT_COLUMNS] for r in t.rows]
            rows.append(["合计 Total"] + [fmt(t.total[c], k) for c, _, k, _ in TEXT_COLUMNS])
            fill_table(widget, rows)
        t = m.tables["window"]
        fill_table(self.pauses, [[p.reason, str(p.count), fmt(p.seconds, "h")] for p in t.pauses])
        span = t.day_from if t.day_from == t.day_to else f"{t.day_from} – {t.day_to}"
        tot = t.total
        self.summary.setText(f"{span}　取号 {tot['issued']}　办结 {tot['served']}　过号 {tot['no_show']}　"
                             f"平均等候 {fmt(tot['wait_mean_s'], 'm')}　平均办理 {fmt(tot['serve_mean_s'], 'm')}　"
                             f"暂停 {tot['pauses']} 次 {fmt(tot['paused_s'], 'h')}　空闲 {fmt(tot['idle_s'], 'h')}")
        self._charts()

    def _charts(self) -> None:
        m = self.model
        while self.chart_grid.count():
            self.chart_grid.takeAt(0).widget().deleteLater()
        hours = [(lab[:2], v) for lab, v in m.chart("hour", "wait_mean_s", 60)]
        p90 = [(lab[:2], v) for lab, v in m.chart("hour", "wait_p90_s", 60)]
        win = lambda col, scale=1.0: [(lab.split()[0], v) for lab, v in m.chart("window", col, scale)]  # noqa: E731
        svc = lambda col: [(lab.split()[-1], v) for lab, v in m.chart("service", col)]  # noqa: E731
        self.chart_grid.addWidget(bar_chart("各时段等候时间 Waiting time per hour",
                                            [("平均 Mean", BLUE, hours), ("P90", ORANGE, p90)], "分钟 min"), 0, 0)
        self.chart_grid.addWidget(bar_chart("各窗口办结 Served per window", [("办结 Served", BLUE, win("served"))],
                                            "人 tickets"), 0, 1)
        self.chart_grid.addWidget(bar_chart("窗口时间 Window time", [
            ("办理 Busy", BLUE, win("busy_s", 3600)), ("暂停 Paused", ORANGE, win("paused_s", 3600)),
            ("空闲 Idle", GREY, win("idle_s", 3600))], "小时 h", stacked=True), 1, 0)
        self.chart_grid.addWidget(bar_chart("过号 No-shows", [("按业务 by service", RED, svc("no_show"))],
                                            "人 tickets"), 1, 1)


def main(argv: list[str] | None = None) -> int:
    from config import ConfigError, HallSuiteConfig, load_config
    from drivers.core.clock import SystemClock
    from hall_protocol.mqtt import MqttError
    from qtkit.common import application, show_window
    from qtkit.ops import wire_ops
    from qtkit.service import serve
    ap = argparse.ArgumentParser(prog="supervisor", description="The supervisor view of a hall.")
    ap.add_argument("--config", required=True, help="hall controller TOML file (the hall and its broker)")
    ap.add_argument("--hall", help="hall id (optional when the file has one hall)")
    ap.add_argument("--id", default="supervisor", help="this desk's device id (role supervisor)")
    ap.add_argument("--staff", default="", help="the supervisor on duty: their staff number, on acknowledgements "
                                                "and follow-up steps")
    ap.add_argument("--broker", help="host:port (default: from the config)")
    tls_arguments(ap)
    ap.add_argument("--from", dest="day_from")
    ap.add_argument("--to", dest="day_to")
    ap.add_argument("--screenshot", help="render once the controller answered, save this PNG and exit")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    install_log_masking()  # every record masked (privacy.logs)
    try:
        config = load_config(args.config, HallSuiteConfig)
        hall = config.hall(args.hall) if args.hall else config.halls[0]
    except ConfigError as err:
        print(f"supervisor: {err}", file=sys.stderr)
        return 78
    except KeyError:
        print(f"supervisor: {args.config} has no hall {args.hall!r}", file=sys.stderr)
        return 78
    app = application(sys.argv)
    host, port = (args.broker.rsplit(":", 1) if args.broker else (config.broker.host, config.broker.port))
    tls = tls_from_args(ap, args)
    if tls is None and not args.broker and config.broker.tls:  # the hall file's broker, over TLS
        tls = config.broker.connection(args.id).tls
    ep = supervisor_endpoint(args.id, hall.id, host, int(port), os.environ.get("HALL_MQTT_PASSWORD"), tls=tls)
    model = SupervisorModel(hall, ReportClient(ep, hall.id), SystemClock(), config.controller_id)
    model.attach(ep)
    floor = FloorModel(hall.id, args.staff)
    floor.attach(ep)
    window = SupervisorWindow(model, floor)
    wire_ops(app, ep, args.id, "supervisor", [hall.id])  # a technician's info, log, restart (hall_protocol/ops.py)
    if args.day_from:
        window.day_from.setDate(QDate.fromString(args.day_from, "yyyy-MM-dd"))
        window.day_to.setDate(QDate.fromString(args.day_to or args.day_from, "yyyy-MM-dd"))
    try:
        ep.start(timeout=10 if args.screenshot else 0)  # a desk keeps retrying; the link label says so
    except MqttError as err:
        print(f"supervisor: {err}", file=sys.stderr)
        return 69
    if args.screenshot:
        model.refresh(args.day_from, args.day_to)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (model.board and model.controller_up):
            app.processEvents()
            time.sleep(0.05)
        window.show()
        window.render()
        app.processEvents()
        window.grab().save(args.screenshot)
        ep.stop()
        if model.error:
            print(f"supervisor: {model.error}", file=sys.stderr)
        return 0 if not model.error else 69
    window.refresh()
    show_window(window, full_screen=False)   # or where HALL_WINDOW_GEOMETRY puts it (the demo)
    serve(app, f"supervisor {args.id}")  # systemd: READY=1, the watchdog fed by the event loop
    code = app.exec()
    ep.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
