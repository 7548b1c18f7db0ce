"""`make demo`: the hall in a box.

Starts a private Mosquitto (passwords and access rules per device), the reference backend,
the ESC/POS printer emulator, the hall controller (with voice announcements), and the kiosk,
calling screen and window caller. With a display the windows open for a person to use;
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
import sys
import threading
import time
from pathlib import Path

from config import HallSuiteConfig, KioskConfig, load_config
from demo.processes import ROOT, Processes
from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import identities
from privacy import install_log_masking, private_dir

OUT = Path(os.environ.get("HALL_DEMO_OUT", ROOT / "demo-output"))


def write_configs(state: Path, port: int) -> tuple[Path, Path, HallSuiteConfig, KioskConfig]:
    suite = load_config(ROOT / "config/examples/hall.toml", HallSuiteConfig)
    kiosk = load_config(ROOT / "config/examples/kiosk.toml", KioskConfig)
    hall_path, kiosk_path = state / "hall.toml", state / "kiosk.toml"
    hall_text = (ROOT / "config/examples/hall.toml").read_text("utf-8")
    hall_text = hall_text.replace("port = 1883", f"port = {port}").replace(
        'url = "sqlite:///hall-state/hall.db"', f'url = "sqlite:///{state}/hall.db"')
    hall_path.write_text(hall_text, "utf-8")
    kiosk_path.write_text((ROOT / "config/examples/kiosk.toml").read_text("utf-8").replace(
        "port = 1883", f"port = {port}"), "utf-8")
    return hall_path, kiosk_path, load_config(hall_path, HallSuiteConfig), load_config(kiosk_path, KioskConfig)


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
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        hall_path, kiosk_path, suite, kiosk_cfg = write_configs(state, broker.port)
        print(f"demo: broker on 127.0.0.1:{broker.port} (passwords and ACL in {state / 'broker'})")
        backend = procs.spawn("reference-backend", ["-m", "reference_backend", "--port", "0",
                                                    "--state-dir", str(state / "backend")], json_line=True)
        print(f"demo: reference backend at {backend['url']}")
        printer = procs.spawn("printer-emulator", ["-m", "drivers.escpos.emulator", "--tcp", "0",
                                                    "--out", str(OUT / "receipts"), "--control-port", "0"],
                             json_line=True)
        printer_url = f"tcp://127.0.0.1:{printer['tcp']}"
        print(f"demo: receipt printer emulator at {printer_url}")
        procs.spawn("hall-controller", ["-m", "hall_controller", "--config", str(hall_path),
                                        "--announce-dir", str(OUT / "announcements"), "--backend-url", backend["url"]],
                    env={"HALL_MQTT_PASSWORD": broker.passwords[suite.controller_id],
                         # the reference server's demo credentials (its defaults); only the controller has them
                         "HALL_BACKEND_APP_KEY": "demo-key", "HALL_BACKEND_SECRET": "demo-secret"}, ready="ready")
        print("demo: hall controller ready")
        robot_id = suite.halls[0].robot.device  # the guide robot's emulator (docs/robot.md)
        procs.spawn("robot-emulator", ["-m", "devkit.robot_sim", "--config", str(hall_path), "--id", robot_id],
                    env={"HALL_MQTT_PASSWORD": broker.passwords[robot_id]}, ready="ready")
        print(f"demo: guide robot emulator {robot_id} ready")
        if headless:
            from demo.scenario import play
            summary = play(suite, kiosk_cfg.model_copy(update={"printer_url": printer_url}), broker, OUT,
                           printer_control=printer["control"])
            summary["backend_url"] = backend["url"]
            (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
            print(json.dumps({k: summary[k] for k in ("tickets_issued", "tickets_called", "latency_ms")},
                             ensure_ascii=False, indent=2))
            print(f"demo: artefacts in {OUT}")
            return 0
        hall = suite.halls[0]
        procs.spawn("kiosk", ["-m", "kiosk_app", "--config", str(kiosk_path), "--hall-config", str(hall_path),
                              "--printer-url", printer_url],
                    env={"HALL_MQTT_PASSWORD": broker.passwords[kiosk_cfg.id]})
        procs.spawn("calling-screen", ["-m", "hall_apps.calling_screen", "--hall", hall.id,
                                       "--broker", f"127.0.0.1:{broker.port}"],
                    env={"HALL_MQTT_PASSWORD": broker.passwords["screen-main"]})
        procs.spawn("window-caller", ["-m", "hall_apps.caller", "--hall", hall.id, "--id", "caller-w1",
                                      "--window", "1", "--broker", f"127.0.0.1:{broker.port}"],
                    env={"HALL_MQTT_PASSWORD": broker.passwords["caller-w1"]})
        print("demo: kiosk, calling screen and window caller are open; Ctrl+C to stop")
        try:
            while not stop.is_set():
                stop.wait(1)
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        procs.stop_all()
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())
