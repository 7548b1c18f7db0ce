"""The common device model shared by every driver.

One lifecycle (open, claim, enable, disable, release, close), one status vocabulary,
errors that carry the action they need, health checks at three levels, counters that
survive a restart, status events, URL addressing and reconnection with backoff.
The ideas follow XFS4IoT and UnifiedPOS; see docs/devices.md.
"""
from drivers.core.clock import Clock, FakeClock, SystemClock
from drivers.core.counters import Counters
from drivers.core.device import Device, HealthLevel, HealthReport, Lifecycle
from drivers.core.errors import (
    Action,
    DeviceError,
    DeviceTimeout,
    DeviceUnavailable,
    HardwareError,
    ProtocolError,
    UserError,
)
from drivers.core.reconnect import Backoff
from drivers.core.status import DeviceState, DeviceStatus
from drivers.core.url import DeviceUrl, UrlError, parse_url

__all__ = [
    "Action", "Backoff", "Clock", "Counters", "Device", "DeviceError", "DeviceState",
    "DeviceStatus", "DeviceTimeout", "DeviceUnavailable", "DeviceUrl", "FakeClock",
    "HardwareError", "HealthLevel", "HealthReport", "Lifecycle", "ProtocolError",
    "SystemClock", "UrlError", "UserError", "parse_url",
]
