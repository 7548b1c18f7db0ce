"""The scripted hall of the headless demo: citizens take tickets at the real kiosk window,
two windows call them, the calling screen follows; every step is timed."""
from __future__ import annotations

import json
import socket
import statistics
import time
import uuid
from pathlib import Path

from config.schema import HallSuiteConfig, KioskConfig
from hall_apps.caller import build_window
from hall_apps.caller_model import CallerClient
from hall_apps.calling_screen import CallingScreen
from hall_apps.screen_model import ScreenModel
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application, process_until as _pump  # (app, cond, timeout)

CITIZENS = ["A", "B", "A", "C", "D", "A", "B"]
CALLS = [(1, "call_next"), (2, "call_next"), (1, "recall"), (2, "call_next"), (1, "call_next"),
         (2, "call_next")]


def _control(port: int, line: str) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(line.encode() + b"\n")
        s.recv(100)


def _ms(values: list[float]) -> dict:
    if not values:
        return {}
    v = sorted(values)
    return {"n": len(v), "mean": round(statistics.fmean(v), 1), "p50": round(v[len(v) // 2], 1),
            "max": round(v[-1], 1)}


def _rate_and_read_guide(app, kiosk, kwin, shots: Path, served: str) -> dict:
    civic = kiosk.civic
    civic.open_guide()
    matters = civic.screen.shown_matters
    if matters:
        civic.show_guide(matters[0].matter_id)
        _pump(app, lambda: False, 0.3)
        kwin.grab().save(str(shots / "kiosk-guide.png"))
    civic.close()
    civic.open_rating()
    civic.start_rating(served)
    civic.choose_score(5)
    _pump(app, lambda: False, 0.3)
    kwin.grab().save(str(shots / "kiosk-rating.png"))
    result = civic.submit()
    _pump(app, lambda: False, 0.3)
    civic.close()
    return {"ticket": served, "score": 5, "page": result.page, "message": result.message,
            "guide_matters": len(matters)}


def _robot_help(app, kiosk, endpoint: Endpoint, hall: str) -> dict:
    """A citizen presses the kiosk's help button: the guide robot (its emulator) comes to greet."""
    boards: list[dict] = []
    endpoint.subscribe(contract.ROBOT_BOARD.format(hall=hall), lambda m: boards.append(json.loads(m.payload)))
    robot = lambda: boards[-1]["robots"][0] if boards else {}  # noqa: E731
    _pump(app, lambda: robot().get("state") == "idle", 10)
    answer = kiosk.endpoint.request(contract.ROBOT_REQUEST.format(hall=hall, client=kiosk.endpoint.client_id),
                                    {"request_id": uuid.uuid4().hex})
    _pump(app, lambda: (robot().get("task") or {}).get("progress") in ("done", "failed"), 30)
    return {"help": answer["status"], "error": answer.get("error"), "last": robot()}


def play(suite: HallSuiteConfig, kiosk_cfg: KioskConfig, broker, out: Path, printer_control: int | None) -> dict:
    app = application()
    hall = suite.hall(kiosk_cfg.hall)
    shots = out / "screens"
    kiosk = Kiosk(kiosk_cfg, hall, password=broker.passwords[kiosk_cfg.id])
    kwin = KioskWindow(kiosk.flow, hall, identity=kiosk.identity and kiosk.identity.flow, citizen=kiosk.citizen,
                       civic=kiosk.civic)
    kiosk.board_listeners.append(kwin.on_board)
    kiosk.start()
    kwin.resize(1080, 1440)
    kwin.show()

    screen_ep = Endpoint("screen-main", "127.0.0.1", broker.port, username="screen-main",
                         password=broker.passwords["screen-main"])
    model = ScreenModel(hall.id, suite.controller_id)
    model.attach(screen_ep)
    main_screen = CallingScreen(model)
    window_screen = CallingScreen(model, window=1)
    for w in (main_screen, window_screen):
        w.resize(1920, 1080)
        w.show()
    screen_ep.start()
    callers = {}
    for n in (1, 2):
        ep = Endpoint(f"caller-w{n}", "127.0.0.1", broker.port, username=f"caller-w{n}",
                      password=broker.passwords[f"caller-w{n}"])
        ep.start()
        callers[n] = CallerClient(ep, hall.id, n, clerk=f"clerk-{n}")
        callers[n].command("open")  # the clerks sign on before the first citizens come in
    caller_win = build_window(callers[1], callers[1].endpoint, {s.code: s.name for s in hall.services})
    caller_win.show()
    _pump(app, lambda: model.board is not None and kwin.waiting is not None, 5)
    _pump(app, lambda: False, 0.3)
    kwin.grab().save(str(shots / "kiosk-home.png"))

    issued, request_ms, print_ms = [], [], []
    receipts_dir = out / "receipts"
    for i, service in enumerate(CITIZENS):
        t0 = time.perf_counter()
        kiosk.flow.choose_service(service)
        t1 = time.perf_counter()
        s = kiosk.flow.screen
        assert s.page == "ticket", f"citizen {i} got {s.page}: {s.message}"
        issued.append(s.ticket.number)
        request_ms.append((t1 - t0) * 1000)
        n_expected = len([p for p in receipts_dir.glob("receipt-*.png")]) + 1
        _pump(app, lambda: len(list(receipts_dir.glob("receipt-*.txt"))) >= n_expected, 5)
        print_ms.append((time.perf_counter() - t1) * 1000)
        if i == 0:
            _pump(app, lambda: False, 0.2)
            kwin.grab().save(str(shots / "kiosk-ticket.png"))
        kiosk.flow.done()

    english = None
    kiosk.flow.toggle_language()
    _pump(app, lambda: False, 0.2)
    kwin.grab().save(str(shots / "kiosk-home-en.png"))
    kiosk.flow.toggle_language()

    if printer_control:
        # The printer runs out of paper: the citizen still gets a number, as a QR code on screen.
        _control(printer_control, "state out")
        kiosk.flow.choose_service("C")
        s = kiosk.flow.screen
        english = {"number": s.ticket.number, "printed": s.printed, "fallback_qr": s.show_qr}
        issued.append(s.ticket.number)
        _pump(app, lambda: False, 0.2)
        kwin.grab().save(str(shots / "kiosk-no-paper.png"))
        kiosk.flow.done()
        _control(printer_control, "state ok")

    called, call_ms, announced = [], [], 0
    for window, action in CALLS:
        seen = model.board.seq if model.board else 0
        t0 = time.perf_counter()
        data = callers[window].command(action)
        ticket = (data.get("ticket") or {}).get("number")
        if ticket is None:
            continue
        announced += 1
        ok = _pump(app, lambda: model.board is not None and model.board.seq > seen and any(
            c.ticket == ticket and c.window == window for c in model.board.current), 5)
        if ok:
            call_ms.append((time.perf_counter() - t0) * 1000)
        if action != "recall":
            called.append(ticket)
    # A served citizen rates the service at the kiosk, and another reads a service guide.
    rating = _rate_and_read_guide(app, kiosk, kwin, shots, called[0])
    robot = _robot_help(app, kiosk, screen_ep, hall.id)
    caller_win.run("status")
    _pump(app, lambda: False, 0.5)
    main_screen.grab().save(str(shots / "calling-screen.png"))
    window_screen.grab().save(str(shots / "window-screen.png"))
    caller_win.grab().save(str(shots / "window-caller.png"))

    # Every call (and the recall) is announced: a chime and the spoken call, in order.
    ann = out / "announcements"
    _pump(app, lambda: len(list(ann.glob("call-*-zh.wav"))) >= announced, 90)
    _pump(app, lambda: False, 1.0)
    wavs = sorted(p.name for p in ann.glob("*.wav"))

    kiosk.stop()
    caller_win.close()  # stops its refresh thread
    screen_ep.stop()
    for c in callers.values():
        c.endpoint.stop()
    return {
        "tickets_issued": issued,
        "tickets_called": called,
        "paper_out_fallback": english,
        "rating": rating,
        "latency_ms": {"button_to_ticket_printed": _ms(request_ms), "receipt_rendered_by_emulator_after": _ms(print_ms),
                       "call_to_screen_update": _ms(call_ms)},
        "announcements": wavs,
        "robot": robot,
        "receipts": sorted(p.name for p in receipts_dir.glob("receipt-*")),
        "screens": sorted(p.name for p in shots.glob("*.png")),
    }
