"""Provisioning: each device gets its own identity (client id = device id, bound to its
credentials), a password and broker access rules that follow from its role, generated from
the contract's topic table (hall_protocol.acl): a kiosk may request tickets but never call
them; a screen may only read; a caller may command only through its own topic. The broker
holds them in its dynamic security plugin (hall_controller.tools.dynsec) and speaks TLS to
the hall network (hall_controller.tools.tls)."""
from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from config.schema import HallSuiteConfig
from hall_controller.errors import HallError
from hall_controller.tools import dynsec
from hall_controller.tools.files import replace_file
from hall_protocol.acl import rules_for

ADMIN_ID = "hall-provision"  # the identity that changes a running broker's identities
DYNSEC_FILE = "dynsec.json"


def dynsec_plugin() -> str:
    """The plugin shipped with Debian's mosquitto (its multiarch directory)."""
    found = sorted(glob.glob("/usr/lib/*/mosquitto_dynamic_security.so"))
    return found[0] if found else "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"


@dataclass(frozen=True)
class Identity:
    client_id: str
    role: str
    password: str
    rules: tuple[tuple[str, str], ...]  # (access, topic) with access read/write/readwrite


def identities(config: HallSuiteConfig, passwords: dict[str, str] | None = None) -> list[Identity]:
    """Every identity of the installation; passwords are kept from `passwords` or generated."""
    passwords = dict(passwords or {})

    def pw(cid: str, configured: str | None = None) -> str:
        return passwords.get(cid) or configured or secrets.token_urlsafe(18)

    cid = config.controller_id
    ids = config.controller_ids
    out = [Identity(c, "controller", pw(c, config.broker.password if c == cid else None),
                    tuple(rules_for("controller", c, None, c))) for c in ids]
    for hall in config.halls:
        for d in hall.devices:
            out.append(Identity(d.id, d.role, pw(d.id, d.password), tuple(rules_for(d.role, d.id, hall.id, ids))))
    for t in config.technicians:  # one identity across its halls (every hall when it names none)
        rules = dict.fromkeys(r for h in (t.halls or [None]) for r in rules_for("technician", t.id, h, ids))
        out.append(Identity(t.id, "technician", pw(t.id, t.password), tuple(rules)))
    return out


def extra_identity(cid: str, role: str, rules: list[tuple[str, str]], password: str | None = None) -> Identity:
    """An identity outside the hall file (a supervisor console, a test probe)."""
    return Identity(cid, role, password or secrets.token_urlsafe(18), tuple(rules))


def admin_identity(password: str | None = None) -> Identity:
    """hall-provision's own identity: the plugin's control topic, nothing of the hall."""
    return extra_identity(ADMIN_ID, "admin", list(dynsec.ADMIN_RULES), password)


def entries(ids: list[Identity]) -> list[dynsec.Entry]:
    return [dynsec.Entry(i.client_id, i.password, i.rules) for i in ids]


class CredentialsError(HallError):
    """A credentials file that cannot be used; the message names the file and the problem."""


def read_credentials(path: Path) -> dict[str, dict[str, str]]:
    """client id -> {"role", "password"} from a credentials.json written by write_broker_files."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as err:
        raise CredentialsError(f"{path}: no credentials file (run `hall-provision broker` first)") from err
    except OSError as err:
        raise CredentialsError(f"{path}: cannot read: {err.strerror}") from err
    except ValueError as err:
        raise CredentialsError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(data, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("password"), str) and v["password"] for v in data.values()):
        raise CredentialsError(f"{path}: expected {{client id: {{role, password}}}}")
    return data


def write_broker_files(directory: Path, ids: list[Identity], *, data_dir: Path | None = None,
                       owner: str | None = None) -> tuple[Path, Path]:
    """Write the plugin's dynsec.json into the data directory (the broker rewrites it after
    every change, so it lives where the broker may write) and credentials.json (plain
    passwords, for `hall-provision device`) into `directory`; both 0600. `owner`: the user the
    broker runs as, when we are root."""
    directory.mkdir(parents=True, exist_ok=True)
    data = data_dir or directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(data, 0o700)
    path, creds = data / DYNSEC_FILE, directory / "credentials.json"
    dynsec.write(path, entries(ids))
    write_credentials(creds, ids)
    if owner and os.geteuid() == 0:
        shutil.chown(data, owner)
        shutil.chown(path, owner)
    return path, creds


def write_credentials(path: Path, ids: list[Identity]) -> None:
    replace_file(path, json.dumps({i.client_id: {"role": i.role, "password": i.password} for i in ids}, indent=2))


@dataclass(frozen=True)
class TlsListener:
    """The broker's TLS listener: port, CA, its certificate and key; `require_certificate`:
    clients must show a certificate of the hall's CA as well as their password."""
    port: int
    ca_file: Path
    cert_file: Path
    key_file: Path
    require_certificate: bool = False


# Bytes of one MQTT packet the broker accepts. Requests are far smaller (the controller reads 16 KB
# at most); the largest packets are the controller's retained state of a busy hall (every open
# ticket's progress for the phones: about 120 bytes a ticket).
MAX_PACKET = 4 * 1024 * 1024


def mosquitto_conf(*, port: int, dynsec_file: Path, data_dir: Path, tls: TlsListener | None,
                   bind: str | None = None, user: str | None = None, persistence: bool = True) -> str:
    """A production Mosquitto configuration: plain text on 127.0.0.1:`port` only (the
    controller and hall-provision on the broker's machine), TLS on `tls.port` for every other
    host (or only `bind`); identities and rules from the dynamic security plugin."""
    lines = ["# Generated by hall-provision; run with `mosquitto -c <this file>`.",
             "# Every client logs in with its device id as user name AND client id, and the password",
             "# from credentials.json; the dynamic security plugin holds the identities and the rules",
             "# (hall-provision broker changes them in the running broker, no restart needed).",
             "per_listener_settings false",
             "allow_anonymous false",
             f"plugin {dynsec_plugin()}",
             f"plugin_opt_config_file {dynsec_file.resolve()}",
             "# small request/answer packets must not wait for delayed ACKs",
             "set_tcp_nodelay true",
             "max_queued_messages 10000",
             "# no request of the contract comes near this; a client sending more is disconnected",
             f"max_packet_size {MAX_PACKET}",
             "log_dest stderr",
             "log_type error", "log_type warning", "log_type notice",
             "connection_messages true"]
    if persistence:
        lines += ["# QoS 1 messages and retained state (boards, presence, device health) survive a restart",
                  "persistence true", f"persistence_location {data_dir.resolve()}/", "autosave_interval 60"]
    else:
        lines.append("persistence false")
    if user:
        lines.append(f"user {user}")
    lines += ["", "# plain text: this machine only", f"listener {port} 127.0.0.1", "protocol mqtt"]
    if tls is not None:
        lines += ["", "# TLS: the hall network", f"listener {tls.port}" + (f" {bind}" if bind else ""),
                  "protocol mqtt", f"cafile {tls.ca_file.resolve()}", f"certfile {tls.cert_file.resolve()}",
                  f"keyfile {tls.key_file.resolve()}", "tls_version tlsv1.2",
                  f"require_certificate {'true' if tls.require_certificate else 'false'}"]
    return "\n".join(lines) + "\n"
