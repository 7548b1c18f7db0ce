"""`hall-ops`: a technician's remote operations over MQTT, with the technician's own identity
([[technicians]] of the hall file, provisioned by `hall-provision broker`; its password in
HALL_MQTT_PASSWORD or the credentials file).

    hall-ops --config hall.toml --id tech-01 devices
    hall-ops --config hall.toml --id tech-01 log kiosk-01 [--lines 200]
    hall-ops --config hall.toml --id tech-01 counters kiosk-01
    hall-ops --config hall.toml --id tech-01 info kiosk-01
    hall-ops --config hall.toml --id tech-01 push-config kiosk-01 idle_timeout_s=90 language=en
    hall-ops --config hall.toml --id tech-01 restart screen-main

`devices` lists every device of the technician's halls (and the controller) with presence,
health (the worst part and who must act), version and uptime, from the retained presence and
health. The others ask one device (hall_protocol/ops.py). Exit codes: 0 fine, 1 the device
refused or did not answer, 2 bad arguments, 69 the broker did not take us, 78 bad configuration.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

from config import ConfigError, HallSuiteConfig, load_config
from config.schema import TechnicianConfig
from hall_controller.tools.provision import CredentialsError, read_credentials
from hall_protocol.mqtt import Endpoint, MqttError
from hall_protocol.ops_client import DeviceRow, OpsClient
from hall_protocol.opsmsg import MAX_LOG_LINES

EX_UNAVAILABLE, EX_CONFIG = 69, 78
SETTLE_S = 1.5  # retained presence and health arrive at once; this is the wait for the last of them


def _uptime(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    return f"{minutes // 1440}d {minutes // 60 % 24}h {minutes % 60}min" if minutes >= 1440 else \
        f"{minutes // 60}h {minutes % 60}min" if minutes >= 60 else f"{minutes}min"


def _devices(config: HallSuiteConfig, halls: list[str]) -> list[tuple[str, str, str]]:
    """(hall, id, role) of every device of `halls` as the file names them, the controllers first."""
    out = [(halls[0], cid, "controller") for cid in config.controller_ids]
    return out + [(h.id, d.id, d.role) for h in config.halls if h.id in halls for d in h.devices
                  if d.role != "display"]  # a window display is driven by the controller: no process of its own


def render(rows: list[DeviceRow]) -> str:
    head = ("HALL", "DEVICE", "ROLE", "PRESENCE", "HEALTH", "VERSION", "UPTIME")
    table = [head] + [(r.hall, r.device, r.role, r.presence, r.health, r.version or "-", _uptime(r.uptime_s))
                      for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table)


def _parse_values(pairs: list[str], ap) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            ap.error(f"push-config: {pair!r} is not key=value")
        values[key.strip()] = value.strip()
    return values


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="hall-ops", description="Remote operations for technicians.")
    ap.add_argument("--config", required=True, help="the hall file (its halls, devices and [[technicians]])")
    ap.add_argument("--id", required=True, help="your technician id ([[technicians]] of the hall file)")
    ap.add_argument("--credentials", help="credentials.json of hall-provision (else HALL_MQTT_PASSWORD)")
    ap.add_argument("--broker-port", type=int, help="override broker.port")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for an answer")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("devices", help="every device of your halls: presence, health, version, uptime")
    for name in ("info", "counters", "restart"):
        sub.add_parser(name, help=f"{name} of one device").add_argument("device")
    p = sub.add_parser("log", help="a device's recent log lines (personal data masked)")
    p.add_argument("device")
    p.add_argument("--lines", type=int, default=100)
    p = sub.add_parser("push-config", help="change a device's own file (kiosk: safe keys only)")
    p.add_argument("device")
    p.add_argument("values", nargs="+", metavar="key=value")
    args = ap.parse_args(argv)
    try:
        config = load_config(args.config, HallSuiteConfig)
    except ConfigError as err:
        print(f"hall-ops: configuration error:\n{err}", file=sys.stderr)
        return EX_CONFIG
    tech: TechnicianConfig | None = next((t for t in config.technicians if t.id == args.id), None)
    if tech is None:
        print(f"hall-ops: {args.config} has no technician {args.id!r} ([[technicians]]: "
              f"{', '.join(t.id for t in config.technicians) or 'none'})", file=sys.stderr)
        return EX_CONFIG
    halls = tech.halls or [h.id for h in config.halls]
    known = {d: h for h, d, _ in _devices(config, halls)}
    device = getattr(args, "device", None)
    if device is not None and device not in known:
        ap.error(f"{device!r} is not a device of your halls ({', '.join(halls)}) in {args.config}")
    if getattr(args, "lines", 1) < 1 or getattr(args, "lines", 1) > MAX_LOG_LINES:
        ap.error(f"--lines: 1 to {MAX_LOG_LINES}")
    password = os.environ.get("HALL_MQTT_PASSWORD") or tech.password
    if args.credentials:
        try:
            password = read_credentials(Path(args.credentials)).get(args.id, {}).get("password") or password
        except CredentialsError as err:
            print(f"hall-ops: {err}", file=sys.stderr)
            return EX_CONFIG
    broker = config.broker.model_copy(update={"port": args.broker_port}) if args.broker_port else config.broker
    connection = dataclasses.replace(broker.connection(args.id, password), username=args.id)
    endpoint = Endpoint.over(args.id, connection)
    client = OpsClient(endpoint, halls)
    if args.command == "devices":
        client.watch(halls)
    try:
        endpoint.start()
    except MqttError as err:
        print(f"hall-ops: {err}", file=sys.stderr)
        return EX_UNAVAILABLE
    try:
        if args.command == "devices":
            time.sleep(SETTLE_S)
            print(render(client.rows(_devices(config, halls))))
            return 0
        extra = {"lines": args.lines} if args.command == "log" else \
            {"values": _parse_values(args.values, ap)} if args.command == "push-config" else {}
        op = "config" if args.command == "push-config" else args.command
        try:
            answer = client.ask(known[device], device, op, timeout=args.timeout, **extra)
        except MqttError as err:
            print(f"hall-ops: {err}", file=sys.stderr)
            return 1
        if answer.status != "ok":
            print(f"hall-ops: {device} refused {op}: {answer.code}: {answer.error}", file=sys.stderr)
            return 1
        print(_show(op, device, answer.data or {}))
        return 0
    finally:
        endpoint.stop()


def _show(op: str, device: str, data: dict) -> str:
    if op == "log":
        head = [f"# {data.get('dropped', 0)} older lines not kept"] if data.get("dropped") else []
        return "\n".join(head + list(data.get("lines", [])))
    if op == "counters":
        counters = data.get("counters", {})
        return "\n".join(f"{k} {v}" for k, v in sorted(counters.items())) or f"{device}: no counters yet"
    if op == "restart":
        return f"{device}: restarting (exit code {data.get('exit_code')})"
    if op == "config":
        lines = [f"applied {k} = {v}" for k, v in sorted(data.get("applied", {}).items())]
        lines += [f"after a restart: {k}" for k in data.get("needs_restart", [])]
        return "\n".join(lines + ([f"written to {data['file']}"] if data.get("file") else []))
    return "\n".join(f"{k}: {v}" for k, v in data.items())


if __name__ == "__main__":
    sys.exit(main())
