"""The window caller's Qt window: it renders `CallerModel` and sends intents (hall_apps/caller.py
builds it, or runs one command from the shell).

The clerk signs in first (staff number and PIN) when the hall signs clerks in. "下一位 Next" is
the big button; every action has a key a numeric keypad has (Enter next, + recall, / start,
* finish, - no-show) and a function key; cancel and no-show ask once. The current ticket shows
its service and priority; kiosks' help calls appear at the top with the kiosk and the page, and
"我去处理" tells the kiosk somebody is coming. Chinese first, English with one button.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from hall_apps.caller_model import CallerClient, CallerModel
from hall_apps.caller_texts import KEYS, PAUSE_REASONS, T, mmss
from hall_apps.words import PRIORITY, help_line, pick

GREEN, RED, ORANGE = "#2e7d32", "#c62828", "#e65100"


class _Bridge(QObject):
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
            if w != parent.client.window:
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


class Confirm(QDialog):
    """Asked once before a destructive action; Enter confirms, Esc does not."""

    def __init__(self, parent: QWidget, text: str, yes: str, no: str) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        self.text = QLabel(text)
        self.text.setStyleSheet("font-size:24px; font-weight:bold;")
        self.text.setWordWrap(True)
        box.addWidget(self.text)
        self.buttons = QDialogButtonBox()
        self.yes = self.buttons.addButton(yes, QDialogButtonBox.AcceptRole)
        self.no = self.buttons.addButton(no, QDialogButtonBox.RejectRole)
        for b in (self.yes, self.no):
            b.setMinimumHeight(56)
            b.setStyleSheet("font-size:20px;")
        self.yes.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)


class SignInPage(QWidget):
    def __init__(self, window: "CallerWindow") -> None:
        super().__init__()
        self.w = window
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size:30px; font-weight:bold;")
        self.heading.setAlignment(Qt.AlignCenter)
        box.addWidget(self.heading)
        form = QFormLayout()
        self.staff_label, self.pin_label = QLabel(), QLabel()
        self.staff = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.Password)
        self.pin.setMaxLength(8)
        for e in (self.staff, self.pin):
            e.setStyleSheet("font-size:28px; padding:6px;")
            e.setMinimumHeight(56)
        self.staff.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        for lab in (self.staff_label, self.pin_label):
            lab.setStyleSheet("font-size:22px;")
        form.addRow(self.staff_label, self.staff)
        form.addRow(self.pin_label, self.pin)
        box.addLayout(form)
        self.button = QPushButton()
        self.button.setMinimumHeight(80)
        self.button.setStyleSheet(f"font-size:30px; font-weight:bold; background:{GREEN}; color:white;")
        self.button.clicked.connect(self.submit)
        box.addWidget(self.button)
        box.addStretch(2)

    def submit(self) -> None:
        staff, pin = self.staff.text().strip(), self.pin.text().strip()
        self.pin.clear()  # never kept: typed again after a mistake
        if not staff or not pin:
            self.w.model.error = self.w.tr_("need_staff")
            self.w.render()
            return
        if self.w.model.sign_in(staff, pin):
            self.staff.clear()

    def render(self) -> None:
        tr = self.w.tr_
        self.heading.setText(tr("sign_in_title", w=self.w.client.window))
        self.staff_label.setText(tr("staff_id"))
        self.pin_label.setText(tr("pin"))
        self.button.setText(tr("sign_in"))
        self.button.setEnabled(self.w.model.connected)


class HelpPanel(QFrame):
    """Open help calls from kiosks; one "I'm coming" button each."""

    def __init__(self, window: "CallerWindow") -> None:
        super().__init__()
        self.w = window
        self.setStyleSheet(f"HelpPanel {{background:#fff3e0; border:3px solid {ORANGE}; border-radius:8px;}}")
        self.box = QVBoxLayout(self)
        self.rows: list[tuple[QLabel, QPushButton]] = []

    def render(self) -> None:
        m, lang = self.w.model, self.w.model.lang
        calls = m.open_help()
        self.setVisible(bool(calls))
        while len(self.rows) < len(calls):
            row = QHBoxLayout()  # the call, then the button: a long kiosk name or problem wraps
            text, button = QLabel(), QPushButton()
            text.setMinimumWidth(200)
            text.setStyleSheet(f"font-size:20px; font-weight:bold; color:{ORANGE};")
            text.setWordWrap(True)
            button.setMinimumHeight(48)
            button.setStyleSheet(f"font-size:20px; font-weight:bold; background:{ORANGE}; color:white;")
            row.addWidget(text, 1)
            row.addWidget(button, 0, Qt.AlignRight)
            button.clicked.connect(lambda _=False, b=button: self.w.model.acknowledge(b.property("help_id")))
            self.box.addLayout(row)
            self.rows.append((text, button))
        for i, (text, button) in enumerate(self.rows):
            visible = i < len(calls)
            text.setVisible(visible)
            button.setVisible(visible)
            if not visible:
                continue
            call = calls[i]
            text.setText(self.w.tr_("help") + "　" + help_line(call, lang, m.now().timestamp()).replace(" · ", "\n", 1))
            button.setText(self.w.tr_("coming") + ("  [F9]" if i == 0 else ""))
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 40)
            button.setEnabled(m.connected)
            button.setProperty("help_id", call.id)


class CallerWindow(QWidget):
    ACTIONS = ["recall", "start", "finish", "no_show", "transfer"]

    def __init__(self, client: CallerClient, endpoint, hall_services: dict[str, str] | None = None, *,
                 reasons: list[str] | None = None, controller_id: str = "hall-controller") -> None:
        super().__init__()
        self.client = client
        self.model = CallerModel(client, controller_id)
        self.model.services = dict(hall_services or {})
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        self.model.listeners.append(self.bridge.changed.emit)
        self.transfer_dialog: TransferDialog | None = None
        self.confirm: Confirm | None = None
        self.resize(720, 1000)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size:24px; font-weight:bold;")
        top.addWidget(self.heading, 1)
        self.sign_out = QPushButton()
        self.sign_out.clicked.connect(lambda: self.model.sign_out())
        self.lang = QPushButton()
        self.lang.clicked.connect(self.toggle_language)
        top.addWidget(self.sign_out)
        top.addWidget(self.lang)
        lay.addLayout(top)
        self.link = QLabel()
        self.link.setWordWrap(True)
        lay.addWidget(self.link)
        self.help = HelpPanel(self)
        lay.addWidget(self.help)
        self.pages = QStackedWidget()
        self.sign_in_page = SignInPage(self)
        self.main_page = QWidget()
        self.pages.addWidget(self.main_page)
        self.pages.addWidget(self.sign_in_page)
        lay.addWidget(self.pages, 1)
        self._main(QVBoxLayout(self.main_page), reasons)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color:{RED}; font-size:20px; font-weight:bold;")
        lay.addWidget(self.error)
        self._shortcuts()
        t = QTimer(self)
        t.timeout.connect(self.render_timer)
        t.start(1000)
        self.model.attach(endpoint)
        self.render()

    def _main(self, lay: QVBoxLayout, reasons: list[str] | None) -> None:
        self.current = QLabel()
        self.current.setStyleSheet("font-size:48px; font-weight:bold;")
        self.about = QLabel()  # the current ticket's service and priority
        self.about.setStyleSheet("font-size:24px;")
        self.detail = QLabel()
        self.detail.setStyleSheet("font-size:20px;")
        for w in (self.current, self.about, self.detail):
            lay.addWidget(w)
        self.buttons: dict[str, QPushButton] = {}
        self._button("call_next", None)
        self.buttons["call_next"].setMinimumHeight(110)
        self.buttons["call_next"].setStyleSheet(f"font-size:40px; font-weight:bold; background:{GREEN}; color:white;")
        lay.addWidget(self.buttons["call_next"])
        grid = QGridLayout()
        for i, action in enumerate(self.ACTIONS):
            self._button(action, grid, i // 3, i % 3)
        self.requeue = QCheckBox()
        grid.addWidget(self.requeue, 2, 0, 1, 3)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(reasons or PAUSE_REASONS)
        self.reason_label = QLabel()
        grid.addWidget(self.reason_label, 3, 0, 1, 3)
        grid.addWidget(self.reason, 4, 0, 1, 2)
        self._button("pause", grid, 4, 2)
        self._button("resume", grid, 5, 0)
        self._button("open", grid, 5, 1)
        self._button("close", grid, 5, 2)
        lay.addLayout(grid)
        self.waiting_label = QLabel()
        lay.addWidget(self.waiting_label)
        self.waiting = QListWidget()
        self.waiting.setStyleSheet("font-size:20px;")
        self.waiting.setMinimumHeight(200)
        self.waiting.currentItemChanged.connect(self._picked)
        self.waiting.itemDoubleClicked.connect(lambda item: self.act("call"))
        lay.addWidget(self.waiting, 1)
        pick_row = QHBoxLayout()
        self.number = QLineEdit()
        self.number.setStyleSheet("font-size:22px;")
        self.number.textChanged.connect(lambda _t: self.render())
        self.number.returnPressed.connect(lambda: self.act("call" if self.selected_ticket() else "call_next"))
        pick_row.addWidget(self.number, 1)
        for action in ("call", "cancel"):
            self._button(action, None)
            pick_row.addWidget(self.buttons[action])
        lay.addLayout(pick_row)

    def _button(self, action: str, grid, row: int = 0, col: int = 0) -> None:
        b = QPushButton()
        b.setMinimumHeight(60)
        b.setStyleSheet("font-size:20px;")
        b.clicked.connect(lambda _=False, a=action: self.act(a))
        self.buttons[action] = b
        if grid is not None:
            grid.addWidget(b, row, col)

    def _shortcuts(self) -> None:
        for action, keys in KEYS.items():
            for key in keys:
                s = QShortcut(QKeySequence(key), self)
                s.setContext(Qt.WindowShortcut)
                s.activated.connect(lambda a=action: self.shortcut(a))
        QShortcut(QKeySequence("F9"), self).activated.connect(self._coming)

    def shortcut(self, action: str) -> None:
        if self.pages.currentWidget() is self.main_page and not (self.confirm and self.confirm.isVisible()):
            self.act(action)

    def _coming(self) -> None:
        calls = self.model.open_help()
        if calls:
            self.model.acknowledge(calls[0].id)

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
            self.transfer_dialog.accepted.connect(lambda: self.run("transfer", **self.transfer_dialog.command()))
            self.transfer_dialog.open()
        elif action == "pause":
            reason = self.reason.currentText().strip()
            if not reason:
                self.model.error = self.tr_("need_reason")
                self.render()
                return
            self.run("pause", reason=reason[:100])
        elif action in ("cancel", "no_show"):  # destructive: asked once
            ticket = self.selected_ticket() if action == "cancel" else (self.model.ticket or {}).get("number", "")
            self.confirm = Confirm(self, self.tr_(f"confirm_{action}", n=ticket), self.tr_("yes"), self.tr_("no"))
            self.confirm.accepted.connect(lambda: self._confirmed(action, ticket))
            self.confirm.open()
        elif action == "call":
            if self.run("call", ticket=self.selected_ticket()):
                self.number.clear()
        else:
            self.run(action)

    def _confirmed(self, action: str, ticket: str) -> None:
        if action == "cancel":
            if self.run("cancel", ticket=ticket):
                self.number.clear()
        elif self.requeue.isChecked():
            self.run("no_show", requeue=True)
        else:
            self.run("no_show")

    def run(self, action: str, **kw) -> bool:
        return self.model.run(action, **kw)

    # -- rendering -------------------------------------------------------------------
    def render(self) -> None:
        m, tr = self.model, self.tr_
        self.setWindowTitle(tr("title", w=self.client.window))
        card = m.card
        who = f" · {card.name} {card.staff_id}" if card and card.staff_id else ""
        self.heading.setText(tr("title", w=self.client.window) + who)
        self.sign_out.setText(tr("sign_out"))
        self.sign_out.setVisible(bool(card and card.staff_id))
        self.lang.setText(tr("lang"))
        if m.connected:
            self.link.setText(tr("online"))
            self.link.setStyleSheet(f"color:{GREEN}; font-size:18px; font-weight:bold;")
        else:
            self.link.setText(tr("no_broker" if not m.broker_up else "no_controller"))
            self.link.setStyleSheet(f"background:{RED}; color:white; font-size:22px; font-weight:bold; padding:10px;")
        self.help.render()
        self.pages.setCurrentWidget(self.sign_in_page if m.needs_sign_in else self.main_page)
        self.sign_in_page.render()
        self.current.setText(tr("current", n=m.ticket["number"]) if m.ticket else tr("none"))
        if m.ticket:
            service = m.services.get(m.ticket["service"], m.ticket["service"])
            self.about.setText(f"{m.ticket['service']} {service} · {pick(PRIORITY, m.ticket.get('priority'), m.lang)}")
        else:
            self.about.setText("")
        self.render_timer()
        for action, b in self.buttons.items():
            b.setText(tr(action) + (f"  [{KEYS[action][0]}]" if action in KEYS else ""))
            b.setEnabled(m.can(action, self.selected_ticket()))
        self.requeue.setText(tr("requeue"))
        self.requeue.setEnabled(m.can("no_show"))
        self.reason_label.setText(tr("reason"))
        self.number.setPlaceholderText(tr("number"))
        self.waiting_label.setText(tr("waiting", n=m.waiting_total or len(m.waiting)))
        self._render_waiting()
        self.error.setText(m.error or "")

    def _render_waiting(self) -> None:
        m = self.model
        chosen = self.selected_ticket()
        self.waiting.blockSignals(True)
        self.waiting.clear()
        for w in m.waiting:
            parts = [w["number"], m.services.get(w["service"], w["service"])]
            if w["priority"] in PRIORITY and w["priority"] != "normal":
                parts.append(pick(PRIORITY, w["priority"], m.lang))
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
