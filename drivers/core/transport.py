"""Byte transports chosen by URL, built on pyserial's URL handlers.

serial:///dev/ttyUSB0?baud=115200 -> a serial port; tcp://host:port -> pyserial's
socket:// handler. The transport only moves bytes; protocols never touch it directly.
"""
from __future__ import annotations

import serial

from drivers.core.errors import DeviceUnavailable
from drivers.core.url import DeviceUrl, UrlError


def open_byte_transport(url: DeviceUrl, *, default_baud: int = 9600, timeout: float = 0.5) -> serial.SerialBase:
    """Open a pyserial-compatible object for a serial or tcp URL."""
    if url.scheme == "serial":
        target = url.path
        kwargs = dict(baudrate=url.int_param("baud", default_baud), timeout=timeout,
                      xonxoff=False, rtscts=False, dsrdtr=False)
    elif url.scheme == "tcp":
        target = f"socket://{url.host}:{url.port}"
        kwargs = dict(timeout=timeout)
    else:
        raise UrlError(f"{url.raw!r}: this device needs a serial:// or tcp:// URL")
    try:
        return serial.serial_for_url(target, **kwargs)
    except (serial.SerialException, OSError, ValueError) as err:
        raise DeviceUnavailable(f"cannot open {url.raw}: {err}") from err
