"""An emulated window text display speaking docs/display-protocol.md, with injectable faults.

It keeps what it shows (lines, the last call, brightness, blink) so tests and the
calling-screen demo can look at it. Faults: no_ack, bad_crc, nak (BUSY), led_fault.
"""
from __future__ import annotations

import logging
import threading

from drivers.core.errors import ProtocolError
from drivers.display import textproto as tp
from drivers.display.faults import Faults

log = logging.getLogger(__name__)

FAULTS = ("no_ack", "bad_crc", "nak", "led_fault")


class TextDisplayEmulator:
    def __init__(self, addr: int = 1, faults: str = "") -> None:
        self.addr = addr
        self.faults = Faults(faults, FAULTS)
        self.lines: list[str] = []
        self.last_call: tuple[str, str] | None = None
        self.brightness = 100
        self.blink_s = 0
        self.frames_seen = 0
        self._buffer = tp.FrameBuffer()
        self._lock = threading.Lock()

    def state(self) -> tp.DisplayState:
        flags = 1 if self.faults.active("led_fault") else 0
        return tp.DisplayState(flags, self.brightness, self.blink_s, tuple(self.lines))

    def receive(self, data: bytes) -> bytes:
        """Bytes from the bus in, bytes to the bus out (the PtyLink handler)."""
        out = b""
        with self._lock:
            for item in self._buffer.feed(data):
                if isinstance(item, tp.Frame):
                    out += self._handle(item)
                else:
                    log.info("display %d: dropped %s", self.addr, item)
        return out

    def _handle(self, frame: tp.Frame) -> bytes:
        if frame.is_reply or frame.addr not in (self.addr, tp.BROADCAST):
            return b""
        self.frames_seen += 1
        if self.faults.take("no_ack"):
            return b""
        if self.faults.take("nak"):
            status, data = tp.Status.BUSY, b""
        else:
            try:
                status, data = self._execute(frame)
            except ProtocolError as err:
                log.info("display %d: bad payload for 0x%02x: %s", self.addr, frame.cmd, err)
                status, data = tp.Status.BAD_PAYLOAD, b""
        if frame.addr == tp.BROADCAST:
            return b""  # displays never answer a broadcast
        reply = tp.encode_reply(self.addr, frame.cmd, frame.seq, status, data)
        if self.faults.take("bad_crc"):
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        return reply

    def _execute(self, frame: tp.Frame) -> tuple[int, bytes]:
        cmd, payload = frame.cmd, frame.payload
        if cmd == tp.Cmd.CALL:
            window, ticket = tp.parse_call(payload)
            self.last_call = (window, ticket)
            self.lines = [ticket, f"请到{window}号窗口"]
        elif cmd == tp.Cmd.TEXT:
            line, text = tp.parse_text(payload)
            self.lines += [""] * (line + 1 - len(self.lines))
            self.lines[line] = text
        elif cmd == tp.Cmd.CLEAR:
            self.lines, self.last_call, self.blink_s = [], None, 0
        elif cmd == tp.Cmd.BRIGHTNESS:
            self.brightness = tp.parse_byte(payload, 0, 100)
        elif cmd == tp.Cmd.BLINK:
            self.blink_s = tp.parse_byte(payload)
        elif cmd == tp.Cmd.STATUS:
            state = self.state()
            status = tp.Status.HARDWARE_FAULT if state.led_fault else tp.Status.OK
            return status, tp.status_data(state)
        else:
            return tp.Status.UNKNOWN_CMD, b""
        return tp.Status.OK, b""
