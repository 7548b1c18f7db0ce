"""`kiosk --config kiosk.toml`: run a self-service terminal.

The kiosk's file holds its identity, broker, device URLs and the path of its credential
(`password_file`); its hall (services, names, hours, notices, timeouts) comes from the
controller's retained configuration over MQTT, and the window says "正在连接 / Connecting"
until it has one. `--hall-config` (a copy of the controller's hall file) is deprecated: it is
still read for this release, as the configuration to show until the controller's arrives."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from config import ConfigError, HallSuiteConfig, KioskConfig, load_config
from hall_protocol.mqtt import MqttError
from privacy import install_log_masking


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kiosk")
    ap.add_argument("--config", required=True)
    ap.add_argument("--hall-config", help="deprecated: a copy of the hall file (the kiosk learns its hall from "
                                          "the controller over MQTT; this only fills the wait until then)")
    ap.add_argument("--broker-port", type=int)
    ap.add_argument("--printer-url")
    ap.add_argument("--kiosk-mode", action=argparse.BooleanOptionalAction, default=None,
                    help="frameless full screen, not closable (default: the file's kiosk_mode, on); "
                         "--no-kiosk-mode on a desktop")
    ap.add_argument("--heartbeat", default=os.environ.get("KIOSK_HEARTBEAT"),
                    help="a file the event loop writes every second (kiosk-watchdog sets it)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    from kiosk_app.technician import LogTail, Technician
    tail = LogTail().install()   # the technician page's "send logs"
    try:
        config = load_config(args.config, KioskConfig)
        hall = None
        if args.hall_config:
            logging.getLogger("kiosk").warning("--hall-config is deprecated: the kiosk learns its hall from the "
                                               "controller; the copy %s is used until then", args.hall_config)
            hall = load_config(args.hall_config, HallSuiteConfig).hall(config.hall)
    except ConfigError as err:
        print(f"kiosk: configuration error:\n{err}", file=sys.stderr)
        return 78
    except KeyError:
        print(f"kiosk: {args.hall_config} has no hall {config.hall!r}", file=sys.stderr)
        return 78
    updates = {}
    if args.broker_port:
        updates["broker"] = config.broker.model_copy(update={"port": args.broker_port})
    if args.printer_url:
        updates["printer_url"] = args.printer_url
    config = config.model_copy(update=updates)
    from kiosk_app.app import Kiosk
    from kiosk_app.identity_setup import StartupError
    from kiosk_app.qt.window import KioskWindow
    from qtkit.common import application, show_window
    from qtkit.service import serve
    try:
        kiosk = Kiosk(config, hall)      # before any window: a missing face model stops here
    except (StartupError, MqttError) as err:   # MqttError: the [broker] TLS files cannot be read
        print(f"kiosk: {args.config}: {err}", file=sys.stderr)
        return 78
    app = application(sys.argv)
    window = KioskWindow.for_kiosk(kiosk)   # the pages of everything kiosk_app/app.py assembled
    from qtkit.ops import wire_ops          # a technician's info, log, counters, restart (hall_protocol/ops.py)
    from kiosk_app.remote_config import KioskRemoteConfig, kiosk_applier
    wire_ops(app, kiosk.endpoint, config.id, "kiosk", [config.hall], counters=kiosk.health.counters,
             configure=KioskRemoteConfig(Path(args.config), kiosk_applier(kiosk)).push)
    try:
        kiosk.start()
    except MqttError as err:
        print(f"kiosk: {err}", file=sys.stderr)
        return 69
    kiosk_mode = config.kiosk_mode if args.kiosk_mode is None else args.kiosk_mode
    window.lock_down(kiosk_mode=kiosk_mode, hide_cursor=config.hide_cursor,
                     technician=Technician(kiosk, config.technician_pin_hash, tail))
    if args.heartbeat:
        from kiosk_app.qt.lockdown import Heartbeat
        window.heartbeat = Heartbeat(args.heartbeat, window)
    from kiosk_app.qt.lockdown import quit_on_sigterm
    window.sigterm = quit_on_sigterm(app, window)
    show_window(window, full_screen=kiosk_mode)   # kiosk mode: the whole screen, with or without a window manager
    serve(app, f"kiosk {config.id}")  # systemd: READY=1, the watchdog fed by the event loop (qtkit/service.py)
    code = app.exec()
    kiosk.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
