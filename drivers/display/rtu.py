"""Modbus RTU framing for the 7-segment display emulator (the driver itself uses pymodbus).

Only what a number display needs: function 03 (read holding registers), 06 (write one
register) and 16 (write registers). Pure functions; errors are ProtocolError.
"""
from __future__ import annotations

from dataclasses import dataclass

from drivers.core.errors import ProtocolError
from drivers.display.crc import crc_bytes

READ_HOLDING = 0x03
WRITE_SINGLE = 0x06
WRITE_MULTIPLE = 0x10
ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, ILLEGAL_VALUE, DEVICE_FAILURE = 1, 2, 3, 4


@dataclass(frozen=True)
class Request:
    slave: int
    function: int
    address: int
    count: int = 1                 # registers to read or write
    values: tuple[int, ...] = ()   # for writes


def request_length(buf: bytes) -> int | None:
    """Bytes the request at the start of `buf` needs, None if not known yet."""
    if len(buf) < 2:
        return None
    if buf[1] in (READ_HOLDING, WRITE_SINGLE):
        return 8
    if buf[1] == WRITE_MULTIPLE:
        return 9 + buf[6] if len(buf) >= 7 else None
    raise ProtocolError(f"function 0x{buf[1]:02x} is not supported")


def _check_crc(frame: bytes) -> None:
    if crc_bytes(frame[:-2]) != frame[-2:]:
        raise ProtocolError(f"bad CRC in {frame.hex(' ')}")


def decode_request(frame: bytes) -> Request:
    """Exactly one request frame, CRC included."""
    length = request_length(frame)
    if length is None or len(frame) != length:
        raise ProtocolError(f"request of {len(frame)} bytes does not match its function: {frame[:12].hex(' ')}")
    _check_crc(frame)
    slave, function = frame[0], frame[1]
    address, word = int.from_bytes(frame[2:4], "big"), int.from_bytes(frame[4:6], "big")
    if function == READ_HOLDING:
        return Request(slave, function, address, count=word)
    if function == WRITE_SINGLE:
        return Request(slave, function, address, values=(word,))
    if frame[6] != 2 * word:
        raise ProtocolError(f"write of {word} registers carries {frame[6]} bytes")
    values = tuple(int.from_bytes(frame[7 + 2 * i:9 + 2 * i], "big") for i in range(word))
    return Request(slave, function, address, count=word, values=values)


def encode_request(req: Request) -> bytes:
    head = bytes([req.slave, req.function]) + req.address.to_bytes(2, "big")
    if req.function == READ_HOLDING:
        body = head + req.count.to_bytes(2, "big")
    elif req.function == WRITE_SINGLE:
        body = head + req.values[0].to_bytes(2, "big")
    else:
        data = b"".join(v.to_bytes(2, "big") for v in req.values)
        body = head + len(req.values).to_bytes(2, "big") + bytes([len(data)]) + data
    return body + crc_bytes(body)


def encode_read_reply(slave: int, values: list[int]) -> bytes:
    data = b"".join(v.to_bytes(2, "big") for v in values)
    body = bytes([slave, READ_HOLDING, len(data)]) + data
    return body + crc_bytes(body)


def encode_write_reply(req: Request) -> bytes:
    """06 echoes address and value; 16 answers address and register count."""
    word = req.values[0] if req.function == WRITE_SINGLE else req.count
    body = bytes([req.slave, req.function]) + req.address.to_bytes(2, "big") + word.to_bytes(2, "big")
    return body + crc_bytes(body)


def encode_exception(slave: int, function: int, code: int) -> bytes:
    body = bytes([slave, function | 0x80, code])
    return body + crc_bytes(body)


def split_requests(buf: bytearray) -> list[Request | ProtocolError]:
    """Take every complete request off the front of `buf`; garbage clears the buffer (an RTU gap)."""
    out: list[Request | ProtocolError] = []
    while buf:
        try:
            length = request_length(bytes(buf))
        except ProtocolError as err:
            out.append(err)
            buf.clear()
            break
        if length is None or len(buf) < length:
            break
        frame = bytes(buf[:length])
        del buf[:length]
        try:
            out.append(decode_request(frame))
        except ProtocolError as err:
            out.append(err)
            buf.clear()
    return out
