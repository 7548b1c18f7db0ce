"""APDU building and parsing: tables of frames and property tests."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from drivers.smartcard import apdu, records
from drivers.smartcard.cards import SocialSecurityCard
from drivers.smartcard.errors import ApduError

# Frames from the social security card public read flow and PC/SC part 3.
COMMANDS = [
    (apdu.select_aid(apdu.SOCIAL_SECURITY_AID), "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"),
    (apdu.select_file(apdu.EF05), "00A4020002EF05"),
    (apdu.select_file(apdu.EF06), "00A4020002EF06"),
    (apdu.read_record(0x07), "00B2070400"),
    (apdu.read_record(0x08, 0x14), "00B2080414"),
    (apdu.get_response(0x13), "00C0000013"),
    (apdu.verify_pin("123456"), "0020000003123456"),
    (apdu.verify_pin("12345"), "002000000312345F"),
    (apdu.GET_UID, "FFCA000000"),
    (apdu.GET_ATS, "FFCA010000"),
    (apdu.IDCARD_UID, "0036000008"),
    (apdu.with_le(bytes.fromhex("00B2080400"), 0x14), "00B2080414"),
    (apdu.with_le(bytes.fromhex("00B20804"), 0x14), "00B2080414"),
    (apdu.with_le(bytes.fromhex("00A4020002EF05"), 0), "00A4020002EF0500"),
]


@pytest.mark.parametrize("built,expected", COMMANDS)
def test_commands(built, expected):
    assert built.hex().upper() == expected


RESPONSES = [
    ("9000", b"", 0x9000, None, None),
    ("6113", b"", 0x6113, 0x13, None),
    ("6100", b"", 0x6100, 256, None),
    ("6C14", b"", 0x6C14, None, 0x14),
    ("070941303030303030303190 00", b"\x07\x09A00000001", 0x9000, None, None),
]


@pytest.mark.parametrize("raw,data,sw,more,exact", RESPONSES)
def test_responses(raw, data, sw, more, exact):
    resp = apdu.parse_response(bytes.fromhex(raw))
    assert (resp.data, resp.sw, apdu.more_data(resp), apdu.wrong_length(resp)) == (data, sw, more, exact)


@pytest.mark.parametrize("sw,needed,tries", [(0x6982, True, None), (0x6983, True, 0), (0x63C2, True, 2),
                                             (0x9000, False, None), (0x6A82, False, None)])
def test_pin_status_words(sw, needed, tries):
    assert apdu.pin_needed(sw) is needed and apdu.tries_left(sw) == tries


def test_fields():
    assert apdu.decode_bcd_date(bytes.fromhex("20310315")) == date(2031, 3, 15)
    assert apdu.decode_gbk(bytes.fromhex("CDF5B2E2CAD4") + b"\x00" * 24) == "王测试"
    assert apdu.parse_tlv_record(bytes.fromhex("0703414243"), 0x07) == b"ABC"
    assert apdu.decode_bcd(bytes.fromhex("110105")) == "110105"
    for bad in ("20311315", "2031AB15", "2031"):
        with pytest.raises(ApduError):
            apdu.decode_bcd_date(bytes.fromhex(bad))
    with pytest.raises(ApduError):
        apdu.parse_tlv_record(bytes.fromhex("080541"), 0x08)
    with pytest.raises(ApduError):
        apdu.parse_tlv_record(bytes.fromhex("0701"), 0x08)


def test_records_decode_and_mask():
    card = SocialSecurityCard()
    wrap = lambda f: {t: apdu.build_tlv_record(t, v) for t, v in f.items()}  # noqa: E731
    ssc = records.card_from_records(wrap(card.files[apdu.EF05]), wrap(card.files[apdu.EF06]))
    assert ssc.name == "王测试" and ssc.nation == "1" and ssc.sex == "1"
    masked = ssc.to_dict()
    assert masked["id_number"] == "110105********002X"  # the one masking rule: first 6, last 4 and masked["name"] == "王**"
    assert masked["birth_date"] is None
    assert ssc.to_dict(masked=False)["id_number"] == "11010519491231002X"
    assert records.mask_name("欧阳测") == "欧**" and records.mask_id_number("123") == "***"


@given(st.binary(max_size=300))
def test_parsers_return_or_raise_protocol_error(raw):
    for parse in (apdu.parse_response, apdu.decode_bcd_date, apdu.decode_gbk, apdu.decode_ascii,
                  apdu.decode_bcd, lambda r: apdu.parse_tlv_record(r, 0x09),
                  lambda r: records.card_from_records({0x05: r, 0x07: r})):
        try:
            parse(raw)
        except ApduError:
            pass


@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=255), st.one_of(st.none(), st.integers(0, 256)))
def test_command_layout(ins, p1, data, le):
    cmd = apdu.command(0x00, ins, p1, 0x00, data, le)
    body = cmd[4:]
    if data:
        assert body[0] == len(data) and body[1:1 + len(data)] == data
    assert len(cmd) == 4 + (1 + len(data) if data else 0) + (0 if le is None else 1)
    assert apdu.with_le(cmd, 0x20)[-1] == 0x20


@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)))
def test_bcd_date_roundtrip(value):
    assert apdu.decode_bcd_date(apdu.encode_bcd_date(value)) == value


@given(st.text(alphabet="王李张刘陈杨赵黄周吴测试欧阳", min_size=1, max_size=15))
def test_gbk_roundtrip(name):
    assert apdu.decode_gbk(apdu.encode_gbk(name, 30)) == name
