"""The scripted hall of the headless demo: citizens take tickets at the real kiosk window,
two windows call them, the calling screen follows; every step is timed."""
from __future__ import annotations

import json
import socket
import statistics
import time
from pathlib import Path

from config.schema import HallSuiteConfig, KioskConfig
from hall_apps.caller import build_window
from hall_apps.caller_model import CallerClient
from hall_apps.calling_screen import CallingScreen
from hall_apps.window_screen import WindowScreen
from hall_apps.screen_model import ScreenModel
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from demo.citizen import Platform, play_citizen
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import DESIGN_SIZE, KioskWindow
from qtkit.common import application, process_until as _pump  # (app, cond, timeout)

CITIZENS = ["A", "B", "A", "C", "D", "A", "B"]
STAFF = {1: "0101", 2: "0102"}
DEMO_PIN = "2468"  # the example hall's staff PIN (config/examples/hall.toml)
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


def _robot_help(app, kiosk, kwin, endpoint: Endpoint, hall: str, shots: Path) -> dict:
    """A citizen presses the kiosk's 求助 / Help button: the staff are called (the callers and the
    supervisor desk show it) and the guide robot (its emulator) comes to greet."""
    boards: list[dict] = []
    endpoint.subscribe(contract.ROBOT_BOARD.format(hall=hall), lambda m: boards.append(json.loads(m.payload)))
    robot = lambda: boards[-1]["robots"][0] if boards else {}  # noqa: E731
    _pump(app, lambda: robot().get("state") == "idle", 10)
    kwin.assist.help_button.click()
    _pump(app, lambda: kiosk.help.state.status not in ("idle", "sending"), 15)
    _pump(app, lambda: False, 0.3)
    kwin.grab().save(str(shots / "kiosk-help.png"))
    state = kiosk.help.state
    _pump(app, lambda: (robot().get("task") or {}).get("progress") in ("done", "failed"), 30)
    return {"help": "ok" if state.status in ("notified", "coming") else state.status,
            "error": None if state.robot == "coming" else f"robot {state.robot}", "staff": state.status,
            "last": robot()}


def _floor(hall, suite: HallSuiteConfig, broker) -> dict:
    """The rating pad at window 1 and the supervisor desk with its alerts and follow-up cases."""
    from hall_apps.rating_pad import RatingPad
    from hall_apps.rating_pad_model import RatingPadModel, pad_endpoint
    from hall_apps.supervisor import SupervisorWindow
    from hall_apps.supervisor_floor import FloorModel
    from hall_apps.supervisor_model import ReportClient, SupervisorModel, supervisor_endpoint
    from drivers.core.clock import SystemClock
    pad_ep = pad_endpoint("pad-w1", hall.id, "127.0.0.1", broker.port, broker.passwords["pad-w1"])
    pad = RatingPadModel(hall.id, 1, suite.controller_id)
    pad.attach(pad_ep)
    pad_view = RatingPad(pad)
    pad_view.resize(1280, 800)
    pad_view.show()
    desk = supervisor_endpoint("supervisor-desk", hall.id, "127.0.0.1", broker.port,
                               broker.passwords["supervisor-desk"])
    model = SupervisorModel(hall, ReportClient(desk, hall.id), SystemClock(), suite.controller_id)
    model.attach(desk)
    floor = FloorModel(hall.id, "0900")
    floor.attach(desk)
    window = SupervisorWindow(model, floor)
    window.resize(1680, 1000)
    window.show()
    for ep in (pad_ep, desk):
        ep.start()
    return {"pad": pad, "pad_view": pad_view, "model": model, "floor": floor, "window": window,
            "endpoints": [pad_ep, desk]}


def play(suite: HallSuiteConfig, kiosk_cfg: KioskConfig, broker, out: Path, printer_control: int | None,
         platform: Platform | None = None, a4_jobs: list[bytes] | None = None) -> dict:
    app = application()
    hall = suite.hall(kiosk_cfg.hall)
    shots = out / "screens"
    # the kiosk's own composition; its hall comes from the controller's retained configuration
    kiosk = Kiosk(kiosk_cfg, password=broker.passwords[kiosk_cfg.id])
    kwin = KioskWindow.for_kiosk(kiosk)
    kiosk.start()
    if not _pump(app, lambda: kiosk.hall.ready, 20):
        raise RuntimeError(f"the kiosk got no configuration of hall {hall.id} from the controller in 20 s")
    kwin.resize(*DESIGN_SIZE)          # the portrait panel the pages are designed for
    kwin.show()

    screen_ep = Endpoint("screen-main", "127.0.0.1", broker.port, username="screen-main",
                         password=broker.passwords["screen-main"])
    model = ScreenModel(hall.id, suite.controller_id)
    model.attach(screen_ep)
    main_screen = CallingScreen(model)
    # the window screen above window 1 (its own identity), with its signed-in clerk
    window_ep = Endpoint("screen-w1", "127.0.0.1", broker.port, username="screen-w1",
                         password=broker.passwords["screen-w1"])
    window_model = ScreenModel(hall.id, suite.controller_id, window=1)
    window_model.attach(window_ep)
    window_screen = WindowScreen(window_model, 1)
    for w in (main_screen, window_screen):
        w.resize(1920, 1080)
        w.show()
    screen_ep.start()
    window_ep.start()
    floor = _floor(hall, suite, broker)
    callers = {}
    for n in (1, 2):
        ep = Endpoint(f"caller-w{n}", "127.0.0.1", broker.port, username=f"caller-w{n}",
                      password=broker.passwords[f"caller-w{n}"])
        ep.start()
        callers[n] = CallerClient(ep, hall.id, n)
        callers[n].sign("sign_in", STAFF[n], DEMO_PIN)  # the clerks sign in before the first citizens come in
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
    # At window 1's rating pad, the first citizen rates the service (a low rating: a follow-up
    # case for the supervisor); another served citizen rates at the kiosk and reads a guide.
    pad = floor["pad"]
    _pump(app, lambda: pad.phase == "rate", 10)
    pad_rated = {"ticket": pad.ticket, "invited": pad.phase == "rate"}
    floor["pad_view"].grab().save(str(shots / "rating-pad.png"))
    pad.tap(2)
    pad.toggle("waiting")
    pad.submit()
    _pump(app, lambda: pad.sent == 1, 10)
    pad_rated["delivered"] = pad.sent == 1
    rating = _rate_and_read_guide(app, kiosk, kwin, shots, called[1])
    robot = _robot_help(app, kiosk, kwin, screen_ep, hall.id, shots)
    # an identified citizen: booking QR, ID card and face, progress, a licence, payment (demo/citizen.py)
    citizen = play_citizen(app, kiosk, kwin, platform, shots, a4_jobs if a4_jobs is not None else []) \
        if platform is not None and kiosk.citizen is not None else None
    caller_win.run("status")
    _pump(app, lambda: floor["floor"].cases is not None and floor["floor"].cases.cases, 10)
    floor["model"].refresh()
    _pump(app, lambda: False, 1.0)
    main_screen.grab().save(str(shots / "calling-screen.png"))
    window_screen.grab().save(str(shots / "window-screen.png"))
    caller_win.grab().save(str(shots / "window-caller.png"))
    floor["window"].grab().save(str(shots / "supervisor.png"))

    # Every call (and the recall) is announced: a chime and the spoken call, in order.
    ann = out / "announcements"
    _pump(app, lambda: len(list(ann.glob("call-*-zh.wav"))) >= announced, 90)
    _pump(app, lambda: False, 1.0)
    wavs = sorted(p.name for p in ann.glob("*.wav"))

    kiosk.stop()
    caller_win.close()  # stops its refresh thread
    screen_ep.stop()
    window_ep.stop()
    for ep in floor["endpoints"]:
        ep.stop()
    for c in callers.values():
        c.endpoint.stop()
    return {
        "tickets_issued": issued,
        "tickets_called": called,
        "paper_out_fallback": english,
        "rating": rating,
        "pad_rating": pad_rated,
        "followup_cases": [c.id for c in floor["floor"].shown_cases()],
        "alerts": [a.id for a in floor["floor"].shown_alerts()],
        "latency_ms": {"button_to_ticket_printed": _ms(request_ms), "receipt_rendered_by_emulator_after": _ms(print_ms),
                       "call_to_screen_update": _ms(call_ms)},
        "announcements": wavs,
        "robot": robot,
        "citizen": citizen,
        "receipts": sorted(p.name for p in receipts_dir.glob("receipt-*")),
        "screens": sorted(p.name for p in shots.glob("*.png")),
    }
