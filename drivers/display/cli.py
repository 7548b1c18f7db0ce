"""kioskctl display: show a number or text on a window display, clear it, read its status."""
from __future__ import annotations

import argparse
import sys

from drivers.cli import EXIT_USAGE, emit
from drivers.display import open_display


def _open(args: argparse.Namespace):
    kwargs = {}
    if args.addr is not None:
        kwargs["slave" if args.kind == "modbus" else "addr"] = args.addr
    if getattr(args, "timeout", None):
        kwargs["timeout" if args.kind == "modbus" else "ack_timeout"] = args.timeout
    return open_display(args.url, args.kind, **kwargs)


def _parse_number(value: str) -> tuple[int, int] | None:
    whole, _, frac = value.partition(".")
    if not (whole + frac).isascii() or not (whole + frac).isdigit():
        return None
    return int(whole + frac), len(frac)


def _show(args: argparse.Namespace) -> int:
    number = _parse_number(args.value) if args.kind == "modbus" else None
    if args.kind == "modbus" and number is None:
        print(f"kioskctl display show: {args.value!r} is not a number for a 7-segment display", file=sys.stderr)
        return EXIT_USAGE
    with _open(args) as display:
        if number is not None:
            display.show_number(*number)
        elif args.window is not None:
            display.show_call(args.window, args.value)
        else:
            display.show_text(args.value, line=args.line)
        status = display.refresh_status()
    emit(args, {"shown": args.value, "status": status.to_dict()}, f"shown {args.value!r}; {status.state.value}")
    return 0 if status.usable else 1


def _clear(args: argparse.Namespace) -> int:
    with _open(args) as display:
        display.blank() if args.kind == "modbus" else display.clear()
    emit(args, {"cleared": True}, "cleared")
    return 0


def _status(args: argparse.Namespace) -> int:
    with _open(args) as display:
        status = display.refresh_status()
    data = status.to_dict() | {"extra": status.extra}
    shown = status.extra.get("lines", status.extra.get("shown", ""))
    emit(args, data, f"{status.state.value} {','.join(status.details)} {status.message} shown: {shown}".strip())
    return 0 if status.usable else 1


def register(sub, common: argparse.ArgumentParser) -> None:
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--url", required=True, help="serial:///dev/ttyUSB0?baud=9600, tcp://..., sim://textdisplay")
    target.add_argument("--kind", choices=("modbus", "text"), default="text")
    target.add_argument("--addr", type=lambda v: int(v, 0), help="text address (0xFF broadcast) or Modbus slave")
    display = sub.add_parser("display", parents=[common], help="window number and text displays")
    cmds = display.add_subparsers(dest="display_command", metavar="ACTION", required=True)
    show = cmds.add_parser("show", parents=[common, target], help="show NUMBER_OR_TEXT")
    show.add_argument("value", metavar="NUMBER_OR_TEXT")
    show.add_argument("--window", help="text displays: show a call of ticket VALUE to this window")
    show.add_argument("--line", type=int, default=0, help="text displays: line number")
    show.set_defaults(func=_show)
    clear = cmds.add_parser("clear", parents=[common, target], help="blank the display")
    clear.set_defaults(func=_clear)
    status = cmds.add_parser("status", parents=[common, target], help="ask the display for its status")
    status.set_defaults(func=_status)
