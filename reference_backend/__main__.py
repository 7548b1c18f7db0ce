"""python -m reference_backend --host 127.0.0.1 --port 0 --app-key K --app-secret S

Prints one JSON line {"url", "admin_token", "state_dir", "pid"} when ready.
`--write-openapi FILE` writes the contract document and exits.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from drivers.core.clock import AcceleratedClock
from privacy import install_log_masking, private_dir

from .faults import FaultConfig
from .payments import PaymentSim


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m reference_backend", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port")
    p.add_argument("--app-key", default="demo-key")
    p.add_argument("--app-secret", default="demo-secret")
    p.add_argument("--admin-token", default=os.environ.get("REFERENCE_BACKEND_ADMIN_TOKEN"),
                   help="token for /_admin (default: generated, printed in the ready line)")
    p.add_argument("--state-dir", type=Path, help="SQLite state lives here (default: temp dir)")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic data")
    p.add_argument("--sms-resend-s", type=int, default=60, metavar="S",
                   help="seconds between two SMS codes to one number (tests: 0)")
    p.add_argument("--write-openapi", type=Path, metavar="FILE")
    p.add_argument("--log-level", default="WARNING")
    p.add_argument("--test-clock", metavar="SPEC",
                   help="TEST ONLY (devkit/soak.py): the platform's time runs like the hall controller's "
                        "accelerated clock, START[,speed=N][,anchor=UNIX] (drivers/core/clock.py AcceleratedClock), "
                        "so its signed-timestamp check agrees with it; off by default")
    f = p.add_argument_group("fault injection (also at run time: POST /_admin/faults)")
    f.add_argument("--fault-delay", type=float, default=0.0, metavar="S")
    f.add_argument("--fault-error-rate", type=float, default=0.0, metavar="P")
    f.add_argument("--fault-error-status", type=int, default=503)
    f.add_argument("--fault-error-after", action="store_true",
                   help="fail after processing (the write happened, the answer is lost)")
    f.add_argument("--fault-drop-rate", type=float, default=0.0, metavar="P")
    f.add_argument("--fault-malformed", choices=["wrong_types", "missing_fields", "html",
                                                 "truncated_pdf"])
    f.add_argument("--fault-paths", help="regex: faults only on matching paths")
    pay = p.add_argument_group("simulated payment (also at run time: POST /_admin/payments/settings)")
    pay.add_argument("--pay-order-ttl", type=float, default=900.0, metavar="S", help="an order expires after S")
    pay.add_argument("--pay-auto-after", type=float, metavar="S",
                     help="the citizen's wallet pays every order S seconds after it opened (the demo)")
    pay.add_argument("--pay-invoice-delay", type=float, default=0.0, metavar="S",
                     help="the e-invoice follows the payment S seconds later")
    return p.parse_args(argv)


def openapi_text(app) -> str:
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    import uvicorn

    from .app import ServerConfig, create_app

    faults = FaultConfig(delay_s=args.fault_delay, error_rate=args.fault_error_rate,
                         error_status=args.fault_error_status, error_after=args.fault_error_after,
                         drop_rate=args.fault_drop_rate, malformed=args.fault_malformed,
                         paths=args.fault_paths)
    if args.write_openapi:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(ServerConfig(args.app_key, args.app_secret, Path(tmp)))
            args.write_openapi.write_text(openapi_text(app), encoding="utf-8")
            app.state.store.close()
        return 0
    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="reference-backend-"))
    private_dir(state_dir)  # 0700 when made here; its SQLite store is 0600
    token = args.admin_token or secrets.token_hex(16)
    payments = PaymentSim(order_ttl_s=args.pay_order_ttl, auto_pay_after_s=args.pay_auto_after,
                          invoice_delay_s=args.pay_invoice_delay)
    extra = {}
    if args.test_clock:
        try:
            clock = AcceleratedClock.parse(args.test_clock)
        except ValueError as err:
            print(f"reference_backend: --test-clock: {err}", file=sys.stderr)
            return 2
        extra["now"] = lambda: clock.now().timestamp()
    app = create_app(ServerConfig(args.app_key, args.app_secret, state_dir, token, args.seed,
                                  faults, payments=payments, sms_resend_s=args.sms_resend_s, **extra))
    # proto=IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only
    # then; without it every keep-alive answer waits 40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET,
                         socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    host, port = sock.getsockname()[:2]
    # access_log off: the default access log would print request lines; ours carry no IDs,
    # but a real deployment's proxy logs are its own business.
    server = uvicorn.Server(uvicorn.Config(app, log_level=args.log_level.lower(), access_log=False,
                                           timeout_graceful_shutdown=1))

    def announce() -> None:
        while not server.started:
            time.sleep(0.02)
        print(json.dumps({"url": f"http://{host}:{port}", "admin_token": token,
                          "state_dir": str(state_dir), "pid": os.getpid()}), flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
