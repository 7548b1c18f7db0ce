"""`hall-provision`: the technician's command for a hall's broker and its devices.

    hall-provision broker --config hall.toml --out /etc/hall/broker        # passwd, acl, credentials.json, mosquitto.conf
    hall-provision broker --config hall.toml --out /etc/hall/broker --rotate kiosk-02
    hall-provision device --config hall.toml --credentials /etc/hall/broker/credentials.json --id kiosk-02 --out kiosk-02.toml
    hall-provision check  --config hall.toml --credentials /etc/hall/broker/credentials.json

`broker` keeps the password of every device already in DIR/credentials.json, so running it
again after adding a device never locks the others out; `--rotate ID` gives one device a new
password. Exit codes: 0 fine, 1 a check failed, 2 bad arguments, 78 bad configuration.
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import shlex
import shutil
import sys
from pathlib import Path

from config import ConfigError, HallSuiteConfig, load_config
from config.schema import DeviceConfig, HallConfig
from hall_controller.tools.provision import (CredentialsError, identities, mosquitto_conf, read_credentials,
                                             write_broker_files)
from hall_controller.tools.provision_check import check_hall
from privacy import install_log_masking

EX_CONFIG = 78


class UsageError(Exception):
    """A wrong argument; the message says which and why."""


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


# -- broker -----------------------------------------------------------------------------
def cmd_broker(args, config: HallSuiteConfig) -> int:
    out = Path(args.out)
    creds_path = out / "credentials.json"
    kept = {cid: v["password"] for cid, v in read_credentials(creds_path).items()} if creds_path.exists() else {}
    known = {config.controller_id} | {d.id for h in config.halls for d in h.devices}
    for cid in args.rotate or []:
        if cid not in known:
            raise UsageError(f"--rotate {cid}: {args.config} has no device {cid!r}")
        configured = config.broker.password if cid == config.controller_id else next(
            d.password for h in config.halls for d in h.devices if d.id == cid)
        if configured:
            raise UsageError(f"--rotate {cid}: its password is set in {args.config}; change it there")
        kept.pop(cid, None)
    ids = identities(config, kept)
    try:
        pwd.getpwnam(args.user)
    except KeyError as err:
        raise UsageError(f"--user {args.user}: no such user on this machine (the user Mosquitto runs as)") from err
    write_broker_files(out, ids, owner=args.user)
    data = Path(args.data_dir) if args.data_dir else out / "data"
    data.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(data, args.user)
    port = args.port or config.broker.port
    (out / "mosquitto.conf").write_text(mosquitto_conf(out, port=port, bind=args.bind, user=args.user,
                                                       data_dir=data))
    for ident in ids:
        state = "kept" if ident.client_id in kept else ("rotated" if ident.client_id in (args.rotate or [])
                                                        else "new")
        print(f"{ident.client_id:24} {ident.role:11} {state}")
    dropped = sorted(set(kept) - {i.client_id for i in ids})
    for cid in dropped:
        print(f"{cid:24} {'':11} removed (no longer in {args.config})")
    print(f"wrote {out}/passwd, acl, credentials.json (0600) and mosquitto.conf (port {port}); "
          f"reload a running broker with `kill -HUP <mosquitto pid>`")
    return 0


def broker_address(value: str | None, config: HallSuiteConfig) -> tuple[str, int]:
    """--broker host[:port] as the device sees the broker; default: [broker] of the hall file."""
    if not value:
        return config.broker.host, config.broker.port
    host, sep, port = value.rpartition(":")
    if not sep:
        return value, config.broker.port
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--broker {value}: expected host or host:port")
    return host, int(port)


# -- device -----------------------------------------------------------------------------
def find_device(config: HallSuiteConfig, device_id: str, source: str) -> tuple[HallConfig | None, DeviceConfig | None]:
    if device_id == config.controller_id:
        return None, None
    for hall in config.halls:
        for d in hall.devices:
            if d.id == device_id:
                return hall, d
    ids = ", ".join([config.controller_id] + [d.id for h in config.halls for d in h.devices])
    raise UsageError(f"--id {device_id}: {source} has no such device (it has: {ids}); add it under "
                     f"[[halls.devices]] and run `hall-provision broker` again")


def kiosk_toml(device: DeviceConfig, hall: HallConfig, host: str, port: int) -> str:
    return "\n".join([
        f"# Generated by hall-provision for {device.id}. Schema: config/schema.py (KioskConfig).",
        f'id = "{device.id}"', f'hall = "{hall.id}"',
        '# printer_url = "tcp://127.0.0.1:9100"          # or serial:///dev/ttyS0?baud=38400, usb://0416:5011',
        '# idcard_url = "serial:///dev/ttyUSB0?baud=115200"',
        '# camera_url = "device://0"',
        'language = "zh"', "", "[broker]", f'host = "{host}"', f"port = {port}", f'username = "{device.id}"',
        "# the password comes from the environment: HALL_MQTT_PASSWORD (the .env file next to this one)", ""])


def command_line(device: DeviceConfig | None, hall: HallConfig | None, config_path: str, host: str, port: int,
                 out: Path) -> str:
    """What to run on the device's machine (with the env file loaded)."""
    broker = f"{host}:{port}"
    if device is None:
        return f"hall-controller --config {shlex.quote(config_path)}"
    q = shlex.quote
    if device.role == "kiosk":
        return f"kiosk --config {q(str(out))} --hall-config {q(config_path)}"
    if device.role == "caller":
        return f"window-caller --hall {hall.id} --id {device.id} --window {device.window} --broker {broker}"
    if device.role == "screen":
        window = f" --window {device.window}" if device.window else ""
        return f"calling-screen --hall {hall.id} --id {device.id} --broker {broker}{window}"
    if device.role == "supervisor":
        return f"supervisor --config {q(config_path)} --hall {hall.id} --id {device.id} --broker {broker}"
    if device.role == "display" and device.url:
        return f"(nothing to run: the hall controller drives {device.id} on {device.url})"
    return (f"(a vendor device: give it broker {broker}, client id and user name {device.id} and the password "
            f"from the env file)")


def cmd_device(args, config: HallSuiteConfig) -> int:
    hall, device = find_device(config, args.id, args.config)
    creds = read_credentials(Path(args.credentials))
    if args.id not in creds:
        raise UsageError(f"--id {args.id}: {args.credentials} has no password for it; run "
                         f"`hall-provision broker --config {args.config}` first")
    host, port = broker_address(args.broker, config)
    out = Path(args.out)
    if device is not None and device.role == "kiosk":
        if out.suffix != ".toml":
            raise UsageError(f"--out {out}: a kiosk gets a TOML file; name it e.g. {args.id}.toml")
        if out.exists() and not args.force:
            print(f"kept {out} (exists; --force to rewrite it)")
        else:
            _write_private(out, kiosk_toml(device, hall, host, port))
            print(f"wrote {out}")
        env = out.with_suffix(".env")
    else:
        env = out
    run = command_line(device, hall, args.config, host, port, out)
    _write_private(env, f"# {args.id}: load before running (systemd EnvironmentFile= or `set -a; . {env}`)\n"
                        f"# run: {run}\nHALL_MQTT_PASSWORD={shlex.quote(creds[args.id]['password'])}\n")
    print(f"wrote {env} (0600)")
    print(f"run: {run}")
    return 0


# -- check ------------------------------------------------------------------------------
def cmd_check(args, config: HallSuiteConfig) -> int:
    creds = read_credentials(Path(args.credentials))
    host, port = broker_address(args.broker, config)
    results = check_hall(config, creds, host, port, timeout=args.timeout)
    if args.json:
        print(json.dumps([{"id": r.client_id, "role": r.role, "hall": r.hall, "login": r.login, "ok": r.ok,
                           "checks": [{"topic": t, "expected": e, "got": g, "ok": ok} for t, e, ok, g in r.checks]}
                          for r in results], indent=2, ensure_ascii=False))
    else:
        for r in results:
            print(f"{'OK  ' if r.ok else 'FAIL'} {r.client_id:24} {r.role:11} login {r.login}")
            for topic, expected, ok, got in r.checks:
                print(f"       {'ok' if ok else '!!'} {expected:8} {topic}" + ("" if ok else f"  (got {got})"))
    bad = [r.client_id for r in results if not r.ok]
    print(f"{len(results) - len(bad)}/{len(results)} devices pass" + (f"; failing: {', '.join(bad)}" if bad else ""),
          file=sys.stderr)
    return 1 if bad else 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="hall-provision", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("broker", help="passwd, acl, credentials.json and mosquitto.conf for the hall's broker")
    b.add_argument("--config", required=True, help="the hall controller's TOML")
    b.add_argument("--out", required=True, help="directory for the broker's files")
    b.add_argument("--rotate", action="append", metavar="ID", help="give this device a new password (repeatable)")
    b.add_argument("--port", type=int, help="listener port (default: broker.port of the config)")
    b.add_argument("--bind", help="listen on this address only (default: every interface)")
    b.add_argument("--user", default="mosquitto", help="the user Mosquitto runs as (default: mosquitto)")
    b.add_argument("--data-dir", help="persistence directory (default: OUT/data)")
    d = sub.add_parser("device", help="what one device needs: its config and env file, the command to run")
    d.add_argument("--config", required=True)
    d.add_argument("--credentials", required=True, help="credentials.json written by `broker`")
    d.add_argument("--id", required=True, help="the device id")
    d.add_argument("--out", required=True, help="kiosk: its TOML (the .env goes next to it); others: the env file")
    d.add_argument("--broker", help="host[:port] of the broker as the device sees it (default: [broker] of the config)")
    d.add_argument("--force", action="store_true", help="rewrite an existing kiosk TOML")
    c = sub.add_parser("check", help="log in as each device; one allowed and one refused publish each")
    c.add_argument("--config", required=True)
    c.add_argument("--credentials", required=True)
    c.add_argument("--broker", help="host[:port] (default: [broker] of the config)")
    c.add_argument("--timeout", type=float, default=5.0)
    c.add_argument("--json", action="store_true")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    install_log_masking()  # every record masked (privacy.logs)
    try:
        config = load_config(args.config, HallSuiteConfig)
    except ConfigError as err:
        print(f"hall-provision: configuration error:\n{err}", file=sys.stderr)
        return EX_CONFIG
    try:
        return {"broker": cmd_broker, "device": cmd_device, "check": cmd_check}[args.cmd](args, config)
    except CredentialsError as err:
        print(f"hall-provision: {err}", file=sys.stderr)
        return EX_CONFIG
    except UsageError as err:
        print(f"hall-provision: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
