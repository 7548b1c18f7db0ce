"""Protocol tables and properties. The exact frames come from the spec
(/work/shared/specs/idcard-sam-serial.md, "Commands and exact frames", checksums verified)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.core.errors import Action, HardwareError, ProtocolError, UserError
from drivers.idcard import protocol as p
from drivers.idcard.errors import CardReadFailed, NoCard, SamFault, SamReceiveError

H = bytes.fromhex

# Request frames, from the spec's table.
REQUESTS = [
    (p.reset_sam, "AA AA AA 96 69 00 03 10 FF EC"),
    (p.sam_status, "AA AA AA 96 69 00 03 11 FF ED"),
    (p.sam_id, "AA AA AA 96 69 00 03 12 FF EE"),
    (p.find_card, "AA AA AA 96 69 00 03 20 01 22"),
    (p.select_card, "AA AA AA 96 69 00 03 20 02 21"),
    (p.read_base, "AA AA AA 96 69 00 03 30 01 32"),
    (p.read_new_address, "AA AA AA 96 69 00 03 30 03 30"),
    (p.read_with_fingerprint, "AA AA AA 96 69 00 03 30 10 23"),
]


@pytest.mark.parametrize("build,frame", REQUESTS)
def test_request_frames_match_spec(build, frame):
    assert build() == H(frame)


@pytest.mark.parametrize("baud,code", [(115200, 0), (57600, 1), (38400, 2), (19200, 3), (9600, 4)])
def test_baud_command(baud, code):
    frame = p.set_baud(baud)
    assert frame[7:9] == bytes([0x60, code])
    assert p.decode_frame(frame) == bytes([0x60, code])


def test_baud_unknown_rejected():
    with pytest.raises(ValueError):
        p.set_baud(12345)


# Reply frames from the spec's table.
def test_reset_success_reply():
    assert p.parse_simple(p.parse_response(p.decode_frame(H("AA AA AA 96 69 00 04 00 00 90 94")))) is None


def test_sam_selftest_failed_is_hardware_error_for_technician():
    response = p.parse_response(p.decode_frame(H("AA AA AA 96 69 00 04 00 00 60 64")))
    with pytest.raises(SamFault) as info:
        p.parse_simple(response)
    assert isinstance(info.value, HardwareError) and info.value.action is Action.TECHNICIAN


def test_find_found_and_not_found():
    assert p.parse_find(p.parse_response(p.decode_frame(H("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"))))
    assert not p.parse_find(p.parse_response(p.decode_frame(H("AA AA AA 96 69 00 04 00 00 80 84"))))


def test_select_failure_and_read_failure():
    with pytest.raises(CardReadFailed):
        p.parse_select(p.parse_response(p.decode_frame(H("AA AA AA 96 69 00 04 00 00 81 85"))))
    with pytest.raises(CardReadFailed) as info:
        p.parse_read(p.parse_response(p.decode_frame(H("AA AA AA 96 69 00 04 00 00 41 45"))))
    assert info.value.action is Action.CITIZEN


def test_select_reply_with_8_bytes():
    frame = p.build_response(0x90, bytes(8))
    assert frame[:10] == H("AA AA AA 96 69 00 0C 00 00 90")
    assert p.parse_select(p.parse_response(p.decode_frame(frame))) == bytes(8)


def test_read_reply_layout():
    text, photo = bytes(range(256)), b"WLf" + bytes(1021)
    frame = p.build_response(0x90, H("01 00 04 00") + text + photo)
    assert len(frame) == 1295                                           # spec: 1295 bytes in total
    assert frame[:14] == H("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")  # spec: header
    record = p.parse_read(p.parse_response(p.decode_frame(frame)))
    assert record.text == text and record.photo == photo and record.fingerprint == b""
    assert "WLf" not in repr(record)


@pytest.mark.parametrize("finger,total", [(1024, 2321), (512, 1809), (0, 1297)])
def test_read_with_fingerprint_lengths(finger, total):
    frame = p.build_response(0x90, H("01 00 04 00") + finger.to_bytes(2, "big") + bytes(1280 + finger))
    assert len(frame) == total
    if finger == 1024:
        assert frame[:16] == H("AA AA AA 96 69 09 0A 00 00 90 01 00 04 00 04 00")
    record = p.parse_read(p.parse_response(p.decode_frame(frame)), with_fingerprint=True)
    assert len(record.fingerprint) == finger


def test_new_address_and_none():
    frame = p.build_response(0x90, p.encode_ucs2("示例市幸福路1号", 70))
    assert p.parse_new_address(p.parse_response(p.decode_frame(frame))) == "示例市幸福路1号"
    assert p.parse_new_address(p.parse_response(p.decode_frame(p.build_response(0x91)))) is None


def test_sam_id_reply():
    data = (5).to_bytes(2, "little") + (1).to_bytes(2, "little") + (20101028).to_bytes(4, "little") \
        + (12345678).to_bytes(4, "little") + (1234567890).to_bytes(4, "little")
    frame = p.build_response(0x90, data)
    assert frame[5:7] == H("00 14")                                        # spec: LEN 0014
    assert p.parse_sam_id(p.parse_response(p.decode_frame(frame))) == "05.01-20101028-0012345678-1234567890"


# Every SW3 of the spec maps to a result or a typed error with the right base and action.
STATUS_TABLE = [
    (0x10, SamReceiveError, ProtocolError, Action.NONE),
    (0x11, SamReceiveError, ProtocolError, Action.NONE),
    (0x21, ProtocolError, ProtocolError, Action.TECHNICIAN),
    (0x23, SamFault, HardwareError, Action.TECHNICIAN),
    (0x24, ProtocolError, ProtocolError, Action.NONE),
    (0x31, UserError, UserError, Action.STAFF),
    (0x32, UserError, UserError, Action.STAFF),
    (0x33, UserError, UserError, Action.STAFF),
    (0x40, UserError, UserError, Action.CITIZEN),
    (0x41, CardReadFailed, UserError, Action.CITIZEN),
    (0x47, CardReadFailed, UserError, Action.CITIZEN),
    (0x60, SamFault, HardwareError, Action.TECHNICIAN),
    (0x66, SamFault, HardwareError, Action.TECHNICIAN),
    (0x80, NoCard, UserError, Action.CITIZEN),
    (0x81, CardReadFailed, UserError, Action.CITIZEN),
]


@pytest.mark.parametrize("sw3,cls,base,action", STATUS_TABLE)
def test_status_errors(sw3, cls, base, action):
    err = p.status_error(sw3)
    assert isinstance(err, cls) and isinstance(err, base)
    assert err.action is action and err.sw3 == sw3 and f"{sw3:02X}" in str(err)


def test_result_statuses_are_not_errors():
    assert p.expect(p.Response(0x90), 0x90).status == 0x90
    assert p.parse_find(p.Response(0x9F)) is True


# -- the stream framer -------------------------------------------------------------------
def test_framer_resyncs_after_garbage_and_split_reads():
    reply = H("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    stream = b"\x00\xaa\xaa\x13\x11" + reply + H("AA AA AA 96 69 00 04 00 00 90 94")
    decoder = p.FrameDecoder()
    bodies = []
    for i in range(len(stream)):           # one byte at a time, as a slow line delivers it
        decoder.feed(stream[i:i + 1])
        body = decoder.next_body()
        if body is not None:
            bodies.append(body)
    assert bodies == [H("00 00 9F 00 00 00 00"), H("00 00 90")]


def test_framer_bad_checksum_then_good_frame():
    bad = H("AA AA AA 96 69 00 04 00 00 90 95")
    good = H("AA AA AA 96 69 00 04 00 00 80 84")
    decoder = p.FrameDecoder()
    decoder.feed(bad + good)
    with pytest.raises(p.FrameError):
        decoder.next_body()
    assert decoder.next_body() == H("00 00 80")


def test_framer_rejects_implausible_length():
    decoder = p.FrameDecoder()
    decoder.feed(H("AA AA AA 96 69 FF FF 00"))
    with pytest.raises(ProtocolError):
        decoder.next_body()


def test_frames_with_xon_xoff_bytes_survive():
    body = bytes([0x30, 0x01]) + b"\x11\x13" * 10
    assert p.decode_frame(p.build_frame(body)) == body


# -- properties: a result or a ProtocolError, never anything else, never a hang ------------
def _parse_any(frame: bytes) -> None:
    response = p.parse_response(p.decode_frame(frame))
    for parser in (p.parse_simple, p.parse_find, p.parse_select, p.parse_sam_id,
                   p.parse_read, p.parse_new_address):
        try:
            parser(response)
        except (ProtocolError, HardwareError, UserError):
            pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_result_or_protocol_error(data):
    try:
        _parse_any(data)
    except ProtocolError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([p.build_response(0x90, bytes(8)), p.build_response(0x9F, bytes(4)),
                        p.build_response(0x90, bytes(range(16))), p.build_response(0x91),
                        p.build_response(0x90, bytes(4) + bytes(1280))]),
       st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), max_size=4),
       st.integers(0, 2000))
def test_mutated_frames_give_result_or_protocol_error(frame, flips, cut):
    data = bytearray(frame)
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    try:
        _parse_any(bytes(data[:cut] if cut < len(data) else data))
    except ProtocolError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=20))
def test_framer_always_consumes_input(chunks):
    decoder = p.FrameDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
        for _ in range(len(chunk) + 2):        # bounded: each call consumes or waits
            try:
                if decoder.next_body() is None:
                    break
            except ProtocolError:
                pass
    assert decoder.pending <= sum(map(len, chunks))
