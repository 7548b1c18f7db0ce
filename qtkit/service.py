"""A Qt app under systemd (deploy/systemd/hall-*@.service, Type=notify): READY=1 once its event
loop runs, WATCHDOG=1 from a QTimer on that loop (a frozen loop fires no timer, so the pings
stop and systemd restarts the app after `WatchdogSec=`), STOPPING=1 when it quits. Without
`NOTIFY_SOCKET` (started by hand, the demo, tests) nothing is sent."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from servicekit import Notifier, Watchdog


def serve(app: QApplication, name: str) -> Watchdog:
    """Call right before `app.exec()`; keeps what it made alive on `app`."""
    notify = Notifier.from_environment()
    watchdog = Watchdog(notify, [])  # the timer's tick is the heartbeat: it runs only on a live loop
    timer = QTimer(app)
    timer.setInterval(max(50, int(watchdog.interval_s * 1000)))
    timer.timeout.connect(watchdog.check)
    if notify.watchdog_s:
        timer.start()
    QTimer.singleShot(0, lambda: notify.ready(f"{name} running"))
    app.aboutToQuit.connect(lambda: notify.stopping(f"{name} stopping"))
    app._hall_watchdog = (notify, watchdog, timer)  # noqa: SLF001 - kept alive as long as the app
    return watchdog
