"""hall-web --config web.toml: the public web service (phone pages, hall and city pages, data
screens). Its MQTT password comes from HALL_MQTT_PASSWORD (provisioning), the form-signing
secret from HALL_WEB_SECRET (or a new one each start). When it listens it prints one JSON line
{"url", "pid"} (the demo and the tests wait for it); the access log is off: a ticket page's
address is its key.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
import threading
import time

from config import ConfigError, WebConfig, load_config
from hall_protocol.errors import MqttError
from privacy import install_log_masking
from servicekit import Heartbeat, Notifier, Watchdog

log = logging.getLogger("hall_web")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="hall-web", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True, help="the web service's file (config/examples/web.toml)")
    ap.add_argument("--port", type=int, help="override listen_port (0 = any free port)")
    ap.add_argument("--log-level", default="INFO")
    args = ap.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    try:
        config = load_config(args.config, WebConfig)
    except ConfigError as err:
        print(f"hall-web: {err}", file=sys.stderr)
        return 2
    secret = os.environ.get("HALL_WEB_SECRET") or config.secret
    if secret is not None and len(secret) < 32:
        print("hall-web: HALL_WEB_SECRET must have at least 32 characters", file=sys.stderr)
        return 2
    config = config.model_copy(update={"secret": secret})

    import uvicorn

    from hall_web.app import create_app
    from hall_web.link import HallLink

    link = HallLink(config.id, config.broker.connection(config.id, os.environ.get("HALL_MQTT_PASSWORD")),
                    [h.id for h in config.halls])
    # a technician's info, log and restart (hall_protocol/ops.py): restart stops uvicorn, exit code 75
    from hall_protocol.ops import RESTART_EXIT_CODE, OpsResponder
    restart, stopping = threading.Event(), []
    OpsResponder(link.endpoint, config.id, "web", [h.id for h in config.halls],
                 restart=lambda: (restart.set(), [setattr(s, "should_exit", True) for s in stopping])).attach()
    try:
        link.start()
    except MqttError as err:
        print(f"hall-web: {err}", file=sys.stderr)
        return 3
    app = create_app(config, link)
    sock = socket.socket(socket.AF_INET6 if ":" in config.listen_host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)  # asyncio sets TCP_NODELAY on accepted sockets only then
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.listen_host, config.listen_port if args.port is None else args.port))
    except OSError as err:
        print(f"hall-web: cannot listen on {config.listen_host}:{config.listen_port}: {err.strerror}", file=sys.stderr)
        link.stop()
        return 2
    sock.listen(2048)
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, backlog=2048,
                                           timeout_graceful_shutdown=2, timeout_keep_alive=30))

    stopping.append(server)
    server.should_exit = restart.is_set()  # asked before the server was made
    notify = Notifier.from_environment()
    watchdogs: list[Watchdog] = []

    def announce() -> None:
        while not server.started:
            time.sleep(0.02)
        print(json.dumps({"url": f"http://{host}:{port}", "pid": os.getpid()}), flush=True)
        log.info("hall-web listening on %s:%s for %d hall(s)", host, port, len(config.halls))
        # systemd (deploy/systemd/hall-web.service): ready once it listens; the watchdog is fed
        # only while the event loop runs a call handed to it (servicekit)
        loop = server.servers[0].get_loop()
        beat = Heartbeat("the web service's event loop", lambda done: loop.call_soon_threadsafe(done),
                         stale_s=Watchdog.stale_after(notify))
        watchdogs.append(Watchdog(notify, [beat]).start())
        notify.ready(f"listening on {host}:{port} for {len(config.halls)} hall(s)")
        while not server.should_exit:  # SIGTERM: uvicorn shuts down, then dies of the signal it re-raises
            time.sleep(0.1)
        notify.stopping("stopping")

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        for w in watchdogs:
            w.stop()
        link.stop()
    return RESTART_EXIT_CODE if restart.is_set() else 0


if __name__ == "__main__":
    sys.exit(main())
