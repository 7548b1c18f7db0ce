"""`hall-controller --config FILE`: run the hall controller.

Under systemd (deploy/systemd/hall-controller.service, Type=notify) it says READY=1 once it is
connected to the broker and serving, feeds the watchdog (`WatchdogSec=`) only while its request
worker and its MQTT loop answer (servicekit), and says STOPPING=1 on SIGTERM. SIGHUP
(`systemctl reload`) reads the hall file again: hall_controller/core/reconfig.py says what
applies at once and what waits for a restart; an invalid file keeps the running configuration
and raises an alert naming the file and the key."""
from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from config import ConfigError, HallSuiteConfig, load_config
from drivers.core.clock import AcceleratedClock
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.mqtt import MqttError
from hall_protocol.ops import RESTART_EXIT_CODE
from privacy import install_log_masking
from servicekit import Notifier, Watchdog

log = logging.getLogger("hall_controller")


def read_config(args) -> HallSuiteConfig:
    """The hall file with the command line's overrides (at start and at every reload)."""
    config = load_config(args.config, HallSuiteConfig)
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
    return config.model_copy(update=updates) if updates else config


def reload(controller: HallController, args) -> bool:
    """SIGHUP: read the hall file again. A valid one is applied where it can be (what waits for
    a restart is logged); an invalid one changes nothing and raises an alert naming the file
    and the key. Never raises."""
    try:
        config = read_config(args)
    except ConfigError as err:
        log.error("hall file not reloaded, the running configuration stays:\n%s", err)
        controller.reload_refused(args.config, str(err))
        return False
    try:
        later = controller.reload(config)
    except Exception as err:  # noqa: BLE001 - a reload must never end the controller
        log.error("hall file %s not applied: %s: %s", args.config, type(err).__name__, err)
        controller.reload_refused(args.config, f"{args.config}: not applied ({type(err).__name__}: {err})")
        return False
    log.info("hall file %s reloaded", args.config)
    for what in later:
        log.warning("hall file %s: %s changed; it takes effect after a restart", args.config, what)
    return True


def calm_collector() -> None:
    """Python's full garbage collection looks at every object the process holds and stops every
    thread meanwhile: 60-85 ms in a controller with thousands of tickets (a call's board waited
    that long). What start-up made (modules, schemas, the halls' configuration: 80,000 objects
    before the first hall, about 30 ms of every full collection) is set aside for good
    (gc.freeze): full collections look only at what the day made."""
    gc.collect()
    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="hall-controller", description="Run the hall controller.")
    ap.add_argument("--config", required=True, help="hall controller TOML file")
    ap.add_argument("--broker-port", type=int, help="override broker.port")
    ap.add_argument("--database", help="override database.url")
    ap.add_argument("--backend-url", help="override backend.url (the platform; key and secret from the file or "
                                          "HALL_BACKEND_APP_KEY / HALL_BACKEND_SECRET)")
    ap.add_argument("--id", help="which controller process of the file this is (controller_id or one of "
                                 "controller_peers; default controller_id); its MQTT password from HALL_MQTT_PASSWORD")
    ap.add_argument("--no-speaker", action="store_true",
                    help="announce nothing here (a central controller process whose halls have their own "
                         "loudspeaker PCs)")
    ap.add_argument("--announce-dir", help="also keep each announcement as a WAV file in this directory (the "
                                           "loudspeakers play it as well, unless --no-speaker)")
    ap.add_argument("--test-clock", metavar="SPEC",
                    help="TEST ONLY, off by default: run the hall's wall clock accelerated for a soak test's "
                         "compressed day (devkit/soak.py), START[,speed=N][,anchor=UNIX], START ISO 8601 with "
                         "offset; timeouts and back-offs keep their real length (drivers/core/clock.py "
                         "AcceleratedClock). Never on a hall")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    # The request worker's idle work (a 60-window hall's window states) hands the interpreter to
    # the MQTT thread within 1 ms, not Python's default 5 ms: a call waiting to be read is not
    # held up by them (bench/bench_queue.py, the 60-window hall's call -> board p99).
    sys.setswitchinterval(0.001)
    try:
        config = read_config(args)
    except ConfigError as err:
        print(f"hall-controller: configuration error:\n{err}", file=sys.stderr)
        return 78
    clock = None
    if args.test_clock:
        try:
            clock = AcceleratedClock.parse(args.test_clock)
        except ValueError as err:
            print(f"hall-controller: --test-clock: {err}", file=sys.stderr)
            return 64
        log.warning("TEST ONLY: the hall's clock is accelerated (%s)", clock.spec())
    engine = make_engine(config.database.url, base_dir=Path(args.config).resolve().parent)
    password = os.environ.get("HALL_MQTT_PASSWORD", config.broker.password)
    # The loudspeakers of [halls.audio] by default; --announce-dir also keeps each call as WAV files.
    if args.id and args.id not in config.controller_ids:
        print(f"hall-controller: --id {args.id}: {args.config} names the controllers "
              f"{', '.join(config.controller_ids)}", file=sys.stderr)
        return 78
    try:
        controller = HallController(config, engine, clock=clock, password=password, identity=args.id,
                                    speaker=not args.no_speaker,
                                    announce_dir=Path(args.announce_dir) if args.announce_dir else None)
    except MqttError as err:   # the [broker] TLS files cannot be read
        print(f"hall-controller: {args.config}: {err}", file=sys.stderr)
        return 78
    notify = Notifier.from_environment()
    wake, stop, hup = threading.Event(), threading.Event(), threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: (stop.set(), wake.set()))
    signal.signal(signal.SIGINT, lambda *_: (stop.set(), wake.set()))
    signal.signal(signal.SIGHUP, lambda *_: (hup.set(), wake.set()))  # systemctl reload: read the file again
    restart = threading.Event()  # a technician's `hall-ops restart`: stop cleanly, exit 75, systemd starts us again
    controller.ops.restart = lambda: (restart.set(), stop.set(), wake.set())
    try:
        controller.start()
    except MqttError as err:
        print(f"hall-controller: {err}", file=sys.stderr)
        return 69
    watchdog = Watchdog(notify, controller.heartbeats(Watchdog.stale_after(notify))).start()
    calm_collector()
    serving = f"serving {len(controller.queues)} hall(s) as {controller.id}"
    notify.ready(serving)
    print("hall-controller: ready", flush=True)
    while True:
        wake.wait()
        wake.clear()
        if stop.is_set():
            break
        if hup.is_set():
            hup.clear()
            notify.reloading()
            reload(controller, args)
            notify.ready(serving)
    notify.stopping("stopping")
    watchdog.stop()
    controller.stop()
    engine.dispose()  # the last connection closes: SQLite checkpoints its WAL (nothing left behind in it)
    return RESTART_EXIT_CODE if restart.is_set() else 0


if __name__ == "__main__":
    sys.exit(main())
