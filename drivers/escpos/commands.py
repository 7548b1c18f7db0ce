"""Receipt layout blocks and their ESC/POS bytes.

Blocks are what a template produces (a line, a QR code, a barcode, a feed, a cut);
`encode_blocks` turns them into bytes with python-escpos's command builders on a Dummy
printer (which only collects bytes), except for text: every line goes out as GB18030
after FS & (Chinese mode), never through python-escpos's own encoder, which mangles
full-width punctuation such as "：" and "¥" (see /work/shared/specs/printing.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from escpos.printer import Dummy

INIT = b"\x1b@"
CHINESE_ON = b"\x1c&"
CHINESE_OFF = b"\x1c."
ALIGN = {"left": b"\x1ba\x00", "center": b"\x1ba\x01", "right": b"\x1ba\x02"}
BOLD = {False: b"\x1bE\x00", True: b"\x1bE\x01"}


def char_size(width: int, height: int) -> bytes:
    """GS ! n: width and height multipliers 1..8."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character size multipliers must be 1..8")
    return b"\x1d!" + bytes([((width - 1) << 4) | (height - 1)])


def text_line(text: str) -> bytes:
    """One line as GB18030 bytes plus LF; control characters are dropped."""
    clean = "".join(ch for ch in text if ch >= " " or ch == "\t")
    return clean.encode("gb18030") + b"\n"


def code128(data: str, height: int = 80, width: int = 2) -> bytes:
    """GS h, GS w, GS H (text below) then GS k 73 n "{B" data: CODE128, code set B.

    Built here rather than with python-escpos's barcode(), which prints to stdout.
    """
    payload = b"{B" + data.encode("ascii")
    if not data or len(payload) > 255 or any(not 32 <= b < 127 for b in payload):
        raise ValueError("CODE128 set B takes 1..253 printable ASCII characters")
    return b"\x1dh" + bytes([height]) + b"\x1dw" + bytes([width]) + b"\x1dH\x02" + b"\x1dkI" + bytes([len(payload)]) + payload


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"
    bold: bool = False
    size: int = 1  # character height multiplier 1..8 (GS !); 2 = double width and height
    width: int | None = None  # width multiplier 1..8 when it differs from size


@dataclass(frozen=True)
class Qr:
    data: str
    size: int = 6  # module size in dots
    native: bool = True
    align: str = "center"


@dataclass(frozen=True)
class Barcode:
    data: str  # CODE128 code set B
    align: str = "center"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    partial: bool = False


Block = Union[Line, Qr, Barcode, Feed, Cut]


def encode_blocks(blocks: list[Block]) -> bytes:
    """ESC @, FS &, then each block; the caller adds a Cut where a receipt ends."""
    out = Dummy()
    out._raw(INIT + CHINESE_ON)
    for block in blocks:
        if isinstance(block, Line):
            out._raw(ALIGN[block.align] + BOLD[block.bold] + char_size(block.width or block.size, block.size))
            out._raw(text_line(block.text))
        elif isinstance(block, Qr):
            out._raw(ALIGN[block.align])
            out.qr(block.data, size=block.size, native=block.native)
            if block.native:
                out._raw(b"\n")
        elif isinstance(block, Barcode):
            out._raw(ALIGN[block.align])
            out._raw(code128(block.data) + b"\n")
        elif isinstance(block, Feed):
            out.print_and_feed(block.lines)
        elif isinstance(block, Cut):
            out.cut(mode="PART" if block.partial else "FULL")
        else:
            raise TypeError(f"not a receipt block: {block!r}")
    return out.output
