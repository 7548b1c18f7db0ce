"""`kiosk --config kiosk.toml --hall-config hall.toml`: run a self-service terminal."""
from __future__ import annotations

import argparse
import logging
import sys

from config import ConfigError, HallSuiteConfig, KioskConfig, load_config
from hall_protocol.mqtt import MqttError
from privacy import install_log_masking


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kiosk")
    ap.add_argument("--config", required=True)
    ap.add_argument("--hall-config", required=True, help="the hall's TOML (for its services)")
    ap.add_argument("--broker-port", type=int)
    ap.add_argument("--printer-url")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    try:
        config = load_config(args.config, KioskConfig)
        suite = load_config(args.hall_config, HallSuiteConfig)
        hall = suite.hall(config.hall)
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
    from qtkit.common import application
    try:
        kiosk = Kiosk(config, hall)      # before any window: a missing face model stops here
    except (StartupError, MqttError) as err:   # MqttError: the [broker] TLS files cannot be read
        print(f"kiosk: {args.config}: {err}", file=sys.stderr)
        return 78
    app = application(sys.argv)
    window = KioskWindow(kiosk.flow, hall, identity=kiosk.identity and kiosk.identity.flow, citizen=kiosk.citizen,
                         civic=kiosk.civic)
    kiosk.board_listeners.append(window.on_board)
    try:
        kiosk.start()
    except MqttError as err:
        print(f"kiosk: {err}", file=sys.stderr)
        return 69
    window.showFullScreen()
    code = app.exec()
    kiosk.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
