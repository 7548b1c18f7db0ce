"""`kioskctl ports`: the serial ports (with USB ids) and the PC/SC readers of this machine."""
from __future__ import annotations

import argparse

from serial.tools import list_ports

from drivers.cli import emit


def serial_ports() -> list[dict]:
    out = []
    for p in sorted(list_ports.comports(include_links=True), key=lambda p: p.device):
        usb = f"{p.vid:04x}:{p.pid:04x}" if p.vid is not None and p.pid is not None else None
        out.append({"device": p.device, "url": f"serial://{p.device}", "usb_id": usb,
                    "description": p.description if p.description != "n/a" else "",
                    "serial_number": p.serial_number, "manufacturer": p.manufacturer})
    return out


def pcsc_readers() -> tuple[list[dict], str | None]:
    from drivers.smartcard.reader import list_readers
    from drivers.core.errors import DeviceError
    try:
        names = list_readers(strict=True)
    except DeviceError as err:
        return [], str(err)
    return [{"name": n, "url": f"pcsc://{n}"} for n in names], None


def run(args: argparse.Namespace) -> int:
    ports = serial_ports()
    readers, pcsc_error = pcsc_readers()
    lines = ["Serial ports:"] + ([f"  {p['url']}  {p['usb_id'] or '-'}  {p['description']}" for p in ports]
                                or ["  (none)"])
    lines += ["PC/SC readers:"] + ([f"  {r['url']}" for r in readers] or
                                   [f"  (none{': ' + pcsc_error if pcsc_error else ''})"])
    emit(args, {"serial": ports, "pcsc": readers, "pcsc_error": pcsc_error}, "\n".join(lines))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("ports", parents=[common], help="list serial ports (USB ids) and PC/SC readers")
    p.set_defaults(func=run)
