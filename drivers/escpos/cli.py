"""kioskctl printer: ask a receipt printer for its status, print the test receipt."""
from __future__ import annotations

import argparse

from drivers.cli import emit
from drivers.core.errors import Action, DeviceTimeout
from drivers.escpos.printer import ReceiptPrinter
from drivers.escpos.templates import self_test_lines

TEST_QR = "https://example.invalid/kioskctl/printer-test"


def _printer(args: argparse.Namespace) -> ReceiptPrinter:
    printer = ReceiptPrinter(args.url, device_id=args.device_id, timeout=getattr(args, "timeout", None))
    printer.start()
    return printer


def _status(args: argparse.Namespace) -> int:
    with _printer(args) as printer:
        status = printer.status()
    if not status.answered:
        raise DeviceTimeout(f"no answer to DLE EOT from {args.url} (not a printer, or switched off)",
                            action=Action.TECHNICIAN)
    device = status.device_status()
    text = (f"printer {args.url}: {'online' if status.online else 'OFFLINE'}, paper {status.paper}, "
            f"cover {'open' if status.cover_open else 'closed'} -> {device.state.value}"
            + (f" (action: {device.action.value})" if device.action is not Action.NONE else ""))
    emit(args, status.to_dict(), text)
    return 0 if device.usable else 1


def _test(args: argparse.Namespace) -> int:
    with _printer(args) as printer:
        printer.print_text_receipt(self_test_lines(printer.device_id, printer.clock.now()), qr=TEST_QR)
        status = printer.status()
    emit(args, {"printed": True, **status.to_dict()}, f"test receipt sent to {args.url}")
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--url", required=True,
                        help="tcp://HOST:9100, serial:///dev/ttyUSB0?baud=9600, usb://VID:PID or sim://escpos")
    target.add_argument("--device-id", default="kioskctl-printer", help="name for logs and counters")
    printer = sub.add_parser("printer", parents=[common], help="receipt printer (ESC/POS)")
    cmds = printer.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    status = cmds.add_parser("status", parents=[common, target], help="online, paper and cover state (DLE EOT)")
    status.set_defaults(func=_status)
    test = cmds.add_parser("test", parents=[common, target], help="print a Chinese test receipt with a QR code")
    test.set_defaults(func=_test)
