"""The window caller for staff: a small Qt window, or one command from the shell.

    window-caller --hall demo-hall --id caller-w1 --window 1              # the window
    window-caller --hall demo-hall --id caller-w1 --window 1 call_next    # one command

The window (hall_apps/caller_qt.py) only renders `CallerModel` (hall_apps/caller_model.py) and
sends intents: sign-in, the big "next" button and keypad keys, confirmations, kiosks' help calls;
Chinese first, English with one button.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from pydantic import ValidationError

from hall_apps.caller_model import CallerClient, CallerError, CallerModel
from hall_protocol.contract import describe as describe_payload
from hall_protocol.mqtt import Endpoint, MqttError, tls_arguments, tls_from_args
from hall_protocol.presence import PresenceAnnouncer
from privacy import install_log_masking

ACTIONS = ["call_next", "recall", "start", "finish", "no_show", "transfer", "pause", "resume", "call", "cancel",
           "open", "close", "status", "sign_in", "sign_out"]


def build_window(client: CallerClient, endpoint: Endpoint, hall_services: dict[str, str] | None = None, *,
                 reasons: list[str] | None = None, controller_id: str = "hall-controller"):
    """The Qt caller window for one window (hall_apps/caller_qt.py); the model is attached to `endpoint`."""
    from hall_apps.caller_qt import CallerWindow
    return CallerWindow(client, endpoint, hall_services, reasons=reasons, controller_id=controller_id)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="window-caller")
    ap.add_argument("--hall", required=True)
    ap.add_argument("--id", required=True, help="this caller's device id")
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--broker", default="127.0.0.1:1883")
    tls_arguments(ap)
    ap.add_argument("--controller-id", default="hall-controller")
    ap.add_argument("--clerk")
    ap.add_argument("--pause-reason", action="append", dest="pause_reasons",
                    help="a pause reason offered in the list (repeat; default: a standard list)")
    ap.add_argument("action", nargs="?", choices=[*ACTIONS, "check_in"],
                    help="check_in --ticket A012: the holder of a remote ticket is here (it joins the queue)")
    ap.add_argument("--ticket")
    ap.add_argument("--reason")
    ap.add_argument("--to-service")
    ap.add_argument("--to-window", type=int)
    ap.add_argument("--front", action="store_true", help="transfer: to the front of the queue")
    ap.add_argument("--requeue", action="store_true", help="no_show: put the ticket back in the queue")
    ap.add_argument("--staff", help="sign_in: the clerk's staff number (the PIN is read from stdin, one line)")
    args = ap.parse_args(argv)
    install_log_masking()  # every record masked (privacy.logs)
    host, port = args.broker.rsplit(":", 1)
    # the window is the caller's presence (retained, last will offline); a one-shot command is not
    presence = None if args.action else PresenceAnnouncer(args.id, "caller", [args.hall])
    ep = Endpoint(args.id, host, int(port), username=args.id, password=os.environ.get("HALL_MQTT_PASSWORD"),
                  tls=tls_from_args(ap, args), will=presence.will() if presence else None)
    client = CallerClient(ep, args.hall, args.window, args.clerk)
    if presence is not None:
        from qtkit.common import application, show_window
        from qtkit.service import serve
        app = application(sys.argv)
        w = build_window(client, ep, reasons=args.pause_reasons, controller_id=args.controller_id)
        presence.attach(ep)
        from qtkit.ops import wire_ops
        wire_ops(app, ep, args.id, "caller", [args.hall])  # a technician's info, log, restart (hall_protocol/ops.py)
        ep.start(timeout=0)  # keep retrying in the background; the red banner says so meanwhile
        show_window(w, full_screen=False)   # or where HALL_WINDOW_GEOMETRY puts it (the demo)
        serve(app, f"caller {args.id}")  # systemd: READY=1, the watchdog fed by the event loop
        try:
            return app.exec()
        finally:
            ep.stop()
    try:
        ep.start()
    except MqttError as err:
        print(f"window-caller: {err}", file=sys.stderr)
        return 69
    try:
        kw = {k: v for k, v in dict(ticket=args.ticket, reason=args.reason, to_service=args.to_service,
                                      to_window=args.to_window, front=args.front or None,
                                      requeue=args.requeue or None).items() if v is not None}
        try:
            if args.action in ("sign_in", "sign_out"):
                pin = sys.stdin.readline().strip() if args.action == "sign_in" else None
                print(json.dumps(client.sign(args.action, args.staff, pin), ensure_ascii=False))
                return 0
            if args.action == "check_in":
                if not args.ticket:
                    ap.error("check_in needs --ticket")
                print(json.dumps(client.check_in(args.ticket), ensure_ascii=False))
            else:
                print(json.dumps(client.command(args.action, **kw), ensure_ascii=False))
        except (CallerError, MqttError) as err:
            print(f"window-caller: {err}", file=sys.stderr)
            return 1
        except ValidationError as err:  # e.g. sign_in without --staff or PIN
            print(f"window-caller: {describe_payload(err)}", file=sys.stderr)
            return 2
        return 0
    finally:
        ep.stop()


if __name__ == "__main__":
    sys.exit(main())
