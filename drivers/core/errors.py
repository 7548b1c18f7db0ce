"""One exception root for the device layer; every error says which action it needs."""
from __future__ import annotations

from enum import Enum


class Action(str, Enum):
    """Who has to do something about a fault."""

    NONE = "none"              # transient; the driver retries by itself
    CITIZEN = "citizen"        # the person at the kiosk can fix it (lift and place the card)
    STAFF = "staff"            # hall staff can clear it (load paper, close the cover)
    TECHNICIAN = "technician"  # a technician must come (hardware fault, wiring, SAM)


class DeviceError(Exception):
    """Root of every device-layer error."""

    default_action = Action.TECHNICIAN

    def __init__(self, message: str, *, action: Action | None = None, device: str | None = None):
        super().__init__(message)
        self.action = action or self.default_action
        self.device = device

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.device}: {base}" if self.device else base


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""

    default_action = Action.NONE


class DeviceUnavailable(DeviceError):
    """The device is missing, unplugged, powered off or cannot be opened."""

    default_action = Action.TECHNICIAN


class ProtocolError(DeviceError):
    """Bytes that do not follow the protocol: bad checksum, bad length, garbage."""

    default_action = Action.NONE


class HardwareError(DeviceError):
    """The device reports a fault of its own (self-test failed, cutter jammed)."""

    default_action = Action.TECHNICIAN


class UserError(DeviceError):
    """A condition a person fixes: paper out, cover open, card badly placed."""

    default_action = Action.STAFF
