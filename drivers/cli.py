"""kioskctl: the technician's probe for every device.

Each driver package contributes its sub-commands through `drivers/<name>/cli.py`, which
defines `register(subparsers, common)`; this module finds them, parses the command line
and turns every device error into one clear line and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys

import drivers
from drivers.core.errors import DeviceError
from drivers.core.url import UrlError
from privacy import install_log_masking

EXIT_DEVICE = 2
EXIT_USAGE = 64


def common_parser() -> argparse.ArgumentParser:
    """Options every sub-command accepts (so `--json` works before or after it)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON object instead of text")
    common.add_argument("--timeout", type=float, default=argparse.SUPPRESS,
                        help="seconds to wait for the device")
    return common


def cli_modules() -> list[str]:
    names = []
    for info in pkgutil.iter_modules(drivers.__path__):
        if info.ispkg and importlib.util.find_spec(f"drivers.{info.name}.cli") is not None:
            names.append(f"drivers.{info.name}.cli")
    return sorted(names)


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(prog="kioskctl", parents=[common],
                                     description="Probe and self-test the devices of a kiosk or hall.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log device traffic to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in cli_modules():
        importlib.import_module(name).register(sub, common)
    return parser


def emit(args: argparse.Namespace, data: dict, text: str) -> None:
    """Print `data` as JSON with --json, else the human-readable `text`."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, sort_keys=True))
    else:
        print(text)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except UrlError as err:
        print(f"kioskctl: bad URL: {err}", file=sys.stderr)
        return EXIT_USAGE
    except DeviceError as err:
        print(f"kioskctl: {err} (action: {err.action.value})", file=sys.stderr)
        return EXIT_DEVICE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
