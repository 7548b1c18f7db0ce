"""Card text blocks, ID numbers and masking. The public example numbers come from the spec."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.core.errors import ProtocolError
from drivers.idcard.cards import LONG_TERM, CardType, parse_text_block
from drivers.idcard.idnumber import check_digit, id_number_problems, is_valid_id_number, mask_id
from drivers.idcard.synthetic import encode_text_block, generate_card

# Public valid/invalid examples listed in the spec (from an open-source utility library's tests).
VALID = ["321083197812162119", "33010219200403064X", "81000019980902013X", "820000200009100032",
         "830000200209060065", "932682198501010017"]


@pytest.mark.parametrize("number", VALID)
def test_public_valid_numbers(number):
    assert is_valid_id_number(number, today=date(2026, 1, 1))
    assert check_digit(number[:17]) == number[17]


def test_public_invalid_numbers():
    assert id_number_problems("3301022011022000D6") == ["bad_format"]
    assert "impossible_birth_date" in id_number_problems("201511221897205960", today=date(2026, 1, 1))
    assert "bad_check_digit" in id_number_problems("321083197812162118", today=date(2026, 1, 1))


def test_birth_date_and_gender_consistency():
    number = "321083197812162119"                       # 17th digit 1: male, born 1978-12-16
    assert id_number_problems(number, birth_date=date(1978, 12, 16), gender_code="1") == []
    assert id_number_problems(number, birth_date=date(1978, 12, 17)) == ["birth_date_mismatch"]
    assert id_number_problems(number, gender_code="2") == ["gender_mismatch"]


def test_mask_id_keeps_first_6_and_last_4():
    assert mask_id("321083197812162119") == "321083********2119"
    assert mask_id("") == ""


@pytest.mark.parametrize("card_type", list(CardType))
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_type_round_trips_and_is_consistent(card_type, seed):
    emulated = generate_card(card_type, seed)
    card = parse_text_block(emulated.text)
    assert card.card_type is card_type
    assert card.to_dict(masked=False) == emulated.card.to_dict(masked=False)
    assert card.problems(date(2026, 1, 1)) == []
    assert emulated.photo.startswith(b"WLf") and len(emulated.photo) == 1024
    assert len(emulated.text) == 256


def test_type_marks_and_fields():
    for card_type, mark in [(CardType.RESIDENT, b" \x00"), (CardType.PERMIT_HMT, b"J\x00"),
                            (CardType.FOREIGNER_2017, b"I\x00"), (CardType.FOREIGNER_2023, b"Y\x00")]:
        assert generate_card(card_type).text[248:250] == mark
    permit = parse_text_block(generate_card(CardType.PERMIT_HMT).text)
    assert permit.id_number[:2] in ("81", "82", "83") and permit.pass_number and permit.issue_count
    f2017 = parse_text_block(generate_card(CardType.FOREIGNER_2017).text)
    assert len(f2017.id_number) == 15 and f2017.english_name and len(f2017.nationality) == 3
    f2023 = parse_text_block(generate_card(CardType.FOREIGNER_2023).text)
    assert f2023.id_number.startswith("9") and f2023.english_name and f2023.nationality


def test_long_term_validity_and_nation_name():
    card = parse_text_block(generate_card(CardType.RESIDENT, 5, long_term=True).text)
    assert card.valid_to == LONG_TERM and card.long_term
    assert card.to_dict()["valid_to"] == "长期"
    assert card.nation in ("汉", "回", "壮", "满")


def test_to_dict_keys_and_masking():
    card = parse_text_block(generate_card(CardType.RESIDENT, 7).text)
    masked, plain = card.to_dict(), card.to_dict(masked=False)
    for key in ("card_type", "name", "gender", "nation", "birth_date", "address", "id_number",
                "issuer", "valid_from", "valid_to"):
        assert key in masked
    assert plain["id_number"] == card.id_number
    assert masked["id_number"] == mask_id(card.id_number) != card.id_number
    assert masked["birth_date"] == card.birth_date.isoformat()


@pytest.mark.parametrize("card_type", list(CardType))
def test_repr_and_str_never_show_name_or_number(card_type):
    card = parse_text_block(generate_card(card_type, 3).text)
    for text in (repr(card), str(card), f"{card}", repr([card])):
        assert card.id_number not in text and card.name not in text
        assert card.id_number[-4:] in text


def test_bad_blocks_raise_protocol_errors():
    block = bytearray(generate_card(CardType.RESIDENT).text)
    block[248] = ord("Q")
    with pytest.raises(ProtocolError):
        parse_text_block(bytes(block))
    with pytest.raises(ProtocolError):
        parse_text_block(b"\x20\x00" * 100)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=256, max_size=256), st.sampled_from([b" \x00", b"J\x00", b"I\x00", b"Y\x00"]))
def test_random_blocks_give_card_or_protocol_error(data, mark):
    block = data[:248] + mark + data[250:]
    try:
        parse_text_block(block)
    except ProtocolError:
        pass


def test_encode_is_inverse_of_parse():
    emulated = generate_card(CardType.FOREIGNER_2023, 9)
    assert encode_text_block(parse_text_block(emulated.text)) == emulated.text
