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
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk_app.flows.identity import (CARD_ERROR_PAGE, FAILED, IDENTIFIED, IDLE, RETRY, VERIFYING, IdentityFlow,
                                      IdentityView)
from kiosk_app.i18n import tr

PREVIEW = (640, 480)
BUTTON_CSS = "QPushButton{background:white; color:#0b3d91; border-radius:24px; font-size:%dpx; font-weight:bold;}"


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
    def __init__(self, identity: IdentityFlow, lang=lambda: "zh", intent=lambda fn: fn()) -> None:
        super().__init__()
        self.identity, self.lang, self.intent = identity, lang, intent
        self.setObjectName("identify-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.prompt = QLabel()
        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW)
        self.preview.setStyleSheet("background:#06275e; border:4px solid #ffd54f; border-radius:12px;")
        self.status = QLabel()
        self.masked_id = QLabel()
        self.result = QLabel()
        for w in (self.title, self.prompt, self.status, self.masked_id, self.result):
            w.setAlignment(Qt.AlignCenter)
            w.setWordWrap(True)
        self.title.setStyleSheet("font-size:40px; font-weight:bold;")
        self.prompt.setStyleSheet("font-size:52px; font-weight:bold; color:#ffd54f;")
        self.status.setStyleSheet("font-size:32px;")
        self.masked_id.setStyleSheet("font-size:36px;")
        lay.addWidget(self.title)
        lay.addStretch(1)
        lay.addWidget(self.prompt)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.preview)
        row.addStretch(1)
        lay.addLayout(row)
        for w in (self.status, self.masked_id, self.result):
            lay.addWidget(w)
        lay.addStretch(2)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton()
        self.retry_button.clicked.connect(lambda: self.intent(self.identity.retry))
        self.finish_button = QPushButton()
        self.finish_button.clicked.connect(lambda: self.intent(self.identity.wipe))
        for b in (self.retry_button, self.finish_button):
            b.setMinimumHeight(100)
            b.setStyleSheet(BUTTON_CSS % 36)
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.bridge = _Bridge(self)
        self.bridge.view.connect(self.render)
        self.bridge.frame.connect(self._frame)
        identity.listeners.append(self.bridge.view.emit)
        identity.frame_listeners.append(self.bridge.frame.emit)

    @property
    def active(self) -> bool:
        return self.identity.view.state != IDLE

    def _frame(self, frame: np.ndarray) -> None:
        if self.identity.view.state == VERIFYING:
            self.preview.setPixmap(frame_pixmap(frame))

    def render(self, view: IdentityView | None = None) -> None:
        view = view or self.identity.view
        lang = self.lang()
        zh = lang == "zh"
        self.title.setText(tr("id_title", lang))
        verifying = view.state == VERIFYING
        feedback = view.reasons[0] if verifying and view.reasons else None
        if verifying:
            prompt = (feedback.prompt_zh if zh else feedback.prompt_en) if feedback else (
                (view.prompt_zh if zh else view.prompt_en) or tr("id_face_look", lang))
        else:
            prompt = tr(view.message, lang) if view.message else ""
        self.prompt.setText(prompt)
        if verifying:
            challenge = view.prompt_zh if zh else view.prompt_en
            self.status.setText(" · ".join(filter(None, (
                challenge if feedback else "",
                tr("id_frames", lang, n=min(view.accepted_frames, view.needed_frames), m=view.needed_frames)))))
        else:
            self.status.setText("")
            self.preview.clear()
        self.preview.setVisible(verifying)
        self.masked_id.setText(tr("id_number", lang, id=view.masked_id) if view.masked_id else "")
        done = view.state in (IDENTIFIED, FAILED, RETRY, CARD_ERROR_PAGE)
        details = [r.prompt_zh if zh else r.prompt_en for r in view.reasons] if view.state in (FAILED, RETRY) else []
        self.result.setText("\n".join(dict.fromkeys(details)))
        colour = "#a5d6a7" if view.state == IDENTIFIED and view.face_verified else "#ffab91"
        self.result.setStyleSheet(f"font-size:30px; color:{colour};")
        if done:
            self.prompt.setStyleSheet(f"font-size:52px; font-weight:bold; color:{colour};")
        else:
            self.prompt.setStyleSheet("font-size:52px; font-weight:bold; color:#ffd54f;")
        self.retry_button.setText(tr("id_retry", lang))
        self.retry_button.setVisible(view.state == RETRY)
        self.finish_button.setText(tr("id_cancel", lang))
