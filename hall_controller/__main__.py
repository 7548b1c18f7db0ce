"""`hall-controller --config FILE`: run the hall controller."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from config import ConfigError, HallSuiteConfig, load_config
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.mqtt import MqttError
from privacy import install_log_masking


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="hall-controller", description="Run the hall controller.")
    ap.add_argument("--config", required=True, help="hall controller TOML file")
    ap.add_argument("--broker-port", type=int, help="override broker.port")
    ap.add_argument("--database", help="override database.url")
    ap.add_argument("--backend-url", help="override backend.url (the platform; key and secret from the file or "
                                          "HALL_BACKEND_APP_KEY / HALL_BACKEND_SECRET)")
    ap.add_argument("--id", help="which controller process of the file this is (controller_id or one of "
                                 "controller_peers; default controller_id); its MQTT password from HALL_MQTT_PASSWORD")
    ap.add_argument("--announce-dir", help="speak each call into WAV files in this directory instead of the speaker")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    try:
        config = load_config(args.config, HallSuiteConfig)
    except ConfigError as err:
        print(f"hall-controller: configuration error:\n{err}", file=sys.stderr)
        return 78
    updates = {}
    if args.broker_port:
        updates["broker"] = config.broker.model_copy(update={"port": args.broker_port})
    if args.database:
        updates["database"] = config.database.model_copy(update={"url": args.database})
    backend = {k: v for k, v in (("url", args.backend_url),
                                 ("app_key", os.environ.get("HALL_BACKEND_APP_KEY")),
                                 ("app_secret", os.environ.get("HALL_BACKEND_SECRET"))) if v}
    if backend:
        updates["backend"] = config.backend.model_copy(update=backend)
    if updates:
        config = config.model_copy(update=updates)
    engine = make_engine(config.database.url, base_dir=Path(args.config).resolve().parent)
    password = os.environ.get("HALL_MQTT_PASSWORD", config.broker.password)
    # The loudspeaker by default; --announce-dir writes each call into WAV files instead.
    if args.id and args.id not in config.controller_ids:
        print(f"hall-controller: --id {args.id}: {args.config} names the controllers "
              f"{', '.join(config.controller_ids)}", file=sys.stderr)
        return 78
    try:
        controller = HallController(config, engine, password=password, identity=args.id,
                                    speaker=not args.announce_dir,
                                    announce_dir=Path(args.announce_dir) if args.announce_dir else None)
    except MqttError as err:   # the [broker] TLS files cannot be read
        print(f"hall-controller: {args.config}: {err}", file=sys.stderr)
        return 78
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        controller.start()
    except MqttError as err:
        print(f"hall-controller: {err}", file=sys.stderr)
        return 69
    print("hall-controller: ready", flush=True)
    stop.wait()
    controller.stop()
    engine.dispose()  # the last connection closes: SQLite checkpoints its WAL (nothing left behind in it)
    return 0


if __name__ == "__main__":
    sys.exit(main())
