"""kioskctl smartcard: list PC/SC readers, read a social security card, read a card UID."""
from __future__ import annotations

import argparse

from drivers.cli import emit
from drivers.smartcard.errors import PinRequired
from drivers.smartcard.reader import SmartCardReader, list_readers

DEFAULT_URL = "pcsc://Virtual PCD 00 00"


def _readers(args: argparse.Namespace) -> int:
    names = list_readers(strict=True)
    emit(args, {"readers": names}, "\n".join(names) if names else "no PC/SC readers")
    return 0


def _open(args: argparse.Namespace) -> SmartCardReader:
    reader = SmartCardReader(args.url)
    reader.start()
    reader.wait_for_card(timeout=getattr(args, "timeout", 5.0))
    return reader


def _read(args: argparse.Namespace) -> int:
    with _open(args) as reader:
        try:
            card = reader.read_social_security_card(pin=args.pin)
            pin_required = False
        except PinRequired as err:
            card, pin_required = err.partial, True
            message = str(err)
    data = card.to_dict(masked=not args.unmasked)
    data["pin_required"] = pin_required
    lines = [f"{k}: {v}" for k, v in data.items() if v not in (None, "")]
    if pin_required:
        lines.append(f"PIN required: {message}")
    emit(args, data, "\n".join(lines))
    return 1 if pin_required else 0


def _uid(args: argparse.Namespace) -> int:
    with _open(args) as reader:
        atr = reader.connect()
        uid = reader.uid()
    emit(args, {"uid": uid.hex().upper(), "atr": atr.hex().upper()}, uid.hex().upper())
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument("--url", default=DEFAULT_URL, help=f"reader URL (default {DEFAULT_URL!r})")
    sc = sub.add_parser("smartcard", parents=[common], help="PC/SC smart card readers")
    cmds = sc.add_subparsers(dest="smartcard_command", metavar="ACTION", required=True)
    cmds.add_parser("readers", parents=[common], help="list PC/SC readers").set_defaults(func=_readers)
    read = cmds.add_parser("read", parents=[common, url], help="read a social security card (masked)")
    read.add_argument("--pin", help="the card PIN, when EF06 needs it")
    read.add_argument("--unmasked", action="store_true", help="show ID number and name in clear")
    read.set_defaults(func=_read)
    cmds.add_parser("uid", parents=[common, url], help="read a contactless card or ID card UID").set_defaults(func=_uid)
