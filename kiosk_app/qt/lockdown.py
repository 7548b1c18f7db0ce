"""The locked-down terminal: no way out for a citizen, a hidden way in for a technician.

- frameless full screen; the window refuses to close unless the kiosk itself quits
  (KioskWindow.closeEvent), so Alt+F4 from a window manager, Ctrl+W and Ctrl+Q do nothing;
- no context menu anywhere (a right click or a long touch opens nothing);
- the cursor hidden on a touch screen (`hide_cursor` in the kiosk's file);
- a press held for 3 s in the top-left corner opens the technician page (its PIN first).
"""
from __future__ import annotations

import logging
import os
import signal
import time

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

CORNER_PX = 120          # the hidden corner, in window pixels from the top-left
LONG_PRESS_MS = 3000

_CLOSE_KEYS = {QKeySequence("Alt+F4"), QKeySequence("Ctrl+W"), QKeySequence("Ctrl+Q"), QKeySequence("Ctrl+F4")}


class KioskGuard(QObject):
    """An application-wide event filter: eats context menus and the close shortcuts, and watches
    for the long press in the corner (then calls `on_long_press`)."""

    def __init__(self, window: QWidget, on_long_press=None) -> None:
        super().__init__(window)
        self.window = window
        self.on_long_press = on_long_press
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(LONG_PRESS_MS)
        self.timer.timeout.connect(self._fire)

    def _in_corner(self, event) -> bool:
        pos: QPoint = self.window.mapFromGlobal(event.globalPosition().toPoint())
        return 0 <= pos.x() < CORNER_PX and 0 <= pos.y() < CORNER_PX

    def _fire(self) -> None:
        if self.on_long_press is not None:
            self.on_long_press()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.ContextMenu:
            return True
        if kind in (QEvent.KeyPress, QEvent.ShortcutOverride):
            combo = QKeySequence(event.keyCombination())
            if combo in _CLOSE_KEYS:
                return True
        elif kind == QEvent.MouseButtonPress and isinstance(obj, QWidget) and obj.window() is self.window:
            if event.button() == Qt.LeftButton and self._in_corner(event):
                self.timer.start()
            else:
                self.timer.stop()
        elif kind == QEvent.MouseButtonRelease:
            self.timer.stop()
        elif kind == QEvent.MouseMove and self.timer.isActive() and not self._in_corner(event):
            self.timer.stop()
        return False


def lock_down(window, *, kiosk_mode: bool, hide_cursor: bool = False, on_long_press=None) -> KioskGuard:
    """Install the guard on the application (the long press works in both modes); in kiosk mode
    the window goes frameless full screen and refuses to close."""
    app = QApplication.instance()
    guard = KioskGuard(window, on_long_press)
    app.installEventFilter(guard)
    window.setContextMenuPolicy(Qt.NoContextMenu)
    window.locked = kiosk_mode
    if kiosk_mode:
        window.setWindowFlag(Qt.FramelessWindowHint, True)
    if hide_cursor:
        app.setOverrideCursor(Qt.BlankCursor)
    return guard


def quit_on_sigterm(app, window) -> QTimer:
    """SIGTERM (systemd, the watchdog, the demo) closes the window and ends the event loop, so that
    the kiosk stops in order (its presence, its printer). A timer gives Python its turn to run the
    handler while Qt waits."""
    def stop(*_) -> None:
        window.quit()
        app.quit()
    signal.signal(signal.SIGTERM, stop)
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return timer


class Heartbeat(QObject):
    """Writes the machine's monotonic time to a file every second from the Qt event loop: the
    watchdog's sign that this kiosk is alive (a frozen loop stops writing). Monotonic, not the
    file's modification time: a clock set forward at boot (NTP) must not look like a freeze."""

    def __init__(self, path: str, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.path = path
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.beat)
        self.timer.start(interval_ms)
        self.beat()

    def beat(self) -> None:
        tmp = f"{self.path}.tmp"
        try:
            with open(tmp, "w", encoding="ascii") as f:
                f.write(f"{time.monotonic():.3f}\n")
            os.replace(tmp, self.path)     # whole or not at all: the watchdog never reads half a beat
        except OSError as err:
            log.warning("kiosk heartbeat %s: %s", self.path, err)
