"""Byte-exact tests of what the driver sends."""
from __future__ import annotations

import pytest

from drivers.escpos.commands import Barcode, Cut, Feed, Line, Qr, char_size, code128, encode_blocks, text_line
from drivers.escpos.protocol import split_commands
from drivers.escpos.templates import ticket_blocks

# (blocks, expected bytes after ESC @ FS &)
CASES = [
    ([Line("前面还有 3 人")], b"\x1ba\x00\x1bE\x00\x1d!\x00" + "前面还有 3 人".encode("gb18030") + b"\n"),
    ([Line("A017", align="center", bold=True, size=2)], b"\x1ba\x01\x1bE\x01\x1d!\x11A017\n"),
    ([Line("取号时间：¥")], b"\x1ba\x00\x1bE\x00\x1d!\x00\xc8\xa1\xba\xc5\xca\xb1\xbc\xe4\xa3\xba\x810\x846\n"),  # ¥ is 4-byte GB18030
    ([Feed(3)], b"\x1bd\x03"),
    ([Cut()], b"\x1bd\x06\x1dV\x00"),
    ([Cut(partial=True)], b"\x1bd\x06\x1dV\x01"),
    ([Barcode("A017")], b"\x1ba\x01\x1dh\x50\x1dw\x02\x1dH\x02\x1dkI\x06{BA017\n"),
    ([Qr("AB", size=6)], b"\x1ba\x01"
        b"\x1d(k\x04\x001A2\x00"   # model 2
        b"\x1d(k\x03\x001C\x06"    # module size 6
        b"\x1d(k\x03\x001E0"       # error correction L
        b"\x1d(k\x05\x001P0AB"     # store "AB"
        b"\x1d(k\x03\x001Q0"       # print
        b"\n"),
]


@pytest.mark.parametrize("blocks,expected", CASES)
def test_blocks_encode_byte_exact(blocks, expected):
    assert encode_blocks(blocks) == b"\x1b@\x1c&" + expected


def test_text_line_is_gb18030_and_drops_control_characters():
    assert text_line("窗口\x1b@1") == "窗口@1".encode("gb18030") + b"\n"


def test_char_size_limits():
    assert char_size(8, 8) == b"\x1d!\x77"
    with pytest.raises(ValueError):
        char_size(0, 1)


def test_code128_rejects_non_ascii():
    with pytest.raises(ValueError):
        code128("号")


def test_ticket_bytes_parse_back_into_known_commands(ticket):
    commands, rest = split_commands(encode_blocks(ticket_blocks(ticket)))
    kinds = [c.kind for c in commands]
    assert rest == b""
    assert kinds[:2] == ["init", "chinese_on"] and kinds[-1] == "cut"
    assert kinds.count("code2d") == 5
