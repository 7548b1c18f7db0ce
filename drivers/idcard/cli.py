"""kioskctl idcard read|sam: probe a resident ID card reader.

    kioskctl idcard read --url serial:///dev/ttyUSB0 [--json] [--unmasked] [--wait 10]
    kioskctl idcard sam --url sim://idcard
"""
from __future__ import annotations

import argparse

from drivers.cli import emit
from drivers.idcard.errors import NoCard
from drivers.idcard.reader import IdCardReader


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("idcard", parents=[common], help="resident ID card reader (SAM serial)")
    commands = parser.add_subparsers(dest="idcard_command", metavar="ACTION", required=True)
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument("--url", required=True, help="serial:///dev/ttyUSB0, tcp://host:port or sim://idcard?card=resident")
    read = commands.add_parser("read", parents=[common, url], help="read the card on the reader")
    read.add_argument("--unmasked", action="store_true", help="print the full ID number")
    read.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a card to be placed")
    read.set_defaults(func=cmd_read)
    sam = commands.add_parser("sam", parents=[common, url], help="print the SAM id")
    sam.set_defaults(func=cmd_sam)


def _reader(args: argparse.Namespace) -> IdCardReader:
    return IdCardReader(args.url, timeout=getattr(args, "timeout", 1.0), device_id="kioskctl-idcard")


def cmd_read(args: argparse.Namespace) -> int:
    with _reader(args) as reader:
        waited = 0.0
        while True:
            try:
                card = reader.read_card()
                break
            except NoCard:
                if waited >= args.wait:
                    raise
                reader.clock.sleep(0.2)
                waited += 0.2
    data = card.to_dict(masked=not args.unmasked)
    lines = [f"{key}: {value}" for key, value in data.items() if value not in (None, "", {})]
    emit(args, data, "\n".join(lines))
    return 0


def cmd_sam(args: argparse.Namespace) -> int:
    with _reader(args) as reader:
        sam_id = reader.sam_id()
    emit(args, {"sam_id": sam_id}, sam_id)
    return 0
