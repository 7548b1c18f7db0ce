"""Modbus RTU framing of the 7-segment emulator: reference frames and properties."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ProtocolError
from drivers.display import rtu

# "01 03 00 00 00 01 84 0A" is the textbook read-one-register request (Modbus over serial line guide).
READ_ONE = bytes.fromhex("01 03 00 00 00 01 84 0A")


def test_reference_request():
    assert rtu.decode_request(READ_ONE) == rtu.Request(1, rtu.READ_HOLDING, 0, count=1)
    assert rtu.encode_request(rtu.Request(1, rtu.READ_HOLDING, 0, count=1)) == READ_ONE


TABLE = [
    rtu.Request(1, rtu.WRITE_SINGLE, 0x0000, values=(12,)),
    rtu.Request(1, rtu.WRITE_SINGLE, 0x0004, values=(2,)),
    rtu.Request(7, rtu.WRITE_MULTIPLE, 0x0080, count=4, values=(0x3F, 0x06, 0x5B, 0x4F)),
]


@pytest.mark.parametrize("req", TABLE)
def test_requests(req):
    data = rtu.encode_request(req)
    assert rtu.decode_request(data) == req
    assert rtu.split_requests(bytearray(data)) == [req]


def test_replies():
    assert rtu.encode_write_reply(TABLE[0])[:6] == bytes.fromhex("01 06 00 00 00 0C")
    assert rtu.encode_read_reply(1, [12])[:5] == bytes.fromhex("01 03 02 00 0C")
    assert rtu.encode_exception(1, 6, 4)[:3] == bytes.fromhex("01 86 04")


@pytest.mark.parametrize("bad", [READ_ONE[:-1] + b"\x00", READ_ONE[:5], bytes.fromhex("01 2B 0E 01 00"),
                                 rtu.encode_request(TABLE[2])[:-3]])
def test_bad_requests(bad):
    with pytest.raises(ProtocolError):
        rtu.decode_request(bad)


requests = st.one_of(
    st.builds(lambda s, a, c: rtu.Request(s, rtu.READ_HOLDING, a, count=c),
              st.integers(1, 247), st.integers(0, 0xFFFF), st.integers(1, 125)),
    st.builds(lambda s, a, v: rtu.Request(s, rtu.WRITE_MULTIPLE, a, count=len(v), values=tuple(v)),
              st.integers(1, 247), st.integers(0, 0xFF00), st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=16)),
)


@given(requests)
def test_round_trip(req):
    assert rtu.decode_request(rtu.encode_request(req)) == req


@given(st.binary(max_size=64))
def test_garbage(data):
    buf = bytearray(data)
    for item in rtu.split_requests(buf):
        assert isinstance(item, (rtu.Request, ProtocolError))
    try:
        rtu.decode_request(data)
    except ProtocolError:
        pass
