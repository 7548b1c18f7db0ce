"""The rating pad (好差评 评价器): a small touch screen at every window, 1280x800.

While a ticket is served it shows the clerk (photo, name, staff number); when the clerk has
finished, it invites the citizen to rate in the five standard levels, large and coloured, with
a spoken prompt; a low level asks for reasons (or skip). It thanks at once, ends an unanswered
invitation politely, and never shows anything personal. The logic is RatingPadModel
(hall_apps/rating_pad_model.py); this only renders it and passes taps on.

    rating-pad --hall demo-hall --id pad-w1 --window 1 --broker 127.0.0.1:1883   # HALL_MQTT_PASSWORD
"""
from __future__ import annotations

import argparse
import base64
import logging
import os
import sys

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout,
                               QWidget)

from drivers.core.errors import DeviceError
from hall_apps.rating_pad_model import PROMPT, RatingPadModel, pad_endpoint
from hall_protocol.rating_pad import LEVELS, REASONS
from privacy import install_log_masking

log = logging.getLogger(__name__)

BG, FG, DIM, ACCENT = "#f5f7fa", "#1a2433", "#5b6b7f", "#1565c0"
LEVEL_COLOURS = {5: "#2e7d32", 4: "#7cb342", 3: "#f9a825", 2: "#ef6c00", 1: "#c62828"}


class _Bridge(QObject):
    changed = Signal()


def text(px: int, color: str = FG, bold: bool = False) -> QLabel:
    w = QLabel()
    w.setAlignment(Qt.AlignCenter)
    w.setWordWrap(True)
    w.setStyleSheet(f"color:{color}; font-size:{px}px; {'font-weight:bold;' if bold else ''}")
    return w


class ClerkView(QWidget):
    """The clerk as the pad shows them: photo, name, staff number, title."""

    def __init__(self) -> None:
        super().__init__()
        box = QHBoxLayout(self)
        self.photo = QLabel()
        self.photo.setFixedSize(210, 280)
        self.photo.setAlignment(Qt.AlignCenter)
        box.addWidget(self.photo)
        col = QVBoxLayout()
        self.name, self.number, self.title = text(64, FG, True), text(44, ACCENT, True), text(36, DIM)
        for w in (self.name, self.number, self.title):
            w.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            col.addWidget(w)
        box.addLayout(col, 1)
        self._key = None

    def show_card(self, card) -> None:
        key = (card.staff_id, len(card.photo_jpeg_b64 or "")) if card else None
        if key == self._key:
            return
        self._key = key
        self.setVisible(card is not None)
        if card is None:
            return
        self.name.setText(card.name)
        self.number.setText(f"工号 {card.staff_id}　Staff No. {card.staff_id}")
        self.title.setText("　".join(t for t in (card.title, card.title_en) if t))
        pixmap = QPixmap()
        if card.photo_jpeg_b64 and pixmap.loadFromData(base64.b64decode(card.photo_jpeg_b64)):
            self.photo.setPixmap(pixmap.scaled(210, 280, Qt.KeepAspectRatio, Qt.SmoothTransformation))


def level_button(score: int) -> QPushButton:
    """A big coloured button: the level in Chinese, its English under it (smaller), a row of stars."""
    zh, en = LEVELS[score]
    b = QPushButton()
    b.setMinimumSize(220, 300)
    b.setStyleSheet(f"QPushButton {{background:{LEVEL_COLOURS[score]}; border-radius:18px;}}")
    box = QVBoxLayout(b)
    box.setContentsMargins(6, 20, 6, 20)
    for words, px, bold in (("★" * score, 30, False), (zh, 42, True), (en, 26, False)):
        label = QLabel(words)
        label.setAlignment(Qt.AlignCenter)
        label.setWordWrap(True)
        label.setAttribute(Qt.WA_TransparentForMouseEvents)
        label.setStyleSheet(f"color:white; background:transparent; font-size:{px}px; {'font-weight:bold;' if bold else ''}")
        box.addWidget(label)
    b.setAccessibleName(f"{zh} {en}")
    b.setProperty("level", zh)
    return b


class RatingPad(QWidget):
    def __init__(self, model: RatingPadModel) -> None:
        super().__init__()
        self.model = model
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        model.listeners.append(self.bridge.changed.emit)
        self.setWindowTitle(f"{model.window} 号窗口 好差评 Rating")
        self.resize(1280, 800)
        self.setStyleSheet(f"background:{BG};")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        self.header = text(36, DIM, True)
        self.header.setText(f"{model.window} 号窗口 · 好差评　Window {model.window} · Rate our service")
        root.addWidget(self.header)
        self.banner = text(32, "white", True)
        self.banner.setStyleSheet("background:#c62828; color:white; font-size:32px; font-weight:bold;")
        root.addWidget(self.banner)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)
        # welcome / serving: the clerk
        self.home = QWidget()
        home = QVBoxLayout(self.home)
        self.clerk = ClerkView()
        self.home_line = text(52, FG, True)
        self.home_en = text(34, DIM)
        home.addStretch(1)
        home.addWidget(self.clerk)
        home.addWidget(self.home_line)
        home.addWidget(self.home_en)
        home.addStretch(1)
        self.pages.addWidget(self.home)
        # rate: five levels
        self.rate_page = QWidget()
        rate = QVBoxLayout(self.rate_page)
        self.prompt = text(56, FG, True)
        self.prompt_en = text(34, DIM)
        self.about = text(34, ACCENT)
        for w in (self.prompt, self.prompt_en, self.about):
            rate.addWidget(w)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.levels: dict[int, QPushButton] = {}
        for score in (5, 4, 3, 2, 1):
            b = level_button(score)
            b.clicked.connect(lambda _=False, s=score: self.model.tap(s))
            row.addWidget(b)
            self.levels[score] = b
        rate.addLayout(row, 1)
        self.pages.addWidget(self.rate_page)
        # reasons for a low level
        self.reasons_page = QWidget()
        rs = QVBoxLayout(self.reasons_page)
        head = text(48, FG, True)
        head.setText("请告诉我们哪里不满意（可多选）")
        head_en = text(32, DIM)
        head_en.setText("What went wrong? (choose any)")
        rs.addWidget(head)
        rs.addWidget(head_en)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.reason_buttons: dict[str, QPushButton] = {}
        for i, (code, (zh, en)) in enumerate(REASONS.items()):
            b = QPushButton(f"{zh}\n{en}")
            b.setCheckable(True)
            b.setMinimumHeight(120)
            b.clicked.connect(lambda _=False, c=code: self.model.toggle(c))
            grid.addWidget(b, i // 4, i % 4)
            self.reason_buttons[code] = b
        rs.addLayout(grid, 1)
        actions = QHBoxLayout()
        self.send = QPushButton("提交 Submit")
        self.skip = QPushButton("跳过 Skip")
        for b, colour in ((self.send, ACCENT), (self.skip, DIM)):
            b.setMinimumHeight(110)
            b.setStyleSheet(f"background:{colour}; color:white; font-size:40px; font-weight:bold; border-radius:14px;")
            actions.addWidget(b)
        self.send.clicked.connect(self.model.submit)
        self.skip.clicked.connect(self._skip)
        rs.addLayout(actions)
        self.pages.addWidget(self.reasons_page)
        # thanks
        self.thanks = text(72, "#2e7d32", True)
        self.thanks.setText("感谢您的评价！\nThank you!")
        self.pages.addWidget(self.thanks)
        timer = QTimer(self)
        timer.timeout.connect(self.model.tick)
        timer.start(1000)
        self.render()

    def _skip(self) -> None:
        self.model.reasons = []
        self.model.submit()

    def render(self) -> None:
        m = self.model
        self.banner.setVisible(not m.connected)
        self.banner.setText("网络中断，评价将在恢复后提交　Offline: ratings are sent when the network is back")
        self.clerk.show_card(m.card)
        pad = m.pad
        if m.phase == "rate":
            self.pages.setCurrentWidget(self.rate_page)
            self.prompt.setText(PROMPT[0])
            self.prompt_en.setText(PROMPT[1])
            who = f" · {m.card.name} {m.card.staff_id}" if m.card else ""
            service = f" {pad.service_name}" if pad else ""
            self.about.setText(f"{m.ticket}{service}{who}")
        elif m.phase == "reasons":
            self.pages.setCurrentWidget(self.reasons_page)
            for code, b in self.reason_buttons.items():
                on = code in m.reasons
                b.setChecked(on)
                b.setStyleSheet(f"font-size:34px; font-weight:bold; border-radius:14px; "
                                f"background:{'#ef6c00' if on else 'white'}; color:{'white' if on else FG};"
                                " border:3px solid #ef6c00;")
        elif m.phase == "thanks":
            self.pages.setCurrentWidget(self.thanks)
        else:
            self.pages.setCurrentWidget(self.home)
            if m.phase == "serving" and pad and pad.ticket:
                self.home_line.setText(f"正在为您办理 {pad.ticket} {pad.service_name}")
                self.home_en.setText(f"Serving {pad.ticket} · {pad.service_name_en}")
            elif m.phase == "paused":
                self.home_line.setText("暂停服务" + (f"：{pad.reason}" if pad and pad.reason else ""))
                self.home_en.setText("Service paused")
            elif m.phase == "closed":
                self.home_line.setText("本窗口已关闭")
                self.home_en.setText("This window is closed")
            else:
                self.home_line.setText("欢迎您！我们竭诚为您服务")
                self.home_en.setText("Welcome! We are glad to serve you")


def main(argv: list[str] | None = None) -> int:
    from hall_protocol.mqtt import tls_arguments, tls_from_args
    from qtkit.common import application, show_window
    from qtkit.ops import wire_ops
    from qtkit.service import serve
    ap = argparse.ArgumentParser(prog="rating-pad", description="The rating pad at a window (好差评).")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", required=True, help="this pad's device id (role ratingpad)")
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--broker", default="127.0.0.1:1883")
    tls_arguments(ap)
    ap.add_argument("--controller-id", default="hall-controller")
    ap.add_argument("--speaker", default="auto", help="where the spoken prompt plays: auto, pulse://sink, "
                                                      "alsa://device, none")
    ap.add_argument("--voice", default="cmn-latn-pinyin", help="the espeak-ng voice of the spoken prompt")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    install_log_masking()  # every record masked (privacy.logs)
    app = application(sys.argv)
    host, port = args.broker.rsplit(":", 1)
    model = RatingPadModel(args.hall, args.window, args.controller_id)
    ep = pad_endpoint(args.id, args.hall, host, int(port), os.environ.get("HALL_MQTT_PASSWORD"), tls_from_args(ap, args))
    speech = start_speech(args.speaker, args.voice, args.id, args.hall, ep, model)
    model.attach(ep)
    pad = RatingPad(model)
    wire_ops(app, ep, args.id, "ratingpad", [args.hall],  # a technician's info, log, counters, restart
             counters=speech.health.counters if speech is not None else None)
    ep.start(timeout=0)
    show_window(pad, full_screen=True)   # or where HALL_WINDOW_GEOMETRY puts it (the demo)
    serve(app, f"rating pad {args.id}")  # systemd: READY=1, the watchdog fed by the event loop
    code = app.exec()
    if speech is not None:
        speech.watch.stop()
        speech.worker.close()
    ep.stop()
    return code


class PadSpeech:
    """The pad's spoken prompt: a speech worker, its retained health (part speech of the pad's
    device health) and a check on a schedule. A speech engine that cannot start (a missing
    espeak-ng voice) is a technician's visit on the health topic; the pad works on, silent."""

    CHECK_S = 60.0

    def __init__(self, worker, health, watch) -> None:
        self.worker, self.health, self.watch = worker, health, watch

    def say(self, text_zh: str) -> None:
        try:
            self.worker.say(text_zh)  # queued: never cut off
        except DeviceError as err:
            log.warning("rating pad prompt not spoken: %s", err)


def start_speech(speaker: str, voice: str, pad_id: str, hall: str, endpoint,
                 model: RatingPadModel) -> PadSpeech | None:
    if speaker == "none":
        return None
    from drivers.core.watch import DeviceWatch
    from drivers.speech.output import AudioOutput
    from drivers.speech.worker import SpeechWorker
    from hall_protocol.health import HealthPublisher
    worker = SpeechWorker(voice, output=AudioOutput(speaker), device_id=f"{pad_id}-speech")
    health = HealthPublisher.on_endpoint(endpoint, hall, pad_id, "ratingpad")
    health.watch("speech", worker)
    try:
        worker.start()
    except DeviceError as err:
        log.error("rating pad %s cannot speak: %s", pad_id, err)
    watch = DeviceWatch()
    watch.add("speech", worker, PadSpeech.CHECK_S)
    watch.start()
    speech = PadSpeech(worker, health, watch)
    model.on_prompt = speech.say
    return speech


if __name__ == "__main__":
    sys.exit(main())
