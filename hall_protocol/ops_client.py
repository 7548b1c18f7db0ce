"""The technician's side of remote operations (hall_protocol/ops.py): ask one device, and read
every device's retained presence and health. Used by `hall-ops` (hall_controller/tools/ops_cli.py).

    tech = OpsClient(endpoint, ["demo-hall"])   # an Endpoint logged in as the technician, not started
    tech.watch(["demo-hall"]); endpoint.start()
    tech.ask("demo-hall", "kiosk-01", "log", lines=50)   # -> Response
"""
from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from hall_protocol import contract
from hall_protocol.contract import DeviceHealth, Health, Presence, Response
from hall_protocol.errors import MqttError
from hall_protocol.health import worst_part
from hall_protocol.presence import uptime_s


@dataclass(frozen=True)
class DeviceRow:
    """One device as a technician's list shows it."""

    hall: str
    device: str
    role: str
    presence: str              # online, offline, unknown (no presence ever seen)
    health: str                # the worst part and the action it needs, "ok", or "-" without health
    version: str
    uptime_s: float | None


class OpsClient:
    def __init__(self, endpoint, halls: list[str]) -> None:
        """`halls`: the technician's halls (its access rules name each; a wildcard is refused)."""
        self.endpoint = endpoint
        self.me = endpoint.client_id
        self.presence: dict[str, Presence] = {}
        self.health: dict[str, DeviceHealth] = {}
        self.controller_health: dict[str, dict[str, Health]] = {}  # controller id -> hall -> its health there
        self._pending: dict[str, tuple[threading.Event, list]] = {}
        self._lock = threading.Lock()
        endpoint.subscribe_many([contract.OPS_REPLY.format(hall=h, device="+", client=self.me) for h in halls],
                                self._on_reply)

    # -- the list ----------------------------------------------------------------------------
    def watch(self, halls: list[str]) -> None:
        """Follow presence (every id) and the device health of `halls` (retained: all at once)."""
        self.endpoint.subscribe(contract.PRESENCE.format(client="+"), self._on_presence)
        self.endpoint.subscribe_many([contract.DEVICE_HEALTH.format(hall=h, client="+") for h in halls],
                                     self._on_health)
        self.endpoint.subscribe_many([contract.HEALTH.format(hall=h) for h in halls], self._on_controller)

    def _on_controller(self, msg) -> None:
        h = contract.read(msg, Health) if msg.payload else None
        if h is not None:
            with self._lock:
                for halls in self.controller_health.values():  # a hall taken over by another controller
                    halls.pop(h.hall, None)
                self.controller_health.setdefault(h.controller, {})[h.hall] = h

    def _on_presence(self, msg) -> None:
        if not msg.payload:
            return
        p = contract.read(msg, Presence)
        if p is not None:
            with self._lock:
                self.presence[msg.topic.split("/", 1)[1]] = p

    def _on_health(self, msg) -> None:
        if not msg.payload:  # a broker check
            return
        h = contract.read(msg, DeviceHealth)
        if h is not None:
            with self._lock:
                self.health[h.device] = h

    def rows(self, devices: list[tuple[str, str, str]], now: datetime | None = None) -> list[DeviceRow]:
        """`devices`: (hall, device id, role) as the hall file names them."""
        now = now or datetime.now(timezone.utc)
        out = []
        with self._lock:
            for hall, device, role in devices:
                p, h = self.presence.get(device), self.health.get(device)
                worst = worst_part(h) if h is not None else None
                health = "-" if h is None else "ok" if worst is None or worst.action == "none" else \
                    f"{worst.part} {worst.state}" + (f" ({','.join(worst.details)})" if worst.details else "") + \
                    f": {worst.action}"
                bad = [c for c in self.controller_health.get(device, {}).values()
                       if c.backend not in ("ok", "not_configured")]
                if h is None and device in self.controller_health:  # a controller: the platform's reach
                    health = f"backend {bad[0].backend} (outbox {bad[0].outbox.count})" if bad else "ok"
                out.append(DeviceRow(hall, device, p.role if p and p.role else role,
                                     p.state if p else "unknown", health, p.version if p else "",
                                     uptime_s(p, now) if p else None))
        return out

    # -- one request ---------------------------------------------------------------------------
    def ask(self, hall: str, device: str, op: str, timeout: float = 10.0, **args) -> Response:
        """Send one ops request and wait for its answer; MqttError when none comes in time."""
        transaction = uuid.uuid4().hex
        done, box = threading.Event(), []
        with self._lock:
            self._pending[transaction] = (done, box)
        try:
            self.endpoint.publish(contract.OPS_REQUEST.format(hall=hall, device=device, client=self.me),
                                  json.dumps({"op": op, "transaction": transaction, **args}, ensure_ascii=False),
                                  qos=1)
            if not done.wait(timeout):
                raise MqttError(f"{device} did not answer {op} within {timeout:.0f} s (offline, or not in hall "
                                f"{hall}, or not yours to reach)")
            return box[0]
        finally:
            with self._lock:
                self._pending.pop(transaction, None)

    def _on_reply(self, msg) -> None:
        r = contract.read(msg, Response)
        if r is None or not r.transaction:
            return
        with self._lock:
            waiting = self._pending.get(r.transaction)
        if waiting is not None and not waiting[1]:
            waiting[1].append(r)
            waiting[0].set()
