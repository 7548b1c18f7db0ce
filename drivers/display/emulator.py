"""Run a display emulator on a pty: `python -m drivers.display.emulator text|modbus [--addr N]
[--fault no_ack:2] [--link /tmp/display0]`. Prints the tty path, serves until SIGINT/SIGTERM."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from drivers.display.modbusemu import ModbusDisplayEmulator
from drivers.display.ptylink import PtyLink
from drivers.display.textemu import TextDisplayEmulator
from privacy import install_log_masking


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.display.emulator", description=__doc__)
    parser.add_argument("kind", choices=("text", "modbus"))
    parser.add_argument("--addr", type=lambda v: int(v, 0), default=1, help="text address or Modbus slave")
    parser.add_argument("--digits", type=int, default=4, help="digits of a modbus display")
    parser.add_argument("--fault", default="", help="faults, e.g. no_ack:2,bad_crc (see the emulator modules)")
    parser.add_argument("--link", help="also make this symlink to the tty")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every byte")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    if args.kind == "text":
        emulator = TextDisplayEmulator(addr=args.addr, faults=args.fault)
    else:
        emulator = ModbusDisplayEmulator(slave=args.addr, digits=args.digits, faults=args.fault)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with PtyLink(emulator.receive, name=f"{args.kind}-display") as link:
        if args.link:
            if os.path.lexists(args.link):
                os.remove(args.link)
            os.symlink(link.path, args.link)
        print(link.path, flush=True)
        try:
            stop.wait()
        finally:
            if args.link and os.path.islink(args.link):
                os.remove(args.link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
