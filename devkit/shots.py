"""Screenshots of the calling screen, a window screen and the window caller in a realistic
morning of the example hall, against a private Mosquitto and a real controller on a clock
set to 10:05 (so the waiting times and timers read like a real hall):

    python -m devkit.shots docs/screens

Writes calling-screen.png (the example hall's 4 windows), window-screen.png (with its signed-in
clerk; 1920x1080), window-caller.png (a kiosk's help call on it), rating-pad.png (1280x800),
supervisor.png (alerts, follow-up case, today's figures), calling-screen-offline.png (the
controller has gone away), and calling-screen-16.png / -60.png from generated boards of larger
halls (devkit/boards.py).
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

ROOT = Path(__file__).resolve().parents[1]
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
    from hall_apps.window_screen import WindowScreen
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
        ids = ("kiosk-01", "screen-main", "screen-w1", "caller-w1", "caller-w2", "caller-w3", "caller-w4")
        eps = {cid: Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
               for cid in ids}
        model = ScreenModel(hall, cfg.controller_id, flash_seconds=0)
        model.attach(eps["screen-main"])
        window_model = ScreenModel(hall, cfg.controller_id, flash_seconds=0, window=1)
        window_model.attach(eps["screen-w1"])
        main, window = CallingScreen(model, now=clock.now), WindowScreen(window_model, 1, now=clock.now)
        callers = {n: CallerClient(eps[f"caller-w{n}"], hall, n) for n in range(1, 5)}
        caller_win = build_window(callers[1], eps["caller-w1"])
        caller_win.model.now = clock.now
        floor = _floor(cfg, broker, clock)
        for ep in eps.values():
            ep.start()
        for n in callers:  # the clerks sign in (the example's PIN)
            callers[n].sign("sign_in", f"010{n}", "2468")
        for service, priority, gap in MORNING:
            clock.advance(gap)
            eps["kiosk-01"].request(contract.TICKET_REQUEST.format(hall=hall, client="kiosk-01"),
                                    {"service": service, "request_id": uuid.uuid4().hex, "priority": priority})
        pad = floor["pad"]
        for n, action, gap in CALLS:
            callers[n].command(action)
            if n == 1 and action == "finish":  # window 1's citizen is invited to rate at the pad
                process_until(app, lambda: pad.phase == "rate", 10)
                process_until(app, lambda: False, 0.3)
                floor["pad_view"].grab().save(str(out / "rating-pad.png"))
                pad.tap(2)
                pad.toggle("waiting")
                pad.submit()
            clock.advance(gap)
        clock.advance(1500)  # a busy morning: some citizens have waited past the target
        eps["kiosk-01"].request(contract.HELP_REQUEST.format(hall=hall, client="kiosk-01"),
                                {"request_id": uuid.uuid4().hex, "page": "ticket", "problem": "printer_paper_out"})
        last = controller.hall.next_seq()
        controller.publish_board(hall)  # a board after the last step: the screens are current
        for w in (main, window, caller_win, floor["window"]):
            w.show()
        main.resize(1920, 1080)
        window.resize(1920, 1080)
        process_until(app, lambda: model.connected and model.board is not None and model.board.seq > last
                      and window_model.clerk is not None and caller_win.help.isVisible(), 15)
        floor["model"].refresh()
        process_until(app, lambda: len(floor["floor"].open_alerts()) >= 3 and floor["floor"].cases is not None, 15)
        process_until(app, lambda: False, 0.5)
        caller_win.waiting.setCurrentRow(2)  # the clerk has picked a ticket to call out of turn
        shots = {"calling-screen.png": main, "window-screen.png": window, "window-caller.png": caller_win,
                 "supervisor.png": floor["window"]}
        for name, widget in shots.items():
            widget.grab().save(str(out / name))
        controller.stop()
        process_until(app, lambda: model.status == "no_controller", 15)
        process_until(app, lambda: False, 0.5)
        main.grab().save(str(out / "calling-screen-offline.png"))
        caller_win.model.close()
        for ep in [*eps.values(), *floor["endpoints"]]:
            ep.stop()
    sizes = _hall_sizes(out)
    return [out / n for n in (*shots, "rating-pad.png", "calling-screen-offline.png", *sizes)]


def _floor(cfg: HallSuiteConfig, broker, clock) -> dict:
    """Window 1's rating pad and the supervisor desk (alerts, follow-up cases, today's figures)."""
    from hall_apps.rating_pad import RatingPad
    from hall_apps.rating_pad_model import RatingPadModel, pad_endpoint
    from hall_apps.supervisor import SupervisorWindow
    from hall_apps.supervisor_floor import FloorModel
    from hall_apps.supervisor_model import ReportClient, SupervisorModel, supervisor_endpoint
    hall = cfg.halls[0]
    pad_ep = pad_endpoint("pad-w1", hall.id, "127.0.0.1", broker.port, broker.passwords["pad-w1"])
    pad = RatingPadModel(hall.id, 1, cfg.controller_id)
    pad.attach(pad_ep)
    pad_view = RatingPad(pad)
    pad_view.resize(1280, 800)
    pad_view.show()
    desk = supervisor_endpoint("supervisor-desk", hall.id, "127.0.0.1", broker.port,
                               broker.passwords["supervisor-desk"])
    model = SupervisorModel(hall, ReportClient(desk, hall.id), clock, cfg.controller_id)
    model.attach(desk)
    floor = FloorModel(hall.id, "0900")
    floor.attach(desk)
    window = SupervisorWindow(model, floor)
    window.resize(1680, 1000)
    for ep in (pad_ep, desk):
        ep.start()
    return {"pad": pad, "pad_view": pad_view, "model": model, "floor": floor, "window": window,
            "endpoints": [pad_ep, desk]}


def _hall_sizes(out: Path) -> list[str]:
    """Main screens of a 16- and a 60-window hall, from generated boards (devkit/boards.py)."""
    from devkit.boards import board
    from hall_apps.calling_screen import CallingScreen
    from hall_apps.screen_model import ScreenModel
    from qtkit.common import application, process_until
    app = application()
    names = []
    for n in (16, 60):
        m = ScreenModel("demo-hall", flash_seconds=0)
        m.accept(board(n))
        m.broker_up = m.controller_up = True
        s = CallingScreen(m, now=lambda: datetime(2026, 11, 23, 10, 5, tzinfo=timezone(timedelta(hours=8))))
        s.setFixedSize(1920, 1080)
        s.show()
        s.render()
        process_until(app, lambda: False, 0.3)
        s.grab().save(str(out / f"calling-screen-{n}.png"))
        names.append(f"calling-screen-{n}.png")
        s.close()
    return names


if __name__ == "__main__":
    for p in make(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens")):
        print(p)
