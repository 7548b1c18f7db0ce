"""One status vocabulary for every device (after UnifiedPOS / XFS4IoT)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from drivers.core.errors import Action


class DeviceState(str, Enum):
    ONLINE = "online"
    OFFLINE = "offline"
    POWER_OFF = "power_off"
    NO_DEVICE = "no_device"
    HARDWARE_ERROR = "hardware_error"
    USER_ERROR = "user_error"
    BUSY = "busy"


@dataclass(frozen=True)
class DeviceStatus:
    """A device's state, with device-specific details such as "paper_near_end"."""

    state: DeviceState
    details: tuple[str, ...] = ()
    action: Action = Action.NONE
    message: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def usable(self) -> bool:
        return self.state in (DeviceState.ONLINE, DeviceState.BUSY)

    def to_dict(self) -> dict:
        return {
            "state": self.state.value,
            "details": list(self.details),
            "action": self.action.value,
            "message": self.message,
        }


ONLINE = DeviceStatus(DeviceState.ONLINE)
OFFLINE = DeviceStatus(DeviceState.OFFLINE, action=Action.TECHNICIAN, message="device offline")
