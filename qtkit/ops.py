"""A Qt app's remote operations (hall_protocol/ops.py) in one call: the responder with a restart
that ends `app.exec()` with RESTART_EXIT_CODE from whichever thread the request came on (the
MQTT thread); the app's `main` returns what `app.exec()` returned, so the process exits 75 and
systemd (`Restart=always`) or the kiosk's watchdog starts it again."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from hall_protocol.ops import RESTART_EXIT_CODE, OpsResponder
from hall_protocol.opsmsg import OpsConfigResult


class _Exit(QObject):
    """Lives on the UI thread: a signal emitted on another thread is queued to it."""

    asked = Signal(int)

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.moveToThread(app.thread())
        self.asked.connect(self._exit)
        self._app = app

    def _exit(self, code: int) -> None:
        self._app.exit(code)


def wire_ops(app: QApplication, endpoint, device_id: str, role: str, halls: list[str], *,
             counters: Callable[[], dict[str, int]] | None = None,
             configure: Callable[[dict[str, str]], OpsConfigResult] | None = None) -> OpsResponder:
    """Call before the endpoint starts; kept alive on `app`."""
    exiting = _Exit(app)
    responder = OpsResponder(endpoint, device_id, role, list(halls), counters=counters, configure=configure,
                             restart=lambda: exiting.asked.emit(RESTART_EXIT_CODE)).attach()
    app._hall_ops = (exiting, responder)  # noqa: SLF001 - kept alive as long as the app
    return responder
