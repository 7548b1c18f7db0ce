"""The ESC/POS parser: tables of frames, then random and mutated streams."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.core.errors import ProtocolError
from drivers.escpos.commands import Cut, Line, Qr, encode_blocks
from drivers.escpos.protocol import (
    Command,
    StatusBytes,
    StreamDecoder,
    check_status_byte,
    split_commands,
    status_bytes_for,
    status_query,
)

# Frames as python-escpos 3.1 sends them (escpos/constants.py) or as the Epson
# ESC/POS reference defines them.
TABLE = [
    (b"\x1b@", Command("init")),
    (b"\x1c&", Command("chinese_on")),
    (b"\x1c.", Command("chinese_off")),
    (b"\x1ba\x01", Command("align", (1,))),
    (b"\x1bE\x01", Command("bold", (1,))),
    (b"\x1b!\x30", Command("print_mode", (0x30,))),
    (b"\x1d!\x11", Command("char_size", (0x11,))),
    (b"\x1bd\x06", Command("feed_lines", (6,))),
    (b"\x1dV\x00", Command("cut", (0, 0))),
    (b"\x1dV\x01", Command("cut", (1, 0))),
    (b"\x1dVB\x00", Command("cut", (0, 0))),  # python-escpos cut(feed=False)
    (b"\x1dVA\x03", Command("cut", (1, 3))),
    (b"\x10\x04\x01", Command("status", (1,))),
    (b"\x10\x04\x04", Command("status", (4,))),
    (b"\x1d(k\x03\x001C\x06", Command("code2d", (49, 67), b"\x06")),
    (b"\x1d(k\x05\x001P0AB", Command("code2d", (49, 80), b"0AB")),
    (b"\x1dkI\x06{BA017", Command("barcode", (73,), b"{BA017")),
    (b"\x1dk\x04A017\x00", Command("barcode", (4,), b"A017")),
    (b"\x1dv0\x00\x01\x00\x02\x00\xff\x00", Command("raster", (0, 1, 2), b"\xff\x00")),
    (b"\x1b*\x00\x02\x00\xaa\x55", Command("column_image", (0, 2), b"\xaa\x55")),
    ("前面".encode("gb18030"), Command("text", data="前面".encode("gb18030"))),
    (b"\n", Command("lf")),
]


@pytest.mark.parametrize("frame,expected", TABLE, ids=[t[1].kind + "-" + t[0][:4].hex() for t in TABLE])
def test_table(frame, expected):
    commands, rest = split_commands(frame)
    assert commands == [expected] and rest == b""
    assert commands[0].raw == frame


@pytest.mark.parametrize("frame", [b"\x1b\xff", b"\x1dV\x07", b"\x1dk\x63", b"\x1d(Z\x02\x00ab", b"\x1dv1",
                                   b"\x01", b"\x1d(k\x01\x00x", b"\x1dv0\x00\xff\xff\xff\xff"])
def test_bad_frames(frame):
    with pytest.raises(ProtocolError):
        split_commands(frame)


@pytest.mark.parametrize("frame", [b"\x1b", b"\x1dv0\x00\x01\x00\x02\x00\xff", b"\x1d(k\x05\x001P0A", b"\x1dk\x04A0"])
def test_truncated_frames(frame):
    with pytest.raises(ProtocolError):
        split_commands(frame)
    assert split_commands(frame, final=False) == ([], frame)


def test_status_bytes_table():
    assert status_bytes_for("ok") == StatusBytes(0x12, 0x12, 0x12)
    assert status_bytes_for("near_end").paper == 0x1E  # python-escpos RT_MASK_LOWPAPER
    assert status_bytes_for("out").paper == 0x72  # python-escpos RT_MASK_NOPAPER
    assert status_bytes_for("cover_open").cover_open
    assert not status_bytes_for("offline").online
    assert status_query(2) == b"\x10\x04\x02"
    with pytest.raises(ProtocolError):
        check_status_byte(ord("H"))


TICKET = encode_blocks([Line("A017", align="center", size=2), Line("前面还有 5 人：约¥"), Qr("https://q.example.cn/t/1"), Cut()])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_streams_parse_or_raise(data):
    try:
        commands, rest = split_commands(data, final=False)
    except ProtocolError:
        return
    assert b"".join(c.raw for c in commands) + rest == data


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_ticket_never_hangs_and_decoder_recovers(data):
    stream = bytearray(TICKET)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(stream) - 1))
        stream[pos] = data.draw(st.integers(0, 255))
    try:
        split_commands(bytes(stream))
    except ProtocolError:
        pass
    decoder = StreamDecoder()
    cut = data.draw(st.integers(0, len(stream)))
    first, _ = decoder.feed(bytes(stream[:cut]))
    second, _ = decoder.feed(bytes(stream[cut:]))
    assert all(isinstance(c, Command) for c in first + second)


def _merged(commands: list[Command]) -> list[tuple]:
    """Text may arrive in pieces; compare the stream with adjacent text joined."""
    out: list[tuple] = []
    for c in commands:
        if c.kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", (), out[-1][2] + c.data)
        else:
            out.append((c.kind, c.params, c.data))
    return out


def test_decoder_handles_split_points():
    whole, _ = split_commands(TICKET)
    for cut in range(len(TICKET) + 1):
        decoder = StreamDecoder()
        a, _ = decoder.feed(TICKET[:cut])
        b, errors = decoder.feed(TICKET[cut:])
        assert _merged(a + b) == _merged(whole) and errors == []
