"""kioskctl a4: the licence printer's CUPS queue state, and printing a PDF on A4."""
from __future__ import annotations

import argparse

from drivers.a4printer.printer import A4Printer
from drivers.cli import emit


def _printer(args: argparse.Namespace) -> A4Printer:
    return A4Printer(args.url, timeout=getattr(args, "timeout", 60.0))


def _status(args: argparse.Namespace) -> int:
    printer = _printer(args)
    try:
        state = printer.queue_state()
    finally:
        printer.close()
    lines = [f"{state['queue']}: {state['state']} ({state['status']['state']})",
             f"  reasons: {', '.join(state['reasons']) or 'none'}",
             f"  accepting jobs: {'yes' if state['accepting'] else 'no'}; queued jobs: {state['queued_jobs']}"]
    if state["message"]:
        lines.append(f"  message: {state['message']}")
    if state["status"]["action"] != "none":
        lines.append(f"  action: {state['status']['action']}")
    emit(args, state, "\n".join(lines))
    return 0 if state["status"]["state"] in ("online", "busy") else 1


def _print(args: argparse.Namespace) -> int:
    with _printer(args) as printer:
        result = printer.print_file(args.file, args.title)
    emit(args, result.to_dict(), str(result))
    return 0 if result.ok else 1


def register(sub, common: argparse.ArgumentParser) -> None:
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument("--url", required=True, help="cups://QUEUE[?server=host:port or /path/cups.sock]")
    a4 = sub.add_parser("a4", parents=[common], help="A4 licence printer (CUPS queue)")
    cmds = a4.add_subparsers(dest="a4_command", metavar="ACTION", required=True)
    cmds.add_parser("status", parents=[common, url], help="queue state and reasons").set_defaults(func=_status)
    pr = cmds.add_parser("print", parents=[common, url], help="print a PDF on A4 and wait for the job")
    pr.add_argument("file", help="a PDF file")
    pr.add_argument("--title", help="job title (default: the file name)")
    pr.set_defaults(func=_print)
