"""The technician's proof that a hall's broker enforces its rules: log in as each device
with another client id (refused: the broker binds each device's credentials to its own id),
then with its own (the only one its credentials allow: a connected device is taken over for
a moment and reconnects within seconds, its presence blinking offline), and publish once
where the device may (its own health topic, an empty non-retained message
that readers ignore) and once where it must not (a kiosk commanding a window, another
device's health). MQTT 5 tells the publisher: the broker answers a refused QoS 1 publish
with PUBACK reason "Not authorized" (0x87) and drops it, so the refused publish changes
nothing in the hall."""
from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field

import paho.mqtt.client as paho

from config.schema import HallSuiteConfig
from hall_protocol import contract
from hall_protocol.mqtt import MqttError, Tls

log = logging.getLogger(__name__)

NOT_AUTHORIZED = 0x87
SKIPPED = "skipped (its own client id would take over the running controller)"


@dataclass
class CheckResult:
    client_id: str
    role: str
    hall: str
    login: str = "not tried"       # "ok" or the broker's reason
    checks: list[tuple[str, str, bool, str]] = field(default_factory=list)  # (topic, expected, ok, got)

    @property
    def ok(self) -> bool:
        return self.login in ("ok", SKIPPED) and all(ok for *_, ok, _ in self.checks)


def refused_topic(role: str, hall: str, other: str) -> str:
    """A topic the role must never publish on: the request a role of its kind must not make."""
    if role == "caller":
        return contract.TICKET_REQUEST.format(hall=hall, client=other)   # callers do not issue tickets
    return contract.WINDOW_REQUEST.format(hall=hall, client=other)       # only callers command windows


def plan(config: HallSuiteConfig) -> list[tuple[str, str, str, list[tuple[str, bool]]]]:
    """(client id, role, hall, [(topic, allowed)]) for every device of the hall file."""
    out = []
    for hall in config.halls:
        ids = [d.id for d in hall.devices]
        for d in hall.devices:
            other = next((i for i in ids if i != d.id), config.controller_id)
            topics = [(contract.DEVICE_HEALTH.format(hall=hall.id, client=d.id), True),
                      (refused_topic(d.role, hall.id, d.id), False),
                      (contract.DEVICE_HEALTH.format(hall=hall.id, client=other), False)]
            out.append((d.id, d.role, hall.id, topics))
    return out


class _Probe:
    """One short-lived MQTT 5 client that reports CONNACK and PUBACK reason codes."""

    def __init__(self, username: str, password: str, host: str, port: int, timeout: float,
                 tls: Tls | None = None, client_id: str | None = None) -> None:
        self.timeout = timeout
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5,
                                  client_id=client_id or username)
        self.client.username_pw_set(username, password)
        self.tls = tls
        if tls is not None:
            self.client.tls_set_context(tls.context())
        self.connack = threading.Event()
        self.connect_reason = "no answer"
        self.acks: dict[int, int] = {}
        self.acked = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.host, self.port = host, port

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connect_reason = "ok" if not reason_code.is_failure else str(reason_code)
        self.connack.set()

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        with self.acked:
            self.acks[mid] = reason_code.value if hasattr(reason_code, "value") else int(reason_code)
            self.acked.notify_all()

    def login(self) -> str:
        try:
            self.client.connect(self.host, self.port, keepalive=30)
        except (OSError, MqttError) as err:
            return f"cannot reach {self.host}:{self.port}: {err}"
        self.client.loop_start()
        self.connack.wait(self.timeout)
        return self.connect_reason

    def publish(self, topic: str) -> int | None:
        """PUBACK reason code of an empty non-retained QoS 1 publish; None when none came."""
        info = self.client.publish(topic, b"", qos=1, retain=False)
        with self.acked:
            self.acked.wait_for(lambda: info.mid in self.acks, self.timeout)
            return self.acks.get(info.mid)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def impostor_refused(client_id: str, password: str, host: str, port: int, timeout: float,
                     tls: Tls | None) -> tuple[str, str, bool, str]:
    """The device's credentials with another client id: the broker must refuse the login."""
    other = f"{client_id}-check-{secrets.token_hex(3)}"
    probe = _Probe(client_id, password, host, port, timeout, tls, client_id=other)
    try:
        got = probe.login()
    finally:
        probe.close()
    return f"login as client id {other}", "refused", got == "Not authorized", \
        "refused" if got == "Not authorized" else ("allowed" if got == "ok" else got)


def check_device(client_id: str, role: str, hall: str, topics: list[tuple[str, bool]], password: str,
                 host: str, port: int, timeout: float = 5.0, tls: Tls | None = None) -> CheckResult:
    result = CheckResult(client_id, role, hall)
    probe = _Probe(client_id, password, host, port, timeout, tls)
    try:
        result.login = probe.login()
        if result.login != "ok":
            return result
        for topic, allowed in topics:
            code = probe.publish(topic)
            if code is None:
                result.checks.append((topic, "allowed" if allowed else "refused", False, "no PUBACK"))
                continue
            got = "refused" if code == NOT_AUTHORIZED else ("allowed" if code < 0x80 else f"error 0x{code:02x}")
            expected = "allowed" if allowed else "refused"
            result.checks.append((topic, expected, got == expected, got))
    finally:
        probe.close()
    result.checks.append(impostor_refused(client_id, password, host, port, timeout, tls))
    return result


def check_hall(config: HallSuiteConfig, credentials: dict[str, dict[str, str]], host: str, port: int,
               timeout: float = 5.0, tls: Tls | None = None) -> list[CheckResult]:
    """Check every device of the hall file that has credentials; the controllers: that their
    credentials log in under another client id never (a running controller is not disturbed)."""
    results = []
    for cid in config.controller_ids:
        if cid in credentials:
            r = CheckResult(cid, "controller", "*", login=SKIPPED)
            r.checks.append(impostor_refused(cid, credentials[cid]["password"], host, port, timeout, tls))
            results.append(r)
    for cid, role, hall, topics in plan(config):
        if cid not in credentials:
            results.append(CheckResult(cid, role, hall, login="no credentials (run hall-provision broker)"))
            continue
        results.append(check_device(cid, role, hall, topics, credentials[cid]["password"], host, port, timeout, tls))
    return results
