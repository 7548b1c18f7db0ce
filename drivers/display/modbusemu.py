"""An emulated Modbus RTU 7-segment number display (RS-485, slave 1 by default).

Registers: 0x0000 the number, 0x0004 decimal places, 0x0080.. raw segment patterns, one
per digit (bit 0 = segment a ... bit 6 = g, bit 7 = dp). Faults: silence (no answer),
bad_crc (answers with a broken CRC), exception (answers "device failure").
"""
from __future__ import annotations

import logging
import threading

from drivers.core.errors import ProtocolError
from drivers.display import rtu
from drivers.display.faults import Faults
from drivers.display.segments import CHARS

log = logging.getLogger(__name__)

FAULTS = ("silence", "bad_crc", "exception")
REG_NUMBER, REG_DECIMALS, REG_SEGMENTS = 0x0000, 0x0004, 0x0080
REGISTERS = 0x0100
# the usual common-cathode patterns, 0-9 and "-"
SEGMENTS = CHARS  # what a person reads from a pattern


def format_number(number: int, decimals: int) -> str:
    """How a number register and a decimal-places register read: (1234, 2) -> "12.34"."""
    text = str(number).rjust(decimals + 1, "0")
    return f"{text[:-decimals]}.{text[-decimals:]}" if decimals else text


class ModbusDisplayEmulator:
    def __init__(self, slave: int = 1, digits: int = 4, faults: str = "") -> None:
        self.slave, self.digits = slave, digits
        self.faults = Faults(faults, FAULTS)
        self.registers = [0] * REGISTERS
        self.mode = "number"        # what was written last: "number" or "segments"
        self.requests_seen = 0
        self._buf = bytearray()
        self._lock = threading.Lock()

    @property
    def shown(self) -> str:
        """What a person would read on the display, e.g. "12.34", or "" when blank."""
        if self.mode == "segments":
            chars = [SEGMENTS.get(p & 0x7F, "?") + ("." if p & 0x80 else "")
                     for p in self.registers[REG_SEGMENTS:REG_SEGMENTS + self.digits]]
            return "".join(chars).strip()
        return format_number(self.registers[REG_NUMBER], self.registers[REG_DECIMALS])

    def receive(self, data: bytes) -> bytes:
        out = b""
        with self._lock:
            self._buf += data
            for item in rtu.split_requests(self._buf):
                if isinstance(item, ProtocolError):
                    log.info("7seg %d: dropped %s", self.slave, item)  # RTU slaves stay silent
                elif item.slave == self.slave:
                    out += self._answer(item)
        return out

    def _answer(self, req: rtu.Request) -> bytes:
        self.requests_seen += 1
        if self.faults.take("silence"):
            return b""
        if self.faults.take("exception"):
            reply = rtu.encode_exception(self.slave, req.function, rtu.DEVICE_FAILURE)
        else:
            reply = self._execute(req)
        if self.faults.take("bad_crc"):
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        return reply

    def _execute(self, req: rtu.Request) -> bytes:
        end = req.address + max(req.count, len(req.values))
        if end > REGISTERS or req.count == 0:
            return rtu.encode_exception(self.slave, req.function, rtu.ILLEGAL_ADDRESS)
        if req.function == rtu.READ_HOLDING:
            return rtu.encode_read_reply(self.slave, self.registers[req.address:end])
        self.registers[req.address:end] = list(req.values)
        if req.address >= REG_SEGMENTS:
            self.mode = "segments"
        elif req.address <= REG_NUMBER < end:
            self.mode = "number"
        return rtu.encode_write_reply(req)
