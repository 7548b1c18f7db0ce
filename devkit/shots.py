"""Screenshots of the calling screen, a window screen and the window caller in a realistic
morning of the example hall, against a private Mosquitto and a real controller on a clock
set to 10:05 (so the waiting times and timers read like a real hall):

    python -m devkit.shots docs/screens

Writes calling-screen.png, window-screen.png (1920x1080), window-caller.png (its natural
size) and calling-screen-offline.png (the controller has gone away).
"""
from __future__ import annotations

import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from config import HallSuiteConfig, load_config
from devkit.broker import MosquittoBroker
from drivers.core.clock import FakeClock
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint

ROOT = Path(__file__).resolve().parents[2]
# (service, priority, seconds after the previous ticket)
MORNING = [("A", "normal", 0), ("B", "normal", 50), ("A", "appointment", 40), ("C", "normal", 70),
           ("D", "normal", 30), ("A", "normal", 45), ("B", "green", 60), ("A", "normal", 35),
           ("C", "normal", 80), ("B", "normal", 25), ("A", "normal", 55), ("D", "normal", 40),
           ("A", "normal", 30), ("B", "normal", 65), ("C", "normal", 50), ("A", "green", 20),
           ("A", "normal", 45), ("B", "normal", 30)]
# (window, action, seconds to let pass afterwards)
CALLS = [(1, "call_next", 120), (2, "call_next", 90), (3, "call_next", 60), (1, "finish", 10),
         (1, "call_next", 30), (4, "call_next", 45), (2, "finish", 5), (2, "call_next", 40),
         (3, "recall", 30), (1, "recall", 20), (1, "start", 0)]


def make(out: Path) -> list[Path]:
    from hall_apps.caller import build_window
    from hall_apps.caller_model import CallerClient
    from hall_apps.calling_screen import CallingScreen
    from hall_apps.screen_model import ScreenModel
    from qtkit.common import application, process_until

    app = application()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hall-shots-"))
    cfg = load_config(ROOT / "config" / "examples" / "hall.toml", HallSuiteConfig)
    clock = FakeClock(datetime(2026, 11, 23, 9, 38, tzinfo=timezone(timedelta(hours=8))))
    with MosquittoBroker(work / "broker", identities(cfg)) as broker:
        cfg = cfg.model_copy(update={
            "broker": cfg.broker.model_copy(update={"port": broker.port}),
            "database": cfg.database.model_copy(update={"url": f"sqlite:///{work}/hall.db"})})
        hall = cfg.halls[0].id
        controller = HallController(cfg, make_engine(cfg.database.url), clock=clock,
                                    password=broker.passwords[cfg.controller_id])
        controller.start()
        eps = {cid: Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
               for cid in ("kiosk-01", "screen-main", "caller-w1", "caller-w2", "caller-w3", "caller-w4")}
        model = ScreenModel(hall, cfg.controller_id, flash_seconds=0)
        model.attach(eps["screen-main"])
        main, window = CallingScreen(model, now=clock.now), CallingScreen(model, window=1, now=clock.now)
        callers = {n: CallerClient(eps[f"caller-w{n}"], hall, n, clerk=f"clerk-{n}") for n in range(1, 5)}
        caller_win = build_window(callers[1], eps["caller-w1"])
        caller_win.model.now = clock.now
        for ep in eps.values():
            ep.start()
        for service, priority, gap in MORNING:
            clock.advance(gap)
            eps["kiosk-01"].request(contract.TICKET_REQUEST.format(hall=hall, client="kiosk-01"),
                                    {"service": service, "request_id": uuid.uuid4().hex, "priority": priority})
        for n, action, gap in CALLS:
            callers[n].command(action)
            clock.advance(gap)
        clock.advance(200)
        last = controller.hall.next_seq()
        controller.publish_board(hall)  # a board after the last step: the screens are current
        for w in (main, window, caller_win):
            w.show()
        main.resize(1920, 1080)
        window.resize(1920, 1080)
        process_until(app, lambda: model.connected and model.board is not None and model.board.seq > last, 15)
        process_until(app, lambda: False, 0.5)
        caller_win.waiting.setCurrentRow(2)  # the clerk has picked a ticket to call out of turn
        shots = {"calling-screen.png": main, "window-screen.png": window, "window-caller.png": caller_win}
        for name, widget in shots.items():
            widget.grab().save(str(out / name))
        controller.stop()
        process_until(app, lambda: model.status == "no_controller", 15)
        process_until(app, lambda: False, 0.5)
        main.grab().save(str(out / "calling-screen-offline.png"))
        caller_win.model.close()
        for ep in eps.values():
            ep.stop()
    return [out / n for n in (*shots, "calling-screen-offline.png")]


if __name__ == "__main__":
    for p in make(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens")):
        print(p)
