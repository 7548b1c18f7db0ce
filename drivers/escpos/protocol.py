"""ESC/POS as pure functions: split a byte stream into commands, status bytes both ways.

Command layouts follow the Epson ESC/POS reference ("ESC/POS Command Reference for TM
printers") and what python-escpos 3.1 sends (escpos/constants.py, escpos/escpos.py).
A parser returns commands or raises ProtocolError; it never waits for bytes it was not
given: an incomplete command at the end of a buffer is handed back as the remainder.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from drivers.core.errors import ProtocolError

ESC, FS, GS, DLE, EOT, LF, CR, HT, FF, NUL = 0x1B, 0x1C, 0x1D, 0x10, 0x04, 0x0A, 0x0D, 0x09, 0x0C, 0x00

# A raster image or 2D-code payload larger than this is garbage, not a receipt.
MAX_PAYLOAD = 512 * 1024


@dataclass(frozen=True)
class Command:
    """One decoded command: `kind` names it, `params` are its small arguments, `data` its payload."""

    kind: str
    params: tuple[int, ...] = ()
    data: bytes = b""
    raw: bytes = field(default=b"", compare=False, repr=False)


# Commands of fixed length after their prefix: (prefix bytes) -> (kind, number of parameter bytes).
_FIXED: dict[bytes, tuple[str, int]] = {
    bytes([ESC, ord("@")]): ("init", 0),
    bytes([ESC, ord("a")]): ("align", 1),
    bytes([ESC, ord("E")]): ("bold", 1),
    bytes([ESC, ord("G")]): ("double_strike", 1),
    bytes([ESC, ord("!")]): ("print_mode", 1),
    bytes([ESC, ord("-")]): ("underline", 1),
    bytes([ESC, ord("M")]): ("font", 1),
    bytes([ESC, ord("d")]): ("feed_lines", 1),
    bytes([ESC, ord("J")]): ("feed_dots", 1),
    bytes([ESC, ord("2")]): ("line_spacing_default", 0),
    bytes([ESC, ord("3")]): ("line_spacing", 1),
    bytes([ESC, ord("t")]): ("code_page", 1),
    bytes([ESC, ord("R")]): ("charset", 1),
    bytes([ESC, ord("{")]): ("upside_down", 1),
    bytes([ESC, ord("p")]): ("drawer", 3),
    bytes([ESC, ord("i")]): ("cut", 0),
    bytes([ESC, ord("m")]): ("cut", 0),
    bytes([GS, ord("!")]): ("char_size", 1),
    bytes([GS, ord("B")]): ("invert", 1),
    bytes([GS, ord("b")]): ("smooth", 1),
    bytes([GS, ord("h")]): ("barcode_height", 1),
    bytes([GS, ord("w")]): ("barcode_width", 1),
    bytes([GS, ord("f")]): ("hri_font", 1),
    bytes([GS, ord("H")]): ("hri_position", 1),
    bytes([GS, ord("L")]): ("left_margin", 2),
    bytes([GS, ord("W")]): ("print_width", 2),
    bytes([FS, ord("&")]): ("chinese_on", 0),
    bytes([FS, ord(".")]): ("chinese_off", 0),
    bytes([FS, ord("!")]): ("chinese_mode", 1),
    bytes([FS, ord("-")]): ("chinese_underline", 1),
    bytes([FS, ord("W")]): ("chinese_quad", 1),
    bytes([DLE, EOT]): ("status", 1),
    bytes([DLE, 0x05]): ("realtime_request", 1),
    bytes([DLE, 0x14]): ("realtime_pulse", 3),
}
_SIMPLE = {LF: "lf", CR: "cr", FF: "ff"}
_PREFIXES = (ESC, FS, GS, DLE)


class _Incomplete(Exception):
    """The buffer ends inside a command."""


def _need(buf: bytes, end: int) -> None:
    if end > len(buf):
        raise _Incomplete


def _length_prefixed(buf: bytes, i: int, kind: str) -> tuple[Command, int]:
    """GS ( k / GS ( L: pL pH then that many bytes (cn fn [m] data)."""
    _need(buf, i + 5)
    size = buf[i + 3] | (buf[i + 4] << 8)
    if size < 2 or size > MAX_PAYLOAD:
        raise ProtocolError(f"{kind}: bad length {size}")
    end = i + 5 + size
    _need(buf, end)
    body = buf[i + 5:end]
    return Command(kind, (body[0], body[1]), body[2:], buf[i:end]), end


def _raster(buf: bytes, i: int) -> tuple[Command, int]:
    """GS v 0 m xL xH yL yH d1...dk with k = x * y (x in bytes per row)."""
    _need(buf, i + 8)
    mode = buf[i + 3]
    width, height = buf[i + 4] | (buf[i + 5] << 8), buf[i + 6] | (buf[i + 7] << 8)
    if mode not in (0, 1, 2, 3, 48, 49, 50, 51) or width * height > MAX_PAYLOAD:
        raise ProtocolError(f"raster image: bad header m={mode} x={width} y={height}")
    end = i + 8 + width * height
    _need(buf, end)
    return Command("raster", (mode & 3, width, height), buf[i + 8:end], buf[i:end]), end


def _barcode(buf: bytes, i: int) -> tuple[Command, int]:
    """GS k m: m 0..6 data NUL (function A) or m 65..78 n data (function B)."""
    _need(buf, i + 3)
    system = buf[i + 2]
    if system <= 6:
        end = buf.find(b"\x00", i + 3)
        if end < 0:
            if len(buf) - i > 258:
                raise ProtocolError("barcode: no NUL terminator within 255 bytes")
            raise _Incomplete
        return Command("barcode", (system,), buf[i + 3:end], buf[i:end + 1]), end + 1
    if 65 <= system <= 78:
        _need(buf, i + 4)
        end = i + 4 + buf[i + 3]
        _need(buf, end)
        return Command("barcode", (system,), buf[i + 4:end], buf[i:end]), end
    raise ProtocolError(f"barcode: unknown system {system}")


def _column_image(buf: bytes, i: int) -> tuple[Command, int]:
    """ESC * m nL nH data: 8-dot modes take n bytes, 24-dot modes 3n bytes."""
    _need(buf, i + 5)
    mode, count = buf[i + 2], buf[i + 3] | (buf[i + 4] << 8)
    if mode not in (0, 1, 32, 33):
        raise ProtocolError(f"column image: bad mode {mode}")
    end = i + 5 + count * (3 if mode >= 32 else 1)
    _need(buf, end)
    return Command("column_image", (mode, count), buf[i + 5:end], buf[i:end]), end


def _cut(buf: bytes, i: int) -> tuple[Command, int]:
    """GS V m (m 0,1,48,49) or GS V m n (m 65,66,97,98,103,104: feed n then cut)."""
    _need(buf, i + 3)
    mode = buf[i + 2]
    if mode in (0, 1, 48, 49):
        return Command("cut", (mode & 1, 0), b"", buf[i:i + 3]), i + 3
    if mode in (65, 66, 97, 98, 103, 104):
        _need(buf, i + 4)
        return Command("cut", (mode & 1, buf[i + 3]), b"", buf[i:i + 4]), i + 4
    raise ProtocolError(f"cut: bad mode {mode}")


def _one(buf: bytes, i: int) -> tuple[Command, int]:
    """Decode the command starting at buf[i]; raise _Incomplete or ProtocolError."""
    first = buf[i]
    if first in _SIMPLE:
        return Command(_SIMPLE[first], raw=buf[i:i + 1]), i + 1
    if first >= 0x20 or first == HT:
        end = i
        while end < len(buf) and (buf[end] >= 0x20 or buf[end] == HT):
            end += 1
        return Command("text", data=buf[i:end], raw=buf[i:end]), end
    if first not in _PREFIXES:
        raise ProtocolError(f"unexpected control byte 0x{first:02x}")
    _need(buf, i + 2)
    prefix = buf[i:i + 2]
    fixed = _FIXED.get(prefix)
    if fixed is not None:
        kind, count = fixed
        end = i + 2 + count
        _need(buf, end)
        return Command(kind, tuple(buf[i + 2:end]), b"", buf[i:end]), end
    if prefix == bytes([GS, ord("(")]):
        _need(buf, i + 3)
        kinds = {ord("k"): "code2d", ord("L"): "graphics"}
        if buf[i + 2] not in kinds:
            raise ProtocolError(f"unknown command GS ( 0x{buf[i + 2]:02x}")
        return _length_prefixed(buf, i, kinds[buf[i + 2]])
    if prefix == bytes([GS, ord("v")]):
        _need(buf, i + 3)
        if buf[i + 2] != ord("0"):
            raise ProtocolError(f"unknown command GS v 0x{buf[i + 2]:02x}")
        return _raster(buf, i)
    if prefix == bytes([GS, ord("k")]):
        return _barcode(buf, i)
    if prefix == bytes([GS, ord("V")]):
        return _cut(buf, i)
    if prefix == bytes([ESC, ord("*")]):
        return _column_image(buf, i)
    raise ProtocolError(f"unknown command {prefix.hex(' ')}")


def _scan(buf: bytes, skip_errors: bool) -> tuple[list[Command], list[ProtocolError], int]:
    """Decode from the start of `buf`; stop at an incomplete command (return its offset)."""
    commands: list[Command] = []
    errors: list[ProtocolError] = []
    i = 0
    while i < len(buf):
        try:
            command, i = _one(buf, i)
        except _Incomplete:
            break
        except ProtocolError as err:
            if not skip_errors:
                raise
            errors.append(err)
            i += 1  # a printer ignores a byte it cannot read and goes on
            continue
        commands.append(command)
    return commands, errors, i


def split_commands(buf: bytes, *, final: bool = True) -> tuple[list[Command], bytes]:
    """Split `buf` into commands; return them and the unparsed tail.

    With final=True a command cut off at the end is a ProtocolError; with final=False
    (a stream) the incomplete tail is returned so the caller can prepend the next bytes.
    """
    commands, _, end = _scan(buf, skip_errors=False)
    if final and end < len(buf):
        raise ProtocolError(f"stream ends inside a command at byte {end}")
    return commands, bytes(buf[end:])


class StreamDecoder:
    """Feeds a byte stream to the parser, keeping the incomplete tail between calls.

    Undecodable bytes are skipped one at a time and reported, never raised.
    """

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, data: bytes) -> tuple[list[Command], list[ProtocolError]]:
        buf = self._tail + data
        commands, errors, end = _scan(buf, skip_errors=True)
        self._tail = bytes(buf[end:])
        return commands, errors


# -- real-time status (DLE EOT n) ------------------------------------------------------
STATUS_FIXED = 0x12          # bits 1 and 4 are always 1, bits 0 and 7 always 0
OFFLINE_BIT = 0x08           # n=1
COVER_OPEN_BIT = 0x04        # n=2
PAPER_STOP_BIT = 0x20        # n=2: printing stopped by paper end
ERROR_BIT = 0x40             # n=2: an error occurred
PAPER_NEAR_END = 0x0C        # n=4
PAPER_OUT = 0x60             # n=4


def status_query(n: int) -> bytes:
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n: n must be 1..4, got {n}")
    return bytes([DLE, EOT, n])


def check_status_byte(value: int) -> int:
    """A status byte must have its fixed bits right; anything else is not a printer reply."""
    if value & 0x93 != STATUS_FIXED:
        raise ProtocolError(f"not an ESC/POS status byte: 0x{value:02x}")
    return value


@dataclass(frozen=True)
class StatusBytes:
    printer: int  # DLE EOT 1
    offline_cause: int  # DLE EOT 2
    paper: int  # DLE EOT 4

    @property
    def online(self) -> bool:
        return not self.printer & OFFLINE_BIT

    @property
    def cover_open(self) -> bool:
        return bool(self.offline_cause & COVER_OPEN_BIT)

    @property
    def paper_state(self) -> str:
        if self.paper & PAPER_OUT == PAPER_OUT or self.offline_cause & PAPER_STOP_BIT:
            return "out"
        if self.paper & PAPER_NEAR_END == PAPER_NEAR_END:
            return "near_end"
        return "ok"


def status_bytes_for(state: str) -> StatusBytes:
    """What a printer in `state` (ok, near_end, out, cover_open, offline) answers."""
    printer = offline_cause = paper = STATUS_FIXED
    if state == "near_end":
        paper |= PAPER_NEAR_END
    elif state == "out":
        printer |= OFFLINE_BIT
        offline_cause |= PAPER_STOP_BIT
        paper |= PAPER_OUT
    elif state == "cover_open":
        printer |= OFFLINE_BIT
        offline_cause |= COVER_OPEN_BIT
    elif state == "offline":
        printer |= OFFLINE_BIT
        offline_cause |= ERROR_BIT
    elif state != "ok":
        raise ValueError(f"unknown printer state {state!r}")
    return StatusBytes(printer, offline_cause, paper)
