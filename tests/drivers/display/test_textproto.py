"""The text display protocol: byte-exact tables and properties."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ProtocolError
from drivers.display import textproto as tp
from drivers.display.crc import crc16_modbus

# The worked example of docs/display-protocol.md: call ticket A001 to window 3 on display 1, seq 7.
EXAMPLE = bytes.fromhex("AA 55 01 01 07 00 06 33 1F 41 30 30 31 42 0B")


def test_crc_check_value():
    assert crc16_modbus(b"123456789") == 0x4B37  # the catalogue check value of CRC-16/MODBUS


def test_worked_example_is_byte_exact():
    frame = tp.Frame(1, tp.Cmd.CALL, 7, tp.call_payload(3, "A001"))
    assert tp.encode_frame(frame) == EXAMPLE
    assert tp.decode_frame(EXAMPLE) == frame


FRAMES = [
    (tp.Frame(0xFF, tp.Cmd.CLEAR, 0), "AA 55 FF 03 00 00 00"),
    (tp.Frame(2, tp.Cmd.BRIGHTNESS, 1, tp.byte_payload(50, 0, 100)), "AA 55 02 04 01 00 01 32"),
    (tp.Frame(1, tp.Cmd.TEXT, 9, tp.text_payload(1, "暂停")), "AA 55 01 02 09 00 05 01 D4 DD CD A3"),
]


@pytest.mark.parametrize("frame,head", FRAMES)
def test_frame_table(frame, head):
    data = tp.encode_frame(frame)
    assert data[:-2] == bytes.fromhex(head)
    assert tp.decode_frame(data) == frame


def test_replies():
    data = tp.encode_reply(1, tp.Cmd.CALL, 7, tp.Status.OK)
    reply = tp.parse_reply(tp.decode_frame(data))
    assert data[:8] == bytes.fromhex("AA 55 01 81 07 00 01 00")
    assert (reply.cmd, reply.seq, reply.status, reply.data) == (tp.Cmd.CALL, 7, 0, b"")
    with pytest.raises(ProtocolError):
        tp.parse_reply(tp.decode_frame(EXAMPLE))  # a command is not a reply


def test_payloads():
    assert tp.parse_call(tp.call_payload("12", "B120")) == ("12", "B120")
    assert tp.parse_text(tp.text_payload(2, "请到3号窗口")) == (2, "请到3号窗口")
    state = tp.DisplayState(flags=1, brightness=40, blink_s=3, lines=("A001", "请到3号窗口"))
    assert tp.parse_status_data(tp.status_data(state)) == state
    assert tp.parse_status_data(tp.status_data(tp.DisplayState())) == tp.DisplayState()
    assert state.led_fault and not state.over_temperature


@pytest.mark.parametrize("bad", [
    lambda: tp.call_payload("", "A001"), lambda: tp.call_payload(3, "A\x1f1"), lambda: tp.text_payload(9, "x"),
    lambda: tp.text_payload(0, "a\x1eb"), lambda: tp.byte_payload(101, 0, 100), lambda: tp.parse_byte(b"\x01\x02"),
    lambda: tp.encode_frame(tp.Frame(256, 1, 0)), lambda: tp.encode_frame(tp.Frame(1, 1, 0, bytes(1025))),
    lambda: tp.decode_frame(EXAMPLE[:-1] + b"\x00"), lambda: tp.decode_frame(EXAMPLE + b"\x00"),
    lambda: tp.parse_call("只有一段".encode("gb18030")), lambda: tp.parse_text(b""),
    lambda: tp.parse_status_data(b"\x00\x01"), lambda: tp.text_payload(0, "\udcff"),
])
def test_bad_input_is_protocol_error(bad):
    with pytest.raises(ProtocolError):
        bad()


frames = st.builds(tp.Frame, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255),
                   st.binary(max_size=300))


@given(frames)
def test_round_trip(frame):
    assert tp.decode_frame(tp.encode_frame(frame)) == frame


@given(st.binary(max_size=200))
def test_decode_garbage_only_protocol_error(data):
    try:
        tp.decode_frame(data)
    except ProtocolError:
        pass


@given(st.lists(frames, max_size=4), st.binary(max_size=40), st.integers(1, 17))
def test_buffer_finds_frames_in_garbage_and_chunks(items, garbage, chunk):
    stream = garbage.replace(b"\xAA", b"") + b"".join(tp.encode_frame(f) for f in items)
    buffer = tp.FrameBuffer()
    found = []
    for i in range(0, len(stream), chunk):
        found += buffer.feed(stream[i:i + chunk])
    assert [f for f in found if isinstance(f, tp.Frame)] == items


@given(st.binary(max_size=400))
def test_buffer_never_raises(data):
    for item in tp.FrameBuffer().feed(data):
        assert isinstance(item, (tp.Frame, ProtocolError))
