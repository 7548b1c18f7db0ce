"""The kiosk's "identify" page: renders IdentityFlow's view; Qt only, no logic.

Shows the prompt (place the card, the liveness challenge, what to fix), the live camera
picture, the frames captured so far, the result and the masked ID number; never the name
or the card photo. The flow and the face worker call from their threads; a signal brings
each view and frame to the UI thread. Frames are drawn and dropped, never kept.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk_app.flows.identity import (CARD_ERROR_PAGE, FAILED, IDENTIFIED, IDLE, PIN, PIN_LENGTH, RETRY, VERIFYING,
                                      WAIT_CARD, IdentityFlow, IdentityView)
from kiosk_app.i18n import tr
from kiosk_app.qt.icons import place_card
from kiosk_app.qt.theme import (CAMERA_PREVIEW, GOLD, GOOD, KEY_GAP, NORMAL, PREVIEW_BG, SMALL_RADIUS, WARN, button_css,
                                 mark, text_css)

PREVIEW = CAMERA_PREVIEW


class _Bridge(QObject):
    view = Signal(object)
    frame = Signal(object)


def frame_pixmap(frame: np.ndarray, size: tuple[int, int] = PREVIEW) -> QPixmap:
    """A BGR frame as a mirrored preview (people expect a mirror), scaled to `size`."""
    rgb = np.ascontiguousarray(frame[:, ::-1, ::-1])
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(*size, Qt.KeepAspectRatio, Qt.SmoothTransformation)


class IdentifyPage(QWidget):
    def __init__(self, identity: IdentityFlow, lang=lambda: "zh", intent=lambda fn: fn(), look=lambda: NORMAL) -> None:
        super().__init__()
        self.identity, self.lang, self.intent, self.look = identity, lang, intent, look
        self.setObjectName("identify-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.prompt = QLabel()
        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW)
        self.preview.setStyleSheet(f"background:{PREVIEW_BG}; border:4px solid {GOLD}; border-radius:{SMALL_RADIUS}px;")
        self.status = QLabel()
        self.masked_id = QLabel()
        self.result = QLabel()
        for w, role in ((self.title, "title"), (self.prompt, "primary"), (self.status, "body"),
                        (self.masked_id, "body"), (self.result, "body")):
            w.setAlignment(Qt.AlignCenter)
            w.setWordWrap(True)
            mark(w, role)
        lay.addWidget(self.title)
        lay.addStretch(1)
        lay.addWidget(self.prompt)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.preview)
        row.addStretch(1)
        lay.addLayout(row)
        self.picture = QLabel()                # where the card goes, while the page waits for it
        self.picture.setObjectName("place-card")
        self.picture.setAlignment(Qt.AlignCenter)
        self.picture.setMinimumSize(1, 1)      # never what keeps a short panel's window from fitting
        lay.addWidget(self.picture)
        for w in (self.status, self.masked_id, self.result):
            lay.addWidget(w)
        self.pin_pad = self._build_pin_pad()       # a social security card that wants its PIN
        lay.addWidget(self.pin_pad)
        lay.addStretch(2)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton()
        self.retry_button.clicked.connect(lambda: self.intent(self.identity.retry))
        self.finish_button = QPushButton()
        self.finish_button.clicked.connect(lambda: self.intent(self.identity.wipe))
        for b in (self.retry_button, self.finish_button):
            buttons.addWidget(mark(b, "body"))
        lay.addLayout(buttons)
        self.bridge = _Bridge(self)
        self.bridge.view.connect(self.render)
        self.bridge.frame.connect(self._frame)
        identity.listeners.append(self.bridge.view.emit)
        identity.frame_listeners.append(self.bridge.frame.emit)

    def _build_pin_pad(self) -> QWidget:
        pad = QWidget()
        pad.setObjectName("pin-pad")
        col = QVBoxLayout(pad)
        self.pin_dots = QLabel()
        self.pin_dots.setObjectName("pin-dots")
        self.pin_dots.setAlignment(Qt.AlignCenter)
        mark(self.pin_dots, "huge")
        col.addWidget(self.pin_dots)
        grid = QGridLayout()
        grid.setSpacing(KEY_GAP)
        keys = [*"123456789", "⌫", "0", "OK"]
        self.pin_ok = None
        for i, key in enumerate(keys):
            b = QPushButton(key)
            b.setObjectName({"⌫": "pin-back", "OK": "pin-ok"}.get(key, f"pin-{key}"))
            mark(b, "primary")
            if key == "⌫":
                b.clicked.connect(lambda: self.identity.pin_backspace())
            elif key == "OK":
                b.clicked.connect(lambda: self.intent(self.identity.pin_submit))
                self.pin_ok = b
            else:
                b.clicked.connect(lambda _=False, d=key: self.identity.pin_key(d))
            grid.addWidget(b, i // 3, i % 3)
        col.addLayout(grid)
        pad.hide()
        return pad

    @property
    def active(self) -> bool:
        return self.identity.view.state != IDLE

    def _frame(self, frame: np.ndarray) -> None:
        if self.identity.view.state == VERIFYING:
            self.preview.setPixmap(frame_pixmap(frame))

    def render(self, view: IdentityView | None = None) -> None:
        view = view or self.identity.view
        lang, look = self.lang(), self.look()
        self._style(look)
        zh = lang == "zh"
        self.title.setText(tr("id_title", lang))
        verifying = view.state == VERIFYING
        feedback = view.reasons[0] if verifying and view.reasons else None
        if verifying:
            prompt = (feedback.prompt_zh if zh else feedback.prompt_en) if feedback else (
                (view.prompt_zh if zh else view.prompt_en) or tr("id_face_look", lang))
        else:
            prompt = tr(view.message, lang, **({"n": view.tries_left} if view.message == "ss_pin_wrong" else {})) \
                if view.message else ""
        self.prompt.setText(prompt)
        pin = view.state == PIN
        self.pin_pad.setVisible(pin)
        if pin:
            self.pin_dots.setText("●" * view.pin_digits + "○" * max(0, PIN_LENGTH - view.pin_digits))
            self.pin_ok.setText(tr("ss_pin_ok", lang))
        if verifying:
            challenge = view.prompt_zh if zh else view.prompt_en
            self.status.setText(" · ".join(filter(None, (
                challenge if feedback else "",
                tr("id_frames", lang, n=min(view.accepted_frames, view.needed_frames), m=view.needed_frames)))))
        else:
            self.status.setText("")
            self.preview.clear()
        self.preview.setVisible(verifying)
        self.picture.setVisible(view.state == WAIT_CARD)
        if view.state == WAIT_CARD:
            # a sixth of the panel's height at most: 1920 px high 320 px, 1080 px high 180 px
            self.picture.setPixmap(place_card(min(self.look().picture("qr"), self.window().height() // 6)))
        self.masked_id.setText(tr("id_number", lang, id=view.masked_id) if view.masked_id else "")
        done = view.state in (IDENTIFIED, FAILED, RETRY, CARD_ERROR_PAGE)
        details = [r.prompt_zh if zh else r.prompt_en for r in view.reasons] if view.state in (FAILED, RETRY) else []
        self.result.setText("\n".join(dict.fromkeys(details)))
        colour = GOOD if view.state == IDENTIFIED and view.face_verified else WARN
        self.result.setStyleSheet(text_css(look, "body", colour))
        self.prompt.setStyleSheet(text_css(look, "primary", colour if done else GOLD, bold=True))
        for w in (self.status, self.masked_id, self.result):   # an empty line takes no room
            w.setVisible(bool(w.text()))
        self.retry_button.setText(tr("id_retry", lang))
        self.retry_button.setVisible(view.state == RETRY)
        self.finish_button.setText(tr("id_cancel", lang))

    def _style(self, look) -> None:
        """Sizes and colours of the mode on screen (kiosk_app/qt/theme.py)."""
        self.title.setStyleSheet(text_css(look, "title", GOLD, bold=True))
        self.status.setStyleSheet(text_css(look, "body"))
        self.masked_id.setStyleSheet(text_css(look, "body"))
        self.pin_dots.setStyleSheet(text_css(look, "huge", GOLD, bold=True) + "letter-spacing:12px;")
        for b in self.pin_pad.findChildren(QPushButton):
            b.setStyleSheet(button_css(look, "primary"))
            b.setMinimumHeight(look.target("key"))
        for b in (self.retry_button, self.finish_button):
            b.setStyleSheet(button_css(look, "body", kind="secondary" if b is self.finish_button else "primary"))
            b.setMinimumHeight(look.target())
