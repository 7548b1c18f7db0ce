"""Modbus RTU 7-segment number displays (RS-485, 9600 8N1, slave 1 by default) via pymodbus.

Function 06 writes register 0x0000 = the number and 0x0004 = decimal places; function
16 at 0x0080 writes raw segment patterns (one register per digit), used here to blank.
URLs: serial:///dev/ttyUSB0?baud=9600&parity=N&slave=1&digits=4, tcp://host:502 (an
RTU-over-TCP gateway), sim://modbus7seg?slave=1&fault=silence:2.
"""
from __future__ import annotations

import logging

from pymodbus.client import ModbusSerialClient
from pymodbus.exceptions import ModbusException

from drivers.core import (
    Action, Clock, Counters, DeviceState, DeviceStatus, DeviceTimeout, DeviceUnavailable, DeviceUrl,
    HardwareError, ProtocolError,
)
from drivers.core.device import Lifecycle
from drivers.display.base import DisplayDevice
from drivers.display.modbusemu import (
    REG_DECIMALS, REG_NUMBER, REG_SEGMENTS, ModbusDisplayEmulator, format_number,
)

log = logging.getLogger(__name__)
# pymodbus logs every lost answer at ERROR on its own; we turn them into our errors and statuses.
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
traffic = logging.getLogger(__name__ + ".traffic")


class NumberDisplay(DisplayDevice):
    kind = "numberdisplay"
    sim_name = "modbus7seg"

    def __init__(self, url: str | DeviceUrl, slave: int | None = None, *, digits: int | None = None,
                 timeout: float = 0.3, retries: int = 2, device_id: str | None = None,
                 clock: Clock | None = None, counters: Counters | None = None) -> None:
        super().__init__(url, device_id=device_id, clock=clock, counters=counters)
        self.slave = slave if slave is not None else self.url.int_param("slave", 1)
        self.digits = digits if digits is not None else self.url.int_param("digits", 4)
        if not 1 <= self.slave <= 247:
            raise ValueError(f"Modbus slave address must be 1-247, got {self.slave}")
        self.timeout, self.retries = timeout, retries
        self._client: ModbusSerialClient | None = None

    # -- public API ------------------------------------------------------------------
    def show_number(self, number: int, decimals: int = 0) -> None:
        """Show `number`; `decimals` digits after the point (show_number(1234, 2) -> 12.34)."""
        if not isinstance(number, int) or not 0 <= number < 10 ** self.digits:
            raise ValueError(f"{number!r} does not fit on {self.digits} digits")
        if not 0 <= decimals < self.digits:
            raise ValueError(f"decimals must be 0-{self.digits - 1}, got {decimals}")
        self._require(Lifecycle.ENABLED)
        self._guard(lambda: self._write(REG_NUMBER, number))
        self._guard(lambda: self._write(REG_DECIMALS, decimals))
        self.counters.increment("commands")

    def show_segments(self, patterns: list[int]) -> None:
        """Raw patterns, one per digit from the left (bit 0 = a ... bit 6 = g, bit 7 = dp)."""
        if len(patterns) != self.digits or not all(0 <= p <= 0xFF for p in patterns):
            raise ValueError(f"need {self.digits} patterns of 0-255, got {patterns!r}")
        self._require(Lifecycle.ENABLED)
        self._guard(lambda: self._call("write_registers", REG_SEGMENTS, list(patterns)))
        self.counters.increment("commands")

    def blank(self) -> None:
        self.show_segments([0] * self.digits)

    def read_number(self) -> int:
        reply = self._guard(lambda: self._call("read_holding_registers", REG_NUMBER, count=1))
        return reply.registers[0]

    # -- lifecycle -------------------------------------------------------------------
    def _open(self) -> None:
        line = self._line_url()
        port = line.path if line.scheme == "serial" else f"socket://{line.host}:{line.port}"
        self._client = ModbusSerialClient(
            port, baudrate=line.int_param("baud", 9600), bytesize=8, parity=line.param("parity", "N"),
            stopbits=line.int_param("stopbits", 1), timeout=self.timeout, retries=self.retries,
            trace_packet=self._trace)
        if not self._client.connect():
            self._client = None
            self._stop_emulator()
            raise DeviceUnavailable(f"cannot open {self.url.raw}")

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        self._stop_emulator()

    def _probe_status(self) -> DeviceStatus:
        regs = self._guard(lambda: self._call("read_holding_registers", REG_NUMBER, count=REG_DECIMALS + 1)).registers
        number, decimals = regs[REG_NUMBER], regs[REG_DECIMALS]
        shown = format_number(number, decimals)
        return DeviceStatus(DeviceState.ONLINE, extra={"number": number, "decimals": decimals, "shown": shown})

    # -- the exchange ----------------------------------------------------------------
    def _write(self, register: int, value: int):
        return self._call("write_register", register, value)

    def _call(self, method: str, *args, **kwargs):
        if self._client is None:
            raise DeviceUnavailable("display is not open")
        try:
            reply = getattr(self._client, method)(*args, device_id=self.slave, **kwargs)
        except ModbusException as err:  # no answer, or only broken answers, after pymodbus' retries
            raise DeviceTimeout(f"no valid Modbus answer from slave {self.slave}: {err}",
                                action=Action.TECHNICIAN) from err
        if reply.isError():
            code = getattr(reply, "exception_code", 0)
            if code == 4:
                raise HardwareError(f"slave {self.slave} reports a device failure")
            raise ProtocolError(f"slave {self.slave} refused {method}: exception code {code}",
                                action=Action.TECHNICIAN)
        return reply

    def _trace(self, sending: bool, data: bytes) -> bytes:
        traffic.debug("%s %s %s", self.device_id, "->" if sending else "<-", data.hex(" "))
        return data

    def _make_emulator(self, params: dict[str, str]) -> ModbusDisplayEmulator:
        return ModbusDisplayEmulator(slave=self.slave, digits=self.digits, faults=params.get("fault", ""))
