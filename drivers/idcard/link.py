"""The link to the SAM: one request, one reply frame, over any pyserial-like transport.

Raw traffic goes to the "drivers.idcard.traffic" logger, with the data of card replies
(30 xx: text, photo, fingerprint, address) withheld: only their header is logged.
pyserial errors become DeviceUnavailable; a reply that never completes, DeviceTimeout.
"""
from __future__ import annotations

import logging
import math
import threading
from typing import Any

import serial

from drivers.core.errors import DeviceTimeout, DeviceUnavailable
from drivers.core.transport import open_byte_transport
from drivers.core.url import DeviceUrl
from drivers.idcard import protocol as p
from drivers.idcard.sim import open_sim

log = logging.getLogger(__name__)
traffic = logging.getLogger("drivers.idcard.traffic")

try:
    from termios import error as _TermiosError
except ImportError:            # not a POSIX system
    _TermiosError = OSError
# What a pulled cable looks like from pyserial: its own error, an OS error, a termios error.
LINK_ERRORS = (serial.SerialException, OSError, _TermiosError)
DEFAULT_BAUD = 115200
READ_SLICE = 0.05     # the transport's own read timeout; the link counts empty slices


def open_transport(url: DeviceUrl) -> Any:
    """serial:// or tcp:// through drivers.core (115200 8N1, XON/XOFF off), or sim://idcard."""
    if url.scheme == "sim":
        return open_sim(url, READ_SLICE)
    return open_byte_transport(url, default_baud=DEFAULT_BAUD, timeout=READ_SLICE)


def redact(frame: bytes, request: bytes) -> str:
    """Hex for the traffic log; replies to card-data commands keep only their header."""
    if p.is_card_data(request[7:9]) and len(frame) > 11:
        return f"{frame[:10].hex(' ')} ... <{len(frame) - 10} bytes of card data withheld>"
    return frame.hex(" ")


class SamLink:
    def __init__(self, transport: Any, name: str, timeout: float = 1.0) -> None:
        self.transport = transport
        self.name = name
        self.timeout = timeout
        self.bytes_out = 0
        self.bytes_in = 0
        self._lock = threading.Lock()

    def transact(self, request: bytes, timeout: float | None = None) -> p.Response:
        """Send one request frame and return the parsed reply (or raise)."""
        with self._lock:
            try:
                self.transport.reset_input_buffer()
                traffic.debug("%s > %s", self.name, request.hex(" "))
                self.transport.write(request)
                self.bytes_out += len(request)
                body, raw = self._receive(timeout or self.timeout)
            except LINK_ERRORS as err:
                raise DeviceUnavailable(f"reader link lost: {err}", device=self.name) from err
            traffic.debug("%s < %s", self.name, redact(raw, request))
            return p.parse_response(body)

    def _receive(self, timeout: float) -> tuple[bytes, bytes]:
        decoder = p.FrameDecoder()
        slice_ = getattr(self.transport, "timeout", None) or READ_SLICE
        idle_left = max(1, math.ceil(timeout / slice_))
        received = 0
        while True:
            chunk = self.transport.read(max(1, getattr(self.transport, "in_waiting", 0) or 0))
            if not chunk:
                idle_left -= 1
                if idle_left <= 0:
                    raise DeviceTimeout(f"no complete reply within {timeout:.2f}s "
                                        f"({decoder.pending} bytes pending)", device=self.name)
                continue
            received += len(chunk)
            self.bytes_in += len(chunk)
            decoder.feed(chunk)
            body = decoder.next_body()
            if body is not None:
                return body, p.build_frame(body)
            if received > 4 * p.MAX_LEN:
                raise p.FrameError(f"{received} bytes without a frame", device=self.name)

    def close(self) -> None:
        try:
            self.transport.close()
        except LINK_ERRORS as err:
            log.debug("closing %s: %s", self.name, err)
