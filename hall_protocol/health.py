"""Device faults seen across halls: each device publishes the health of its parts (printer,
ID card reader, camera, A4 printer, display, speech) on its own retained topic
`hall/<hall>/state/device/<id>` (contract.DEVICE_HEALTH), whenever a part's status changes
and on every reconnect. The kiosk publishes its own; the controller publishes for the
window displays it drives. The supervisor reads them all (see `needs_visit`).

The payload is built from the drivers' status vocabulary (drivers/core/status.py) and never
carries personal data: driver messages are cut short and anything that looks like an ID
number is masked before it leaves the device.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Protocol

from hall_protocol import contract
from hall_protocol.contract import DeviceHealth, PartHealth, encode
from privacy import mask_text

log = logging.getLogger(__name__)

# Who must act, from the drivers' vocabulary (drivers/core/errors.py Action values). A
# citizen's own slip (lift and place the card again) needs nobody to come.
ACTIONS = {"none": "none", "citizen": "none", "staff": "staff", "technician": "technician"}
SEVERITY = {"none": 0, "staff": 1, "technician": 2}


class Status(Protocol):
    """A part's status as the drivers give it (drivers/core/status.py DeviceStatus): enums
    whose values are the contract's words."""

    state: Any
    details: tuple[str, ...]
    action: Any
    message: str


class Clock(Protocol):
    def now(self) -> datetime: ...


class _Utc:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


def _word(value: Any) -> str:
    return getattr(value, "value", value)


def clean_message(text: str) -> str:
    """A driver message fit for the topic: ID-like numbers masked, at most 200 characters."""
    return mask_text(text)[:200]


def part_health(part: str, status: Status, counters: dict[str, int], changed_at: str) -> PartHealth:
    return PartHealth(part=part, state=_word(status.state), details=list(status.details)[:10],
                      action=ACTIONS[_word(status.action)], message=clean_message(status.message),
                      counters=dict(counters), changed_at=changed_at)


def severity(p: PartHealth) -> tuple[int, int]:
    """Higher is worse: first who must act, then whether the part works at all."""
    return SEVERITY[p.action], 0 if p.state in ("online", "busy") else 1


def worst_part(health: DeviceHealth) -> PartHealth | None:
    return max(health.parts, key=severity, default=None)


class HealthPublisher:
    """Keeps the status of one device's parts and publishes them as one retained message."""

    def __init__(self, publish: Callable[[str, bytes], object], hall: str, device_id: str, role: str,
                 clock: Clock | None = None) -> None:
        self._publish = publish
        self.hall, self.device_id, self.role = hall, device_id, role
        self.clock = clock or _Utc()
        self.topic = contract.DEVICE_HEALTH.format(hall=hall, client=device_id)
        self.parts: dict[str, PartHealth] = {}
        self._lock = threading.Lock()

    @classmethod
    def on_endpoint(cls, endpoint, hall: str, device_id: str, role: str,
                    clock: Clock | None = None) -> "HealthPublisher":
        """Publish retained through `endpoint`, again after every (re)connection."""
        pub = cls(lambda topic, payload: endpoint.publish(topic, payload, qos=1, retain=True),
                  hall, device_id, role, clock)
        previous = endpoint.on_connection_change

        def changed(up: bool) -> None:
            if previous:
                previous(up)
            if up:
                pub.publish()
        endpoint.on_connection_change = changed
        return pub

    def watch(self, part: str, device) -> None:
        """Follow a driver device's status changes (drivers/core Device: `last_status`,
        `counters.snapshot()`, `subscribe(listener)`)."""
        if device is None:
            return
        self.set(part, device.last_status, device.counters.snapshot(), publish=False)
        device.subscribe(lambda dev, status: self.set(part, status, dev.counters.snapshot()))

    def set(self, part: str, status: Status, counters: dict[str, int] | None = None, *,
            publish: bool = True) -> None:
        now = self.clock.now().isoformat()
        new = part_health(part, status, counters or {}, now)
        with self._lock:
            old = self.parts.get(part)
            if old is not None and old.action != "none" and new.action == "none" and new.state == "offline":
                return  # closing a faulty device (to reopen it) does not hide its fault
            if old is not None and (old.state, old.details, old.action) == (new.state, new.details, new.action):
                new = new.model_copy(update={"changed_at": old.changed_at})
            self.parts[part] = new
        if publish:
            self.publish()

    def counters(self) -> dict[str, int]:
        """Every part's counters as "part.name" (a technician's `counters`, hall_protocol/ops.py)."""
        with self._lock:
            return {f"{p}.{k}": v for p in sorted(self.parts) for k, v in self.parts[p].counters.items()}

    def message(self) -> DeviceHealth:
        with self._lock:
            parts = [self.parts[k] for k in sorted(self.parts)]
        return DeviceHealth(device=self.device_id, role=self.role, hall=self.hall,
                            at=self.clock.now().isoformat(), parts=parts)

    def publish(self) -> None:
        health = self.message()
        worst = worst_part(health)
        if worst is not None and worst.action != "none":
            log.warning("%s %s: %s %s (%s)", self.device_id, worst.part, worst.state, ",".join(worst.details),
                        worst.action)
        self._publish(self.topic, encode(health))


@dataclass(frozen=True)
class Visit:
    """One part that needs a technician, for the supervisor's "needs a visit" list."""

    hall: str
    device: str
    part: str
    state: str
    message: str
    since: str


def needs_visit(health: dict[str, DeviceHealth]) -> list[Visit]:
    """Every part, across the devices given, whose action is "technician"; oldest first."""
    out = [Visit(h.hall, h.device, p.part, p.state, p.message, p.changed_at)
           for h in health.values() for p in h.parts if p.action == "technician"]
    return sorted(out, key=lambda v: (v.since, v.hall, v.device, v.part))
