"""The main calling screen (PySide6, full screen, readable from ten metres), for 4 to 64 windows.

The newest call very large (flashing for a few seconds when new), the current ticket of every
window (hall_apps/screen_layout.py chooses the cards for the number of windows), recent calls
when there is room, the waiting counts per service in Chinese and English (wrapped), the missed
tickets (过号), a scrolling notice and the time. It can be set to one area or floor of the hall
(`--zone` from the hall file, or `--windows 1-8`). It rebuilds at once from the retained board
after a restart or reconnect and says clearly when it has lost the controller.

A board changes little: the screen updates only what changed (a card, a count, a line), at most
every 100 ms however fast boards come (bench/bench_screen.py measures its CPU at 40 boards/s).
The window screen (one window, with its clerk) is hall_apps/window_screen.py.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from hall_apps.screen_layout import MIN_EN_PX, MIN_PX, Layout, layout_for, parse_windows
from hall_apps.screen_model import ScreenModel
from hall_apps.screen_widgets import (ACCENT, BG, DIM, FG, RED, Chip, FlowRow, Marquee, Styled, WindowCard, css,
                                      make_label, set_text, tight_height)
from hall_protocol.contract import Board
from hall_protocol.phrasing import call_text
from privacy import install_log_masking

BANNER = {
    "connecting": "正在连接叫号系统…　Connecting to the queue system…",
    "no_broker": "网络中断，正在重新连接叫号系统　Network lost, reconnecting",
    "no_controller": "与叫号服务器失去连接　Lost connection to the queue controller",
}
RECENT_ROWS = 4
RENDER_EVERY_MS = 100  # a call is on screen within 0.1 s; faster boards are drawn together


class _Bridge(QObject):
    changed = Signal()


class CallingScreen(QWidget):
    def __init__(self, model: ScreenModel, *, windows: list[int] | None = None, title: str = "",
                 services: list[str] | None = None, now: Callable[[], datetime] = datetime.now) -> None:
        """`windows`: show only these (an area or floor); `title`: the area's name; `services`:
        the waiting counts shown (default: every service of the hall)."""
        super().__init__()
        self.model, self.now = model, now
        self.only, self.area_title, self.only_services = windows, title, services
        self.renders = 0
        self._pending = False
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self._schedule)
        model.listeners.append(self.bridge.changed.emit)
        self.setWindowTitle("叫号屏 Calling screen")
        self.resize(1920, 1080)
        self.setStyleSheet(f"background:{BG};")
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 4, 8, 0)
        root.setSpacing(6)
        top = QHBoxLayout()
        self.title = make_label("叫号屏  Calling screen", MIN_PX, FG, True, align=Qt.AlignLeft | Qt.AlignVCenter,
                                tight=True)
        self.clock = make_label("", MIN_PX, DIM, True, align=Qt.AlignRight | Qt.AlignVCenter, tight=True)
        self.missed_label = make_label("过号", MIN_PX, DIM, align=Qt.AlignRight | Qt.AlignVCenter, tight=True)
        self.missed = make_label("", MIN_PX, FG, True, align=Qt.AlignLeft | Qt.AlignVCenter, tight=True)
        top.setSpacing(24)
        top.addWidget(self.title)
        top.addWidget(self.missed_label, 1)
        top.addWidget(self.missed)
        top.addWidget(self.clock)
        root.addLayout(top)
        self.banner = make_label("", MIN_PX, FG, True, RED)
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never widens the screen
        root.addWidget(self.banner)
        self.hero_box = QWidget()
        self.big = make_label("", 150, ACCENT, True)
        self.big_en = make_label("", 64, FG)
        self.big_style = Styled(self.big)
        root.addWidget(self.hero_box)
        middle = QHBoxLayout()
        middle.setSpacing(16)
        self.grid_box = QWidget()
        self.cards = QGridLayout(self.grid_box)
        self.cards.setContentsMargins(0, 0, 0, 0)
        self.cards.setSpacing(6)
        middle.addWidget(self.grid_box, 4)
        self.recent_box = QWidget()
        recent = QVBoxLayout(self.recent_box)
        recent.setContentsMargins(0, 0, 0, 0)
        recent.setSpacing(4)
        recent.addWidget(Chip("最近呼叫", "Recent calls", MIN_PX, DIM))
        self.recent_rows = [make_label("", MIN_PX, FG, True, align=Qt.AlignLeft | Qt.AlignVCenter, tight=True)
                            for _ in range(RECENT_ROWS)]
        for row in self.recent_rows:
            recent.addWidget(row)
        recent.addStretch(1)
        middle.addWidget(self.recent_box, 1)
        root.addLayout(middle, 1)
        self.waiting_box = QWidget()
        self.waiting_flow = FlowRow(self.waiting_box)
        self.waiting_flow.addWidget(Chip("等候", "Waiting", MIN_PX, DIM))
        self.waiting_chips: dict[str, Chip] = {}
        root.addWidget(self.waiting_box)
        self.notice = Marquee(MIN_PX, ACCENT)
        root.addWidget(self.notice)
        self.card_widgets: dict[int, WindowCard] = {}
        self.layout_: Layout | None = None
        self._shown_windows: list[int] = []
        self._blink = False
        timer = QTimer(self)
        timer.timeout.connect(self._tick)
        timer.start(500)
        self.render()

    # -- periodic: clock and flash --------------------------------------------------------
    def _tick(self) -> None:
        b = self.model.board
        tz = datetime.fromisoformat(b.updated_at).tzinfo if b else None  # the hall's zone, not the host's
        set_text(self.clock, self.now().astimezone(tz).strftime("%Y-%m-%d  %H:%M:%S"))
        self._blink = not self._blink if self.model.flashing() else False
        px = self.layout_.hero_px if self.layout_ else 150
        if self._blink:
            self.big_style.set(css(px, BG, True, ACCENT))
        else:
            self.big_style.set(css(px, ACCENT if self.model.connected else DIM, True))

    # -- on every board or connection change (coalesced) ----------------------------------
    def _schedule(self) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(RENDER_EVERY_MS, self.render)

    def render(self) -> None:
        self._pending = False
        self.renders += 1
        m, b = self.model, self.model.board
        self.banner.setVisible(m.status != "ok")
        set_text(self.banner, BANNER.get(m.status, ""))
        if b is None:
            self._tick()
            return
        self._arrange(b)
        self._tick()
        self.notice.set_text(b.notice)
        title = self.area_title or b.hall_name
        set_text(self.title, title)
        self._hero(b)
        current = {c.window: c for c in b.current}
        for ws in b.windows:
            card = self.card_widgets.get(ws.window)
            if card is not None:
                call = current.get(ws.window)
                card.show_state(ws.state, call.ticket if call else None, call.service_name if call else "",
                                ws.reason, m.connected)
        recent = [c for c in b.recent if self._shows(c.window)]
        rows = self.recent_rows[: self.layout_.recent if self.layout_ else 0]
        for row, c in zip(rows, recent[1:] + [None] * RECENT_ROWS):
            set_text(row, f"{c.ticket}  →  {c.window} 号窗口" if c else "")
        self._waiting(b)
        # the missed tickets share the top line with the hall's name and the time: as many as fit
        room = max(0, 1904 - self.title.sizeHint().width() - self.clock.sizeHint().width() - 380)
        shown = b.missed[: max(0, room // 170)]
        set_text(self.missed, " ".join(shown))
        set_text(self.missed_label, "过号 Missed" if shown else "")

    def _shows(self, window: int) -> bool:
        return self.only is None or window in self.only

    def _arrange(self, b: Board) -> None:
        """Build the cards for the board's windows once (again only when the windows change)."""
        windows = [w.window for w in b.windows if self._shows(w.window)]
        if windows == self._shown_windows:
            return
        self._shown_windows = windows
        lay = self.layout_ = layout_for(len(windows))
        for card in self.card_widgets.values():
            card.setParent(None)
            card.deleteLater()
        self.card_widgets = {}
        for c in range(max(self.cards.columnCount(), lay.cols)):
            self.cards.setColumnStretch(c, 1 if c < lay.cols else 0)
        for r in range(max(self.cards.rowCount(), lay.rows)):
            self.cards.setRowStretch(r, 1 if r < lay.rows else 0)
        for i, w in enumerate(windows[: lay.cols * lay.rows]):
            card = WindowCard(w, lay)
            self.cards.addWidget(card, i // lay.cols, i % lay.cols)
            self.card_widgets[w] = card
        self.recent_box.setVisible(lay.recent > 0)
        for i, row in enumerate(self.recent_rows):
            row.setVisible(i < lay.recent)
        old = self.hero_box.layout()
        if old is not None:
            QWidget().setLayout(old)  # hand the old layout to a throwaway widget
        hero = QHBoxLayout(self.hero_box) if lay.hero_inline else QVBoxLayout(self.hero_box)
        hero.setContentsMargins(0, 0, 0, 0)
        hero.setSpacing(24 if lay.hero_inline else 0)
        hero.addWidget(self.big)
        hero.addWidget(self.big_en)
        self.big.setFixedHeight(tight_height(lay.hero_px))
        self.big_en.setFixedHeight(tight_height(lay.hero_en_px, latin=True))
        self.big_en.setStyleSheet(css(lay.hero_en_px, FG))
        self.big_style.current = ""

    def _hero(self, b: Board) -> None:
        # the board's recent calls are the hall's last few: an area's newest may be among its current ones only
        newest = next((c for c in b.recent if self._shows(c.window)), None) or max(
            (c for c in b.current if self._shows(c.window)), key=lambda c: c.at, default=None)
        if newest:
            set_text(self.big, call_text(newest.ticket, newest.window, "zh", short=True))
            set_text(self.big_en, call_text(newest.ticket, newest.window, "en", short=True))
        else:
            set_text(self.big, "欢迎光临")
            set_text(self.big_en, "Welcome")

    def _waiting(self, b: Board) -> None:
        codes = [c for c in b.services if self.only_services is None or c in self.only_services]
        if list(self.waiting_chips) != codes:
            for chip in self.waiting_chips.values():
                self.waiting_flow.removeWidget(chip)
                chip.deleteLater()
            self.waiting_chips = {}
            for code in codes:
                chip = Chip("", b.services_en.get(code, ""))
                self.waiting_flow.addWidget(chip)
                self.waiting_chips[code] = chip
        for code, chip in self.waiting_chips.items():
            set_text(chip.zh, f"{code} {b.services[code]} {b.waiting.get(code, 0)}人")
            set_text(chip.en, b.services_en.get(code, ""))
            chip.en.setVisible(bool(chip.en.text()))
        height = self.waiting_flow.heightForWidth(self.width() - 16)
        if height != self.waiting_box.height():
            self.waiting_box.setFixedHeight(height)  # the counts wrap: the rest of the screen makes room


def main(argv: list[str] | None = None) -> int:
    from hall_protocol.mqtt import Endpoint, tls_arguments, tls_from_args
    from hall_protocol.presence import PresenceAnnouncer
    from qtkit.common import application, show_window
    from qtkit.ops import wire_ops
    from qtkit.service import serve
    ap = argparse.ArgumentParser(prog="calling-screen")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", default="screen-main", help="this screen's device id")
    ap.add_argument("--broker", default="127.0.0.1:1883")
    tls_arguments(ap)
    ap.add_argument("--window", type=int, help="window screen mode for one window (hall_apps/window_screen.py)")
    ap.add_argument("--windows", help="show only these windows, e.g. 1-8,12 (an area of the hall)")
    ap.add_argument("--zone", help="show only the windows of this zone of the hall file (needs --config)")
    ap.add_argument("--config", help="the hall file (for --zone: its windows, name and services)")
    ap.add_argument("--controller-id", default="hall-controller")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    install_log_masking()  # every record masked (privacy.logs)
    try:
        only, title, services = _area(args)
    except ValueError as err:
        print(f"calling-screen: {err}", file=sys.stderr)
        return 78
    app = application(sys.argv)
    host, port = args.broker.rsplit(":", 1)
    model = ScreenModel(args.hall, args.controller_id, window=args.window)
    presence = PresenceAnnouncer(args.id, "screen", [args.hall])  # retained, last will offline
    ep = Endpoint(args.id, host, int(port), username=args.id, password=os.environ.get("HALL_MQTT_PASSWORD"),
                  tls=tls_from_args(ap, args), will=presence.will())
    model.attach(ep)
    presence.attach(ep)
    if args.window is not None:
        from hall_apps.window_screen import WindowScreen
        screen: QWidget = WindowScreen(model, args.window)
    else:
        screen = CallingScreen(model, windows=only, title=title, services=services)
    wire_ops(app, ep, args.id, "screen", [args.hall])  # a technician's info, log, restart (hall_protocol/ops.py)
    ep.start(timeout=0)  # keep retrying in the background; the banner says so meanwhile
    show_window(screen, full_screen=True)   # or where HALL_WINDOW_GEOMETRY puts it (the demo)
    serve(app, f"screen {args.id}")  # systemd: READY=1, the watchdog fed by the event loop (qtkit/service.py)
    code = app.exec()
    ep.stop()
    return code


def _area(args) -> tuple[list[int] | None, str, list[str] | None]:
    """The windows, title and services of `--zone` (from the hall file) or `--windows`."""
    if args.zone:
        from config import ConfigError, HallSuiteConfig, load_config
        if not args.config:
            raise ValueError("--zone needs --config (the hall file that names the zones)")
        try:
            hall = load_config(args.config, HallSuiteConfig).hall(args.hall)
        except (ConfigError, KeyError) as err:
            raise ValueError(f"{args.config}: {err}") from err
        zone = next((z for z in hall.audio.zones if z.id == args.zone), None)
        if zone is None:
            raise ValueError(f"{args.config}: hall {args.hall} has no zone {args.zone!r} "
                             f"(zones: {', '.join(z.id for z in hall.audio.zones) or 'none'})")
        services = sorted({c for w in hall.windows if w.number in zone.windows for c in w.services})
        return list(zone.windows), f"{hall.name}　{zone.name} {zone.name_en}".strip(), services
    if args.windows:
        return parse_windows(args.windows), "", None
    return None, "", None


if __name__ == "__main__":
    sys.exit(main())
