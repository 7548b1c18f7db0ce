"""`make demo`: the hall in a box.

Starts a private Mosquitto (passwords and access rules per device), the reference backend,
the ESC/POS printer emulator, the hall controller (with voice announcements from this machine's
speakers, also kept as WAV files), and the kiosk, calling screen, window screen with a signed-in
clerk, window caller, rating pad and supervisor view. With a display the windows open for a person to use;
headless (`--headless`, or no DISPLAY) it plays a scripted hall and writes to demo-output/:
screenshots, printed receipts (PNG and text), announcements (WAV) and summary.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from config import HallSuiteConfig, KioskConfig, load_config
from demo.citizen import Platform
from demo.desktop import TITLE_BAR, arrange, check_open
from demo.processes import ROOT, Processes
from devkit.broker import MosquittoBroker, free_port
from devkit.cups import Cupsd, Listener
from hall_controller.tools.provision import identities
from privacy import install_log_masking, private_dir

OUT = Path(os.environ.get("HALL_DEMO_OUT", ROOT / "demo-output"))


def write_web_config(state: Path, port: int, web_port: int) -> Path:
    """The web service's file: the example's, on this demo's broker and port."""
    path = state / "web.toml"
    path.write_text((ROOT / "config/examples/web.toml").read_text("utf-8").replace("port = 1883", f"port = {port}")
                    .replace("8080", str(web_port)), "utf-8")
    return path


def write_configs(state: Path, port: int, web_port: int = 8080) -> tuple[Path, Path, HallSuiteConfig, KioskConfig]:
    suite = load_config(ROOT / "config/examples/hall.toml", HallSuiteConfig)
    kiosk = load_config(ROOT / "config/examples/kiosk.toml", KioskConfig)
    hall_path, kiosk_path = state / "hall.toml", state / "kiosk.toml"
    hall_text = (ROOT / "config/examples/hall.toml").read_text("utf-8")
    hall_text = hall_text.replace("port = 1883", f"port = {port}").replace(
        'url = "sqlite:///hall-state/hall.db"', f'url = "sqlite:///{state}/hall.db"').replace(
        "http://127.0.0.1:8080/", f"http://127.0.0.1:{web_port}/").replace(  # the tickets' QR: this demo's web
        'photo = "staff/', f'photo = "{ROOT}/config/examples/staff/')  # the example's (synthetic) staff photos
    hall_path.write_text(hall_text, "utf-8")
    kiosk_path.write_text((ROOT / "config/examples/kiosk.toml").read_text("utf-8").replace(
        "port = 1883", f"port = {port}"), "utf-8")
    return hall_path, kiosk_path, load_config(hall_path, HallSuiteConfig), load_config(kiosk_path, KioskConfig)


def desktop_places() -> dict[str, dict[str, str]]:
    """Each app's HALL_WINDOW_GEOMETRY and QT_SCALE_FACTOR on this screen (demo/desktop.py)."""
    from devkit.xwindows import XError, desktop
    try:
        area, wm = desktop()
    except (XError, OSError) as err:
        print(f"demo: cannot read the screen's size ({err}); the windows open at their own sizes")
        return {}
    print(f"demo: {area.width}x{area.height} free on the screen{' (title bars allowed for)' if wm else ''}: "
          "the kiosk on the left, scaled to fit; the other apps beside it")
    places = arrange(area.width, area.height, frame=TITLE_BAR if wm else 0, x0=area.x, y0=area.y)
    return {name: place.env() for name, place in places.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="hall-demo")
    ap.add_argument("--headless", action="store_true", help="play the scripted hall and write demo-output/")
    args = ap.parse_args(argv)
    install_log_masking()  # every record masked (privacy.logs)
    headless = args.headless or not os.environ.get("DISPLAY")
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    shutil.rmtree(OUT, ignore_errors=True)
    state = OUT / "state"
    for d in ("logs", "receipts", "announcements", "screens"):
        (OUT / d).mkdir(parents=True, exist_ok=True)
    private_dir(state)  # 0700: the database, the broker's credentials, device counters
    os.environ.setdefault("HALL_STATE_DIR", str(state))

    suite0 = load_config(ROOT / "config/examples/hall.toml", HallSuiteConfig)
    ids = identities(suite0)
    broker = MosquittoBroker(state / "broker", ids).start()
    procs = Processes(OUT / "logs")
    cups_daemon = a4_printer = None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        web_port = free_port()
        hall_path, kiosk_path, suite, kiosk_cfg = write_configs(state, broker.port, web_port)
        print(f"demo: broker on 127.0.0.1:{broker.port} (passwords and ACL in {state / 'broker'})")
        backend = procs.spawn("reference-backend", ["-m", "reference_backend", "--port", "0",
                                                    "--state-dir", str(state / "backend")], json_line=True)
        print(f"demo: reference backend at {backend['url']}")
        printer = procs.spawn("printer-emulator", ["-m", "drivers.escpos.emulator", "--tcp", "0",
                                                    "--out", str(OUT / "receipts"), "--control-port", "0"],
                             json_line=True)
        printer_url = f"tcp://127.0.0.1:{printer['tcp']}"
        print(f"demo: receipt printer emulator at {printer_url}")
        # the kiosk's A4 licence printer: a private CUPS queue to a loopback "printer" that keeps each job
        a4_printer = Listener()
        cups_daemon = Cupsd(Path(tempfile.mkdtemp(prefix="demo-cupsd-")))   # its own root, as CUPS needs it
        a4_url = cups_daemon.add_queue("Licence_A4", a4_printer.port)
        print(f"demo: A4 licence printer at {a4_url}")
        procs.spawn("hall-controller", ["-m", "hall_controller", "--config", str(hall_path),
                                        "--announce-dir", str(OUT / "announcements"), "--backend-url", backend["url"]],
                    env={"HALL_MQTT_PASSWORD": broker.passwords[suite.controller_id],
                         # the reference server's demo credentials (its defaults); only the controller has them
                         "HALL_BACKEND_APP_KEY": "demo-key", "HALL_BACKEND_SECRET": "demo-secret"}, ready="ready")
        print("demo: hall controller ready")
        web = procs.spawn("hall-web", ["-m", "hall_web", "--config", str(write_web_config(state, broker.port, web_port))],
                          env={"HALL_MQTT_PASSWORD": broker.passwords["web-01"]}, json_line=True)
        print(f"demo: the hall on the web at {web['url']} (phone pages /t/..., /h/{suite.halls[0].id}, /city, "
              f"data screen /screen/{suite.halls[0].id})")
        robot_id = suite.halls[0].robot.device  # the guide robot's emulator (docs/robot.md)
        procs.spawn("robot-emulator", ["-m", "devkit.robot_sim", "--config", str(hall_path), "--id", robot_id],
                    env={"HALL_MQTT_PASSWORD": broker.passwords[robot_id]}, ready="ready")
        print(f"demo: guide robot emulator {robot_id} ready")
        if headless:
            from demo.scenario import play
            # the kiosk's devices: the ID card emulator, the camera source emulator (ORL person 12, the
            # card's face), the A4 printer; an identified citizen is played with synthetic data
            devices = {"printer_url": printer_url, "idcard_url": "sim://idcard?name=demo-idcard",
                       "camera_url": "sim://camera?pattern=face&person=12", "a4_printer_url": a4_url}
            summary = play(suite, kiosk_cfg.model_copy(update=devices), broker, OUT,
                           printer_control=printer["control"], platform=Platform(backend["url"], backend["admin_token"]),
                           a4_jobs=a4_printer.jobs)
            summary["backend_url"] = backend["url"]
            from demo.phone import follow  # a phone follows a printed ticket's QR in Chromium
            summary["phone"] = follow(suite, broker, OUT, web["url"])
            (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
            print(json.dumps({k: summary[k] for k in ("tickets_issued", "tickets_called", "latency_ms", "phone")},
                             ensure_ascii=False, indent=2))
            print(f"demo: artefacts in {OUT}")
            return 0
        hall = suite.halls[0]
        places, apps = desktop_places(), {}   # demo/desktop.py: one screen, every window whole
        idcard = procs.spawn("idcard-emulator", ["-m", "drivers.idcard.emulator", "--control-port", "0"],
                             json_line=True)
        text = kiosk_path.read_text("utf-8")        # the kiosk's ID card reader and A4 printer (top-level keys)
        kiosk_path.write_text(text.replace("\n[broker]", f'\nidcard_url = "{idcard["url"]}"\n'
                                                         f'a4_printer_url = "{a4_url}"\n\n[broker]', 1), "utf-8")
        apps["kiosk"] = procs.spawn("kiosk", ["-m", "kiosk_app", "--config", str(kiosk_path),  # its hall: from the controller
                                              "--printer-url", printer_url, "--no-kiosk-mode"],
                                    env={"HALL_MQTT_PASSWORD": broker.passwords[kiosk_cfg.id], **places.get("kiosk", {})})
        print(f"demo: place an ID card on the kiosk's reader: echo '{{\"op\": \"place\", \"card\": \"resident\"}}'"
              f" | nc 127.0.0.1 {idcard['control_port']}")
        apps["calling-screen"] = procs.spawn(
            "calling-screen", ["-m", "hall_apps.calling_screen", "--hall", hall.id, "--broker", f"127.0.0.1:{broker.port}"],
            env={"HALL_MQTT_PASSWORD": broker.passwords["screen-main"], **places.get("calling-screen", {})})
        sign_in = subprocess.run(  # the clerk of window 1 signs in (the example's PIN), then opens the caller
            [sys.executable, "-m", "hall_apps.caller", "--hall", hall.id, "--id", "caller-w1", "--window", "1",
             "--broker", f"127.0.0.1:{broker.port}", "sign_in", "--staff", "0101"], input="2468\n", text=True,
            capture_output=True, cwd=ROOT, env={**os.environ, "HALL_MQTT_PASSWORD": broker.passwords["caller-w1"]},
            timeout=60)
        print(f"demo: clerk 0101 signed in at window 1 ({'ok' if sign_in.returncode == 0 else sign_in.stderr.strip()})")
        apps["window-caller"] = procs.spawn(
            "window-caller", ["-m", "hall_apps.caller", "--hall", hall.id, "--id", "caller-w1", "--window", "1",
                              "--broker", f"127.0.0.1:{broker.port}"],
            env={"HALL_MQTT_PASSWORD": broker.passwords["caller-w1"], **places.get("window-caller", {})})
        apps["window-screen"] = procs.spawn(
            "window-screen", ["-m", "hall_apps.calling_screen", "--hall", hall.id, "--id", "screen-w1", "--window", "1",
                              "--broker", f"127.0.0.1:{broker.port}"],
            env={"HALL_MQTT_PASSWORD": broker.passwords["screen-w1"], **places.get("window-screen", {})})
        apps["rating-pad"] = procs.spawn(
            "rating-pad", ["-m", "hall_apps.rating_pad", "--hall", hall.id, "--id", "pad-w1", "--window", "1",
                           "--broker", f"127.0.0.1:{broker.port}"],
            env={"HALL_MQTT_PASSWORD": broker.passwords["pad-w1"], **places.get("rating-pad", {})})
        apps["supervisor"] = procs.spawn(
            "supervisor", ["-m", "hall_apps.supervisor", "--config", str(hall_path), "--id", "supervisor-desk",
                           "--staff", "0900"],
            env={"HALL_MQTT_PASSWORD": broker.passwords["supervisor-desk"], **places.get("supervisor", {})})
        opened = [check_open(name, proc, OUT / "logs" / f"{name}.log") for name, proc in apps.items()]
        for o in opened:
            print(f"demo: {o.name}: {'open, ' if o.ok else 'FAILED: '}{o.detail}")
        good = [o.name for o in opened if o.ok]
        if good:
            print(f"demo: {', '.join(good)} {'is' if len(good) == 1 else 'are'} open; "
                  "calls are heard from this machine's speakers; Ctrl+C to stop")
        if len(good) < len(opened):
            print(f"demo: {len(opened) - len(good)} of {len(opened)} apps did not open a window "
                  f"(see above; logs in {OUT / 'logs'})")
        try:
            while not stop.is_set():
                stop.wait(1)
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        procs.stop_all()
        if cups_daemon is not None:
            cups_daemon.stop()
            a4_printer.close()
            shutil.rmtree(cups_daemon.root, ignore_errors=True)
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())
