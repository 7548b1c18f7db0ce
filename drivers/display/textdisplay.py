"""A window text display on the project's framed protocol (docs/display-protocol.md).

One master on the line: send a frame, wait up to `ack_timeout` for the reply with the
same seq, retry up to `retries` times on silence, a bad CRC or BUSY, then give up with
DeviceTimeout. Broadcasts (addr 0xFF) get no reply and are sent once.
"""
from __future__ import annotations

import logging

import serial

from drivers.core import (
    Action, Clock, Counters, DeviceState, DeviceStatus, DeviceTimeout, DeviceUnavailable, DeviceUrl,
    HardwareError, ProtocolError,
)
from drivers.core.device import Lifecycle
from drivers.core.transport import open_byte_transport
from drivers.display import textproto as tp
from drivers.display.base import DisplayDevice
from drivers.display.textemu import TextDisplayEmulator

log = logging.getLogger(__name__)
traffic = logging.getLogger(__name__ + ".traffic")


class TextDisplay(DisplayDevice):
    kind = "textdisplay"
    sim_name = "textdisplay"

    def __init__(self, url: str | DeviceUrl, addr: int | None = None, *, ack_timeout: float = 0.15,
                 retries: int = 3, device_id: str | None = None, clock: Clock | None = None,
                 counters: Counters | None = None) -> None:
        super().__init__(url, device_id=device_id, clock=clock, counters=counters)
        self.addr = addr if addr is not None else self.url.int_param("addr", 1)
        if not 0 <= self.addr <= 0xFF:
            raise ValueError(f"display address must be 0-255, got {self.addr}")
        self.ack_timeout, self.retries = ack_timeout, retries
        self.shown: tp.DisplayState | None = None
        self._port: serial.SerialBase | None = None
        self._seq = 0

    # -- public API ------------------------------------------------------------------
    def show_call(self, window: str | int, ticket: str) -> None:
        self._command(tp.Cmd.CALL, tp.call_payload(window, ticket))

    def show_text(self, text: str, line: int = 0) -> None:
        self._command(tp.Cmd.TEXT, tp.text_payload(line, text))

    def clear(self) -> None:
        self._command(tp.Cmd.CLEAR)

    def brightness(self, percent: int) -> None:
        self._command(tp.Cmd.BRIGHTNESS, tp.byte_payload(percent, 0, 100))

    def blink(self, seconds: int) -> None:
        """Blink the display for `seconds` (0 stops)."""
        self._command(tp.Cmd.BLINK, tp.byte_payload(seconds))

    def query(self) -> tp.DisplayState:
        """Ask the display what it shows; HardwareError if it reports an LED fault."""
        reply = self._guard(lambda: self._transact(tp.Cmd.STATUS, b"", accept=(tp.Status.OK, tp.Status.HARDWARE_FAULT)))
        self.shown = tp.parse_status_data(reply.data)
        return self.shown

    # -- lifecycle -------------------------------------------------------------------
    def _open(self) -> None:
        line = self._line_url()
        try:
            self._port = open_byte_transport(line, timeout=0.02)
        except DeviceUnavailable:
            self._stop_emulator()
            raise

    def _close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None
        self._stop_emulator()

    def _probe_status(self) -> DeviceStatus:
        if self.addr == tp.BROADCAST:
            return DeviceStatus(DeviceState.ONLINE, details=("broadcast",))
        state = self.query()
        if state.led_fault:
            return DeviceStatus(DeviceState.HARDWARE_ERROR, details=("led_fault",), action=Action.TECHNICIAN,
                                message="LED module fault")
        details = ("over_temperature",) if state.over_temperature else ()
        return DeviceStatus(DeviceState.ONLINE, details=details, extra={"lines": list(state.lines)})

    # -- the exchange ----------------------------------------------------------------
    def _command(self, cmd: tp.Cmd, payload: bytes = b"") -> None:
        self._require(Lifecycle.ENABLED)
        self._guard(lambda: self._transact(cmd, payload))
        self.counters.increment("commands")

    def _transact(self, cmd: int, payload: bytes, accept: tuple[int, ...] = (tp.Status.OK,)) -> tp.Reply | None:
        if self._port is None:
            raise DeviceUnavailable("display is not open")
        self._seq = (self._seq + 1) & 0xFF
        frame = tp.encode_frame(tp.Frame(self.addr, cmd, self._seq, payload))
        if self.addr == tp.BROADCAST:
            self._write(frame)
            return None
        last: Exception | None = None
        for attempt in range(1 + self.retries):
            if attempt:
                self.counters.increment("retries")
                log.info("%s: retry %d of 0x%02x after: %s", self.device_id, attempt, cmd, last)
            self._write(frame)
            try:
                reply = self._await_reply(cmd, self._seq)
            except (DeviceTimeout, ProtocolError) as err:
                last = err
                continue
            if reply.status in accept:
                return reply
            last = self._refusal(reply)
            if reply.status not in (tp.Status.BUSY, tp.Status.BAD_CRC):
                raise last
        raise DeviceTimeout(f"no valid answer to 0x{cmd:02x} after {1 + self.retries} tries: {last}",
                            action=Action.TECHNICIAN) from last

    @staticmethod
    def _refusal(reply: tp.Reply) -> ProtocolError | HardwareError:
        try:
            name = tp.Status(reply.status).name
        except ValueError:
            return ProtocolError(f"unknown status 0x{reply.status:02x}")
        if reply.status == tp.Status.HARDWARE_FAULT:
            return HardwareError("display reports a hardware fault")
        if reply.status in (tp.Status.BAD_PAYLOAD, tp.Status.UNKNOWN_CMD):
            return ProtocolError(f"display refused command 0x{reply.cmd:02x}: {name}")
        return ProtocolError(f"display answered {name}")

    def _write(self, frame: bytes) -> None:
        traffic.debug("%s -> %s", self.device_id, frame.hex(" "))
        try:
            self._port.reset_input_buffer()
            self._port.write(frame)
            self._port.flush()
        except (serial.SerialException, OSError) as err:
            raise DeviceUnavailable(f"cannot write to {self.url.raw}: {err}") from err

    def _await_reply(self, cmd: int, seq: int) -> tp.Reply:
        buffer = tp.FrameBuffer()
        deadline = self.clock.monotonic() + self.ack_timeout
        bad: ProtocolError | None = None
        while self.clock.monotonic() < deadline:
            try:
                data = self._port.read(max(1, self._port.in_waiting))
            except (serial.SerialException, OSError) as err:
                raise DeviceUnavailable(f"cannot read from {self.url.raw}: {err}") from err
            if not data:
                continue
            traffic.debug("%s <- %s", self.device_id, data.hex(" "))
            for item in buffer.feed(data):
                if isinstance(item, ProtocolError):
                    bad = item
                elif item.is_reply and item.addr == self.addr and item.seq == seq and item.cmd == cmd | tp.REPLY_FLAG:
                    return tp.parse_reply(item)
            if bad is not None:
                raise bad
        raise DeviceTimeout(f"no answer within {self.ack_timeout * 1000:.0f} ms")

    def _make_emulator(self, params: dict[str, str]) -> TextDisplayEmulator:
        return TextDisplayEmulator(addr=self.addr if self.addr != tp.BROADCAST else 1, faults=params.get("fault", ""))
