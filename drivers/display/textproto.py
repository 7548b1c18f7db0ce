"""The project's framed protocol for window text displays (see docs/display-protocol.md).

    AA 55 | addr | cmd | seq | len (2 bytes BE) | payload (GB18030) | CRC16/MODBUS (2 bytes LE)

The CRC covers addr..payload (not the AA 55 sync). Replies echo `cmd | 0x80` and `seq`;
their payload starts with a status byte. Pure functions only: they return frames or
raise ProtocolError, and FrameBuffer never raises on garbage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from drivers.core.errors import ProtocolError
from drivers.display.crc import crc_bytes

SYNC = b"\xAA\x55"
HEADER_LEN = 7            # sync(2) addr cmd seq len(2)
MAX_PAYLOAD = 1024
BROADCAST = 0xFF
REPLY_FLAG = 0x80
ENCODING = "gb18030"
FIELD_SEP = "\x1f"        # separates window and ticket in a CALL payload
MAX_LINES = 8


class Cmd(IntEnum):
    CALL = 0x01
    TEXT = 0x02
    CLEAR = 0x03
    BRIGHTNESS = 0x04
    BLINK = 0x05
    STATUS = 0x06


class Status(IntEnum):
    OK = 0x00
    BAD_CRC = 0x01        # the display saw a frame for it with a bad CRC
    UNKNOWN_CMD = 0x02
    BAD_PAYLOAD = 0x03
    BUSY = 0x04
    HARDWARE_FAULT = 0x05  # LED module or driver board fault

    @property
    def retryable(self) -> bool:
        return self in (Status.BAD_CRC, Status.BUSY)


@dataclass(frozen=True)
class Frame:
    addr: int
    cmd: int
    seq: int
    payload: bytes = b""

    @property
    def is_reply(self) -> bool:
        return bool(self.cmd & REPLY_FLAG)


@dataclass(frozen=True)
class Reply:
    cmd: int
    seq: int
    status: int
    data: bytes = b""


@dataclass(frozen=True)
class DisplayState:
    """What a STATUS reply carries."""

    flags: int = 0            # bit 0 LED fault, bit 1 over temperature
    brightness: int = 100
    blink_s: int = 0
    lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def led_fault(self) -> bool:
        return bool(self.flags & 1)

    @property
    def over_temperature(self) -> bool:
        return bool(self.flags & 2)


# -- frames ------------------------------------------------------------------------
def _check_byte(name: str, value: int) -> None:
    if not isinstance(value, int) or not 0 <= value <= 0xFF:
        raise ProtocolError(f"{name} must be a byte 0-255, got {value!r}")


def encode_frame(frame: Frame) -> bytes:
    for name in ("addr", "cmd", "seq"):
        _check_byte(name, getattr(frame, name))
    if len(frame.payload) > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {len(frame.payload)} bytes is over {MAX_PAYLOAD}")
    body = bytes([frame.addr, frame.cmd, frame.seq]) + len(frame.payload).to_bytes(2, "big") + frame.payload
    return SYNC + body + crc_bytes(body)


def decode_frame(data: bytes) -> Frame:
    """Exactly one frame; anything else raises ProtocolError."""
    if len(data) < HEADER_LEN + 2 or data[:2] != SYNC:
        raise ProtocolError(f"not a frame: {data[:16].hex(' ')}")
    length = int.from_bytes(data[5:7], "big")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"length {length} is over {MAX_PAYLOAD}")
    if len(data) != HEADER_LEN + length + 2:
        raise ProtocolError(f"frame is {len(data)} bytes, its length field says {HEADER_LEN + length + 2}")
    body = data[2:HEADER_LEN + length]
    if crc_bytes(body) != data[-2:]:
        raise ProtocolError(f"bad CRC: got {data[-2:].hex()}, expected {crc_bytes(body).hex()}")
    return Frame(data[2], data[3], data[4], bytes(data[HEADER_LEN:HEADER_LEN + length]))


class FrameBuffer:
    """Bytes in, frames out. Garbage is skipped; a frame with a bad CRC is reported, not raised."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame | ProtocolError]:
        self._buf += data
        out: list[Frame | ProtocolError] = []
        while True:
            start = self._buf.find(SYNC)
            if start < 0:
                del self._buf[:max(0, len(self._buf) - 1)]  # keep a trailing 0xAA
                return out
            del self._buf[:start]
            if len(self._buf) < HEADER_LEN:
                return out
            length = int.from_bytes(self._buf[5:7], "big")
            if length > MAX_PAYLOAD:
                out.append(ProtocolError(f"length {length} is over {MAX_PAYLOAD}"))
                del self._buf[:2]
                continue
            total = HEADER_LEN + length + 2
            if len(self._buf) < total:
                return out
            try:
                out.append(decode_frame(bytes(self._buf[:total])))
                del self._buf[:total]
            except ProtocolError as err:
                out.append(err)
                del self._buf[:2]  # resynchronise on the next AA 55


# -- replies -----------------------------------------------------------------------
def encode_reply(addr: int, cmd: int, seq: int, status: int, data: bytes = b"") -> bytes:
    return encode_frame(Frame(addr, cmd | REPLY_FLAG, seq, bytes([status]) + data))


def parse_reply(frame: Frame) -> Reply:
    if not frame.is_reply:
        raise ProtocolError(f"command 0x{frame.cmd:02x} is not a reply")
    if not frame.payload:
        raise ProtocolError("a reply needs a status byte")
    return Reply(frame.cmd & ~REPLY_FLAG, frame.seq, frame.payload[0], frame.payload[1:])


# -- payloads ----------------------------------------------------------------------
def _text(text: str, what: str) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as err:
        raise ProtocolError(f"{what} {text!r} cannot be written in GB18030") from err


def _untext(data: bytes, what: str) -> str:
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as err:
        raise ProtocolError(f"{what} is not GB18030: {data[:16].hex(' ')}") from err


def call_payload(window: str | int, ticket: str) -> bytes:
    window, ticket = str(window), str(ticket)
    if not window or not ticket or FIELD_SEP in window + ticket:
        raise ProtocolError(f"call needs a window and a ticket, got {window!r}, {ticket!r}")
    return _text(f"{window}{FIELD_SEP}{ticket}", "call")


def parse_call(payload: bytes) -> tuple[str, str]:
    parts = _untext(payload, "call").split(FIELD_SEP)
    if len(parts) != 2 or not all(parts):
        raise ProtocolError("call payload must be WINDOW 0x1F TICKET")
    return parts[0], parts[1]


def text_payload(line: int, text: str) -> bytes:
    if not isinstance(line, int) or not 0 <= line < MAX_LINES:
        raise ProtocolError(f"line must be 0-{MAX_LINES - 1}, got {line!r}")
    if "\x1e" in text or FIELD_SEP in text:
        raise ProtocolError("text must not contain the separators 0x1E or 0x1F")
    return bytes([line]) + _text(text, "text")


def parse_text(payload: bytes) -> tuple[int, str]:
    if not payload or payload[0] >= MAX_LINES:
        raise ProtocolError(f"text payload must start with a line number 0-{MAX_LINES - 1}")
    return payload[0], _untext(payload[1:], "text")


def byte_payload(value: int, low: int = 0, high: int = 255) -> bytes:
    """BRIGHTNESS (0-100 %) and BLINK (seconds, 0 stops) carry one byte."""
    if not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError(f"value must be {low}-{high}, got {value!r}")
    return bytes([value])


def parse_byte(payload: bytes, low: int = 0, high: int = 255) -> int:
    if len(payload) != 1 or not low <= payload[0] <= high:
        raise ProtocolError(f"payload must be one byte {low}-{high}, got {payload.hex(' ')}")
    return payload[0]


def status_data(state: DisplayState) -> bytes:
    """STATUS reply data after the status byte: flags, brightness, blink, line count, lines (0x1E-separated)."""
    lines = "\x1e".join(state.lines)
    return bytes([state.flags, state.brightness, state.blink_s, len(state.lines)]) + _text(lines, "lines")


def parse_status_data(data: bytes) -> DisplayState:
    if len(data) < 4:
        raise ProtocolError(f"status data is {len(data)} bytes, needs at least 4")
    count = data[3]
    lines = tuple(_untext(data[4:], "lines").split("\x1e")) if count else ()
    if len(lines) != count:
        raise ProtocolError(f"status says {count} lines, carries {len(lines)}")
    return DisplayState(data[0], data[1], data[2], lines)
