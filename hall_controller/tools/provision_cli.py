"""`hall-provision`: the technician's command for a hall's broker and its devices.

    hall-provision broker --config hall.toml --out /etc/hall/broker --tls-name hall-broker.local --tls-name 10.0.0.2
    hall-provision broker --config hall.toml --out /etc/hall/broker --rotate kiosk-02
    hall-provision device --config hall.toml --credentials /etc/hall/broker/credentials.json --id kiosk-02 \
        --broker 10.0.0.2 --out kiosk-02.toml
    hall-provision check  --config hall.toml --credentials /etc/hall/broker/credentials.json --broker 10.0.0.2
    hall-provision install-services    # the systemd units of deploy/systemd/ (docs/technician.md)

`broker` writes credentials.json, the dynamic security plugin's dynsec.json (in the data
directory), the hall's CA and the broker's TLS certificate, and mosquitto.conf; when the broker
already runs (on 127.0.0.1:PORT) it applies the changes to it at once, in one batch. It keeps
the password of every device already in DIR/credentials.json, so running it again after
adding a device never locks the others out; `--rotate ID` gives one device a new password.
Exit codes: 0 fine, 1 a check failed or the running broker did not take the changes, 2 bad
arguments, 78 bad configuration.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import pwd
import shlex
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from config import ConfigError, HallSuiteConfig, load_config
from config.schema import DeviceConfig, HallConfig
from hall_controller.errors import BadRequest, HallError
from hall_controller.tools import dynsec, services
from hall_controller.tools import tls as certs
from hall_controller.tools.files import replace_file
from hall_controller.tools.provision import (ADMIN_ID, CredentialsError, TlsListener, admin_identity, entries,
                                             identities, mosquitto_conf, read_credentials, write_broker_files)
from hall_controller.tools.provision_check import check_hall
from hall_protocol.mqtt import Tls
from privacy import install_log_masking

EX_CONFIG = 78
QT_APPS = ("kiosk", "calling-screen", "window-caller", "rating-pad", "supervisor")


class UsageError(BadRequest):
    """A wrong argument; the message says which and why."""


# -- broker -----------------------------------------------------------------------------
def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def tls_names(args, config: HallSuiteConfig) -> list[str]:
    """The broker certificate's names: --tls-name, else the hall file's broker host and this
    machine's host name."""
    names = args.tls_name or [config.broker.host, socket.gethostname()]
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _ports(args, config: HallSuiteConfig) -> tuple[int, int]:
    """(plain text port on 127.0.0.1, TLS port): the hall file's port is the one its controller uses."""
    port = args.port or (1883 if config.broker.tls else config.broker.port)
    tls_port = args.tls_port or (config.broker.port if config.broker.tls else 8883)
    if port == tls_port:
        raise UsageError(f"--port {port} and --tls-port {tls_port}: two listeners need two ports")
    return port, tls_port


def _apply(port: int, ids, fresh: set[str], timeout: float) -> str:
    """Apply the identities to a broker running on 127.0.0.1:port; what happened, in words.
    Raises HallError when a broker runs but did not take them."""
    admin = next(i for i in ids if i.client_id == ADMIN_ID)
    control = dynsec.Control("127.0.0.1", port, ADMIN_ID, admin.password, timeout)
    try:
        control.open()
    except OSError:
        return f"no broker runs on 127.0.0.1:{port}: start it with the new files"
    try:
        cmds = dynsec.apply(control, entries(ids), fresh)
    finally:
        control.close()
    return f"applied {len(cmds)} changes to the broker running on 127.0.0.1:{port} (no restart needed)"


def cmd_broker(args, config: HallSuiteConfig) -> int:
    out = Path(args.out)
    creds_path = out / "credentials.json"
    kept = {cid: v["password"] for cid, v in read_credentials(creds_path).items()} if creds_path.exists() else {}
    devices = {d.id: d for h in config.halls for d in h.devices}
    if ADMIN_ID in devices or ADMIN_ID in config.controller_ids:
        raise UsageError(f"{args.config}: the id {ADMIN_ID!r} is hall-provision's own; give the device another")
    for cid in args.rotate or []:
        if cid not in devices and cid not in config.controller_ids and cid != ADMIN_ID:
            raise UsageError(f"--rotate {cid}: {args.config} has no device {cid!r}")
        configured = config.broker.password if cid == config.controller_id else (
            devices[cid].password if cid in devices else None)
        if configured:
            raise UsageError(f"--rotate {cid}: its password is set in {args.config}; change it there")
        kept.pop(cid, None)
    try:
        pwd.getpwnam(args.user)
    except KeyError as err:
        raise UsageError(f"--user {args.user}: no such user on this machine (the user Mosquitto runs as)") from err
    port, tls_port = _ports(args, config)
    names = tls_names(args, config)
    ids = identities(config, kept) + [admin_identity(kept.get(ADMIN_ID))]
    data = Path(args.data_dir) if args.data_dir else out / "data"
    dynsec_file, _ = write_broker_files(out, ids, data_dir=data, owner=args.user)
    ca = certs.ensure_ca(out, config.controller_id)
    server, issued = certs.ensure_server_cert(out, ca, names, owner=args.user)
    listener = TlsListener(tls_port, ca.cert, server.cert, server.key, args.require_client_cert)
    (out / "mosquitto.conf").write_text(mosquitto_conf(port=port, dynsec_file=dynsec_file, data_dir=data,
                                                       tls=listener, bind=args.bind, user=args.user))
    rotated = set(args.rotate or [])
    for ident in ids:
        state = "kept" if ident.client_id in kept else ("rotated" if ident.client_id in rotated else "new")
        print(f"{ident.client_id:24} {ident.role:11} {state}")
    for cid in sorted(set(kept) - {i.client_id for i in ids}):
        print(f"{cid:24} {'':11} removed (no longer in {args.config})")
    print(f"wrote {creds_path} (0600), {dynsec_file}, {ca.cert}, {server.cert} "
          f"({'issued for' if issued else 'kept, for'} {', '.join(names)}) and {out / 'mosquitto.conf'} "
          f"(plain text on 127.0.0.1:{port}, TLS on {args.bind or 'every interface'}:{tls_port})")
    if args.offline:
        return 0
    try:
        # every password not kept from credentials.json is set, also for a client the broker has
        print(_apply(port, ids, {i.client_id for i in ids if i.client_id not in kept}, args.timeout))
    except HallError as err:
        print(f"hall-provision: {err}\nthe running broker did not take the changes: restart it on "
              f"{out / 'mosquitto.conf'} to load {dynsec_file}", file=sys.stderr)
        return 1
    return 0


def broker_address(value: str | None, config: HallSuiteConfig, tls: bool = False) -> tuple[str, int, bool]:
    """--broker host[:port] as the device sees the broker (default: [broker] of the hall file),
    and whether it takes TLS: always but on the loopback, where only `tls` (--tls) asks for it."""
    host, port = config.broker.host, None
    if value:
        host, sep, text = value.rpartition(":")
        if not sep or "]" in text:
            host, text = value, ""
        if text and (not text.isdigit() or not 0 < int(text) < 65536) or not host:
            raise UsageError(f"--broker {value}: expected host or host:port")
        port = int(text) if text else None
    tls = tls or not _is_loopback(host)
    if port is None:
        port = config.broker.port if tls == config.broker.tls else (8883 if tls else 1883)
    return host, port, tls


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


@dataclass(frozen=True)
class DeviceLink:
    """How one device reaches the broker: address, and with TLS the files it is given."""
    host: str
    port: int
    tls: Tls | None = None


def broker_toml(device_id: str, link: DeviceLink, password_file: str | None = None) -> list[str]:
    lines = ["[broker]", f'host = "{link.host}"', f"port = {link.port}", f'username = "{device_id}"']
    if link.tls:
        lines += ["tls = true", f'ca_file = "{link.tls.ca_file}"']
        if link.tls.cert_file:
            lines += [f'cert_file = "{link.tls.cert_file}"', f'key_file = "{link.tls.key_file}"']
    if password_file:
        return lines + [f"# the password is in {password_file} (0600, password_file above)"]
    return lines + ["# the password comes from the environment: HALL_MQTT_PASSWORD (the .env file next to this one)"]


def kiosk_toml(device: DeviceConfig, hall: HallConfig, link: DeviceLink, password_file: str) -> str:
    """The kiosk's own file: identity, broker, device URLs and the path of its credential. Nothing
    of the hall file: the kiosk learns its services, names, hours and notices from the controller
    (hall/<hall>/state/config)."""
    return "\n".join([
        f"# Generated by hall-provision for {device.id}. Schema: config/schema.py (KioskConfig).",
        "# The hall's services, names, hours and notices come from the controller over MQTT.",
        f'id = "{device.id}"', f'hall = "{hall.id}"', f'password_file = "{password_file}"',
        '# printer_url = "tcp://127.0.0.1:9100"          # or serial:///dev/ttyS0?baud=38400, usb://0416:5011',
        '# idcard_url = "serial:///dev/ttyUSB0?baud=115200"',
        '# camera_url = "device://0"',
        'language = "zh"', "", *broker_toml(device.id, link, password_file), ""])


def command_line(device: DeviceConfig | None, hall: HallConfig | None, config_path: str, link: DeviceLink,
                 out: Path) -> str:
    """What to run on the device's machine (with the env file loaded)."""
    q = shlex.quote
    broker = f"{link.host}:{link.port}"
    if link.tls:
        broker += f" --tls-ca {q(link.tls.ca_file)}"
        if link.tls.cert_file:
            broker += f" --tls-cert {q(link.tls.cert_file)} --tls-key {q(link.tls.key_file)}"
    if device is None:
        if link.tls:
            return (f"hall-controller --config {q(config_path)}   (its [broker]: host = \"{link.host}\", "
                    f"port = {link.port}, tls = true, ca_file = \"{link.tls.ca_file}\")")
        return f"hall-controller --config {q(config_path)}"
    if device.role == "kiosk":   # its hall comes from the controller: no copy of the hall file
        return f"kiosk --config {q(str(out))}"
    if device.role == "caller":
        return f"window-caller --hall {hall.id} --id {device.id} --window {device.window} --broker {broker}"
    if device.role == "screen":
        window = f" --window {device.window}" if device.window else ""
        return f"calling-screen --hall {hall.id} --id {device.id} --broker {broker}{window}"
    if device.role == "supervisor":
        return f"supervisor --config {q(config_path)} --hall {hall.id} --id {device.id} --broker {broker}"
    if device.role == "ratingpad":
        return f"rating-pad --hall {hall.id} --id {device.id} --window {device.window} --broker {broker}"
    if device.role == "display" and device.url:
        return f"(nothing to run: the hall controller drives {device.id} on {device.url})"
    if device.role == "web":  # the public web service (docs/web.md): its own file, config/examples/web.toml
        tls = f", tls = true, ca_file = \"{link.tls.ca_file}\"" if link.tls else ""
        return (f"hall-web --config web.toml   (id = \"{device.id}\"; its [broker]: host = \"{link.host}\", "
                f"port = {link.port}{tls})")
    return (f"(a vendor device: give it broker {link.host}:{link.port}"
            + (" with TLS and the hall's CA certificate" if link.tls else "")
            + f", client id and user name {device.id} and the password from the env file)")


def device_tls(args, broker_dir: Path, out_dir: Path) -> Tls:
    """Copy the hall's CA next to the device's files (and issue its client certificate with
    --client-cert); the paths as the device will read them (--files-dir, default: where written)."""
    ca = broker_dir / "ca.crt"
    if not ca.exists():
        raise UsageError(f"{ca}: no hall CA next to {args.credentials} (run `hall-provision broker` first)")
    at = Path(args.files_dir) if args.files_dir else out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ca, out_dir / "hall-ca.crt")
    cert = key = None
    if args.client_cert:
        certs.issue_client_cert(certs.CertFiles(ca, broker_dir / "ca.key"), args.id,
                                out_dir / f"{args.id}.crt", out_dir / f"{args.id}.key")
        print(f"wrote {out_dir / f'{args.id}.crt'} and {out_dir / f'{args.id}.key'} (0600)")
        cert, key = str(at / f"{args.id}.crt"), str(at / f"{args.id}.key")
    print(f"wrote {out_dir / 'hall-ca.crt'}")
    return Tls(str(at / "hall-ca.crt"), cert, key)


def cmd_device(args, config: HallSuiteConfig) -> int:
    hall, device = find_device(config, args.id, args.config)
    creds = read_credentials(Path(args.credentials))
    if args.id not in creds:
        raise UsageError(f"--id {args.id}: {args.credentials} has no password for it; run "
                         f"`hall-provision broker --config {args.config}` first")
    host, port, tls = broker_address(args.broker, config, args.tls)
    out = Path(args.out)
    if device is not None and device.role == "kiosk" and out.suffix != ".toml":
        raise UsageError(f"--out {out}: a kiosk gets a TOML file; name it e.g. {args.id}.toml")
    link = DeviceLink(host, port, device_tls(args, Path(args.credentials).parent, out.parent) if tls else None)
    kiosk = device is not None and device.role == "kiosk"
    if kiosk:
        # its credential in a file of its own (0600), named by its TOML; the TOML has no hall content
        secret = out.with_suffix(".password")
        at = (Path(args.files_dir) if args.files_dir else out.parent.resolve()) / secret.name
        if out.exists() and not args.force:
            print(f"kept {out} (exists; --force to rewrite it)")
        else:
            replace_file(out, kiosk_toml(device, hall, link, str(at)))
            print(f"wrote {out}")
        replace_file(secret, creds[args.id]["password"] + "\n")
        print(f"wrote {secret} (0600)")
        env = out.with_suffix(".env")
    else:
        env = out
    run = command_line(device, hall, args.config, link, out)
    program, _, rest = run.partition(" ")
    # the Qt apps' units (deploy/systemd/hall-<app>@.service) run `<app> $HALL_ARGS`
    hall_args = f"HALL_ARGS={shlex.quote(rest)}\n" if program in QT_APPS else ""
    password = "" if kiosk else f"HALL_MQTT_PASSWORD={shlex.quote(creds[args.id]['password'])}\n"
    replace_file(env, f"# {args.id}: load before running (systemd EnvironmentFile= or `set -a; . {env}`)\n"
                      f"# run: {run}\n{password}{hall_args}")
    print(f"wrote {env} (0600)")
    print(f"run: {run}")
    return 0


# -- check ------------------------------------------------------------------------------
def cmd_check(args, config: HallSuiteConfig) -> int:
    creds = read_credentials(Path(args.credentials))
    host, port, tls = broker_address(args.broker, config, args.tls)
    ca = Path(args.credentials).parent / "ca.crt"
    if tls and not ca.exists():
        raise UsageError(f"--broker {host}: TLS needs the hall's CA, {ca} is missing")
    results = check_hall(config, creds, host, port, timeout=args.timeout, tls=Tls(str(ca)) if tls else None)
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
    b = sub.add_parser("broker", help="identities (dynsec.json), credentials.json, the hall's CA and the broker's "
                                      "certificate, mosquitto.conf; applied at once to a running broker")
    b.add_argument("--config", required=True, help="the hall controller's TOML")
    b.add_argument("--out", required=True, help="directory for the broker's files")
    b.add_argument("--rotate", action="append", metavar="ID", help="give this device a new password (repeatable)")
    b.add_argument("--port", type=int, help="plain-text listener on 127.0.0.1 (default: broker.port of the config, "
                                            "1883 when it says tls)")
    b.add_argument("--tls-port", type=int, help="TLS listener for the hall network (default: 8883)")
    b.add_argument("--tls-name", action="append", metavar="NAME",
                   help="a host name or IP address devices use to reach the broker, for its certificate "
                        "(repeatable; default: the config's broker host and this machine's host name)")
    b.add_argument("--require-client-cert", action="store_true",
                   help="TLS clients must also show a certificate of the hall's CA (hall-provision device --client-cert)")
    b.add_argument("--bind", help="TLS listener on this address only (default: every interface)")
    b.add_argument("--user", default="mosquitto", help="the user Mosquitto runs as (default: mosquitto)")
    b.add_argument("--data-dir", help="persistence and dynsec.json (default: OUT/data)")
    b.add_argument("--offline", action="store_true", help="write the files only; do not touch a running broker")
    b.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a running broker's answers")
    d = sub.add_parser("device", help="what one device needs: its config and env file, the command to run")
    d.add_argument("--config", required=True)
    d.add_argument("--credentials", required=True, help="credentials.json written by `broker`")
    d.add_argument("--id", required=True, help="the device id")
    d.add_argument("--out", required=True, help="kiosk: its TOML (its .password and .env go next to it); "
                                                "others: the env file")
    d.add_argument("--broker", help="host[:port] of the broker as the device sees it (default: [broker] of the config)")
    d.add_argument("--force", action="store_true", help="rewrite an existing kiosk TOML")
    d.add_argument("--tls", action="store_true", help="TLS even to a broker on 127.0.0.1/localhost (always "
                                                      "for any other address)")
    d.add_argument("--client-cert", action="store_true", help="also issue the device a client certificate")
    d.add_argument("--files-dir", help="where the device will find hall-ca.crt (and its certificate, a kiosk its "
                                       ".password), when they are copied elsewhere (default: next to --out)")
    c = sub.add_parser("check", help="log in as each device (its own client id, and another that must be "
                                     "refused); one allowed and one refused publish each")
    c.add_argument("--config", required=True)
    c.add_argument("--credentials", required=True)
    c.add_argument("--broker", help="host[:port] (default: [broker] of the config)")
    c.add_argument("--tls", action="store_true", help="TLS even to a broker on 127.0.0.1/localhost")
    c.add_argument("--timeout", type=float, default=5.0)
    c.add_argument("--json", action="store_true")
    sub.add_parser("staff-pin", help="the pin_hash of a clerk's PIN for [[halls.staff]]: the PIN is read from the "
                                     "terminal (twice) or one line of stdin, never from the command line")
    services.add_parser(sub)  # install-services: the systemd units (hall_controller/tools/services.py)
    return ap


def cmd_staff_pin() -> int:
    import getpass

    from hall_controller.core.staff import hash_pin
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN (4-8 digits): ")
        if getpass.getpass("again: ") != pin:
            print("hall-provision: the two PINs differ", file=sys.stderr)
            return 2
    else:
        pin = sys.stdin.readline().strip()
    try:
        print(hash_pin(pin))
    except ValueError as err:
        print(f"hall-provision: {err}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    install_log_masking()  # every record masked (privacy.logs)
    if args.cmd == "staff-pin":
        return cmd_staff_pin()
    if args.cmd == "install-services":
        return services.cmd_install_services(args)
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
