"""Mosquitto's dynamic security plugin (Debian mosquitto 2.0.11): its file, and changes to a
running broker through `$CONTROL/dynamic-security/v1`.

One client per identity: user name = client id = device id (`clientid` binds it: the
credentials log in with that client id only), one role of the same name holding the
identity's rules. A rule (access, filter) of hall_protocol.acl becomes:
  write -> publishClientSend filter
  read  -> subscribePattern filter + publishClientReceive filter
and the default access denies sending, receiving and subscribing anything else (unsubscribing
is harmless and stays allowed).

Passwords are stored as the plugin does (verified against the broker): PBKDF2-HMAC-SHA512 of
the UTF-8 password over a random 12-byte salt, 101 iterations (what `mosquitto_ctrl dynsec`
writes), 64 bytes; hash and salt base64 in "password" and "salt", the count in "iterations".
The passwords themselves are random 144-bit tokens, so the iteration count protects nothing
more; it keeps 3,000 identities within a second.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Iterable

import paho.mqtt.client as paho

from hall_controller.errors import HallError
from hall_controller.tools.files import replace_file

log = logging.getLogger(__name__)

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC = CONTROL_TOPIC + "/response"
ITERATIONS, SALT_BYTES, HASH_BYTES = 101, 12, 64
SAVE_S = 0.5  # allowance per command for the broker's save of its file
DEFAULT_ACCESS = {"publishClientSend": False, "publishClientReceive": False, "subscribe": False,
                  "unsubscribe": True}
# The admin identity may use the control topic only: it manages identities, it reads no hall traffic.
ADMIN_RULES = (("write", CONTROL_TOPIC), ("read", RESPONSE_TOPIC))


class DynsecError(HallError):
    """The broker refused or did not answer a change of its identities."""


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> dict:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, HASH_BYTES)
    return {"password": base64.b64encode(digest).decode(), "salt": base64.b64encode(salt).decode(),
            "iterations": iterations}


def acls(rules: Iterable[tuple[str, str]]) -> list[dict]:
    out = []
    for access, topic in rules:
        if access not in ("read", "write", "readwrite"):
            raise ValueError(f"rule {access!r} {topic!r}: expected read, write or readwrite")
        if "write" in access:
            out.append({"acltype": "publishClientSend", "topic": topic, "allow": True})
        if "read" in access:
            out += [{"acltype": "subscribePattern", "topic": topic, "allow": True},
                    {"acltype": "publishClientReceive", "topic": topic, "allow": True}]
    return out


@dataclass(frozen=True)
class Entry:
    """One identity as the plugin holds it."""
    username: str
    password: str
    rules: tuple[tuple[str, str], ...]

    def client(self) -> dict:
        return {"username": self.username, "clientid": self.username, **hash_password(self.password),
                "roles": [{"rolename": self.username}]}

    def role(self) -> dict:
        return {"rolename": self.username, "acls": acls(self.rules)}


def document(entries: list[Entry]) -> dict:
    """The whole dynsec.json."""
    return {"defaultACLAccess": dict(DEFAULT_ACCESS), "clients": [e.client() for e in entries],
            "groups": [], "roles": [e.role() for e in entries]}


def write(path, entries: list[Entry]) -> None:
    """dynsec.json, 0600, replaced in one rename."""
    replace_file(path, json.dumps(document(entries), separators=(",", ":")))


# -- a running broker -------------------------------------------------------------------
def _acl_key(acl: dict) -> tuple[str, str, bool]:
    return acl["acltype"], acl["topic"], bool(acl.get("allow", False))


def changes(clients: list[dict], roles: list[dict], default: list[dict], entries: list[Entry],
            new_passwords: set[str]) -> list[dict]:
    """The commands that turn the broker's state (listClients/listRoles verbose,
    getDefaultACLAccess) into `entries`. Passwords are set for clients the broker lacks and for
    the user names in `new_passwords` (new or rotated): the broker never shows a password."""
    want = {e.username: e for e in entries}
    have_clients = {c["username"]: c for c in clients}
    have_roles = {r["rolename"]: {_acl_key(a) for a in r.get("acls", [])} for r in roles}
    cmds: list[dict] = []
    for name in sorted(set(have_clients) - set(want)):
        cmds.append({"command": "deleteClient", "username": name})
    for name in sorted(set(have_roles) - set(want)):
        cmds.append({"command": "deleteRole", "rolename": name})
    access = {a["acltype"]: a["allow"] for a in default}
    if access != DEFAULT_ACCESS:
        cmds.append({"command": "setDefaultACLAccess",
                     "acls": [{"acltype": k, "allow": v} for k, v in DEFAULT_ACCESS.items()]})
    for name, e in want.items():
        wanted = acls(e.rules)
        if name not in have_roles:
            cmds.append({"command": "createRole", "rolename": name, "acls": wanted})
        else:
            keys = {_acl_key(a) for a in wanted}
            for kind, topic, allow in sorted(have_roles[name] - keys):
                cmds.append({"command": "removeRoleACL", "rolename": name, "acltype": kind, "topic": topic})
            for acl in wanted:
                if _acl_key(acl) not in have_roles[name]:
                    cmds.append({"command": "addRoleACL", "rolename": name, **acl})
        client = have_clients.get(name)
        if client is None:
            cmds.append({"command": "createClient", "username": name, "password": e.password, "clientid": name,
                         "roles": [{"rolename": name}]})
            continue
        if name in new_passwords:
            cmds.append({"command": "setClientPassword", "username": name, "password": e.password})
        if client.get("clientid") != name:
            cmds.append({"command": "setClientId", "username": name, "clientid": name})
        have = {r["rolename"] for r in client.get("roles", [])}
        cmds += [{"command": "removeClientRole", "username": name, "rolename": r} for r in sorted(have - {name})]
        if name not in have:
            cmds.append({"command": "addClientRole", "username": name, "rolename": name})
        for g in client.get("groups", []):
            cmds.append({"command": "removeGroupClient", "group": g["groupname"], "username": name})
    return cmds


@dataclass
class Control:
    """One admin connection to the plugin's control topic; `run` sends a batch of commands in
    one message and returns the broker's responses, in order."""
    host: str
    port: int
    username: str
    password: str
    timeout: float = 30.0
    _client: paho.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=self.username, protocol=paho.MQTTv5)
        self._client.username_pw_set(self.username, self.password)
        self._cond = threading.Condition()
        self._connect: str | None = None
        self._subscribed = False
        self._answers: list[dict] = []
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        with self._cond:
            self._connect = "ok" if not reason_code.is_failure else str(reason_code)
            self._cond.notify_all()
        if not reason_code.is_failure:
            client.subscribe(RESPONSE_TOPIC, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        with self._cond:
            self._subscribed = not reason_codes[0].is_failure
            self._connect = "ok" if self._subscribed else f"cannot read {RESPONSE_TOPIC}: {reason_codes[0]}"
            self._cond.notify_all()

    def _on_message(self, client, userdata, msg) -> None:
        try:
            answer = json.loads(msg.payload)
        except ValueError:
            return
        with self._cond:
            self._answers.append(answer)
            self._cond.notify_all()

    def open(self) -> "Control":
        """Log in; ConnectionRefusedError when no broker listens, DynsecError when it refuses us."""
        self._client.connect(self.host, self.port, keepalive=60)
        self._client.loop_start()
        with self._cond:
            ok = self._cond.wait_for(lambda: self._connect not in (None, "ok") or self._subscribed, self.timeout)
            reason = self._connect
        if not ok or not self._subscribed:
            self.close()
            raise DynsecError(f"broker {self.host}:{self.port} refused {self.username}: {reason or 'no answer'}")
        return self

    def run(self, commands: list[dict]) -> list[dict]:
        if not commands:
            return []
        with self._cond:
            self._answers.clear()
        self._client.publish(CONTROL_TOPIC, json.dumps({"commands": commands}), qos=1)
        # the plugin saves its whole file after each change: about 0.2 s per command for a city
        wait = self.timeout + SAVE_S * len(commands)
        with self._cond:
            if not self._cond.wait_for(lambda: self._answers, wait):
                raise DynsecError(f"broker {self.host}:{self.port}: no answer to {len(commands)} commands "
                                  f"within {wait:.0f} s")
            responses = self._answers.pop(0).get("responses", [])
        if len(responses) != len(commands):
            raise DynsecError(f"broker answered {len(responses)} of {len(commands)} commands")
        return responses

    def state(self) -> tuple[list[dict], list[dict], list[dict]]:
        """(clients, roles, default access) as the broker holds them."""
        got = self.run([{"command": "listClients", "verbose": True, "count": -1},
                        {"command": "listRoles", "verbose": True, "count": -1},
                        {"command": "getDefaultACLAccess"}])
        for r in got:
            if "error" in r:
                raise DynsecError(f"broker: {r['command']}: {r['error']}")
        return got[0]["data"]["clients"], got[1]["data"]["roles"], got[2]["data"]["acls"]

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


def apply(control: Control, entries: list[Entry], new_passwords: set[str]) -> list[dict]:
    """Bring the running broker to `entries` in one batch; the commands sent. Raises DynsecError
    naming every command the broker refused."""
    cmds = changes(*control.state(), entries, new_passwords)
    failed = [f"{c['command']} {c.get('username') or c.get('rolename') or ''}: {r['error']}"
              for c, r in zip(cmds, control.run(cmds)) if "error" in r]
    if failed:
        raise DynsecError("the broker refused: " + "; ".join(failed))
    return cmds
