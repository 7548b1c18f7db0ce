"""The one masking rule on every kind of number it must hide, and on what it must leave alone."""
from __future__ import annotations

import hashlib

import pytest

from privacy import mask_id, mask_phone, mask_text
from tests.support.personal import personal_numbers

NUMBERS = personal_numbers(7)


@pytest.mark.parametrize("kind", sorted(NUMBERS))
def test_every_kind_of_number_is_masked_in_free_text(kind):
    number = NUMBERS[kind]
    text = f"预约号 {number}，请核对 / code={number}; ({number})"
    masked = mask_text(text)
    assert number not in masked
    expected = mask_phone(number) if kind == "phone" else mask_id(number)
    assert masked == text.replace(number, expected)


def test_the_kinds_have_the_shapes_the_rule_is_written_for():
    assert len(NUMBERS["resident"]) == 18 and len(NUMBERS["permit_hmt"]) == 18
    assert NUMBERS["permit_hmt"][:2] in ("81", "82", "83")
    assert len(NUMBERS["foreigner_2023"]) == 18 and NUMBERS["foreigner_2023"].startswith("9")
    old = NUMBERS["foreigner_2017"]
    assert len(old) == 15 and old[:3].isalpha() and old[3:].isdigit()
    assert len(NUMBERS["resident_15"]) == 15 and len(NUMBERS["phone"]) == 11


def test_masks_keep_what_tells_two_records_apart():
    assert mask_id("110101199003071234") == "110101********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_text("电话 +86 13812345678") == "电话 +86 138****5678"
    assert mask_text("tel:8613812345678") == "tel:86138****5678"
    assert mask_text("11010119900307123x") == "110101********123x"
    assert mask_text("id110101199003071234.") == "id110101********1234."  # letters do not hide it


@pytest.mark.parametrize("text", [
    hashlib.sha256(b"x").hexdigest(),            # a digest without a long run of digits
    "1234567890123456789",                        # 19 digits: longer than any number masked
    "at 1767225600.123456",                       # a timestamp
    "A012 window 3 day 2026-01-05",
    "1101011990030712345",                        # 19 digits
    "ABCDUSA110101010101",                        # more letters than a nationality
])
def test_what_is_not_a_personal_number_is_left_alone(text):
    assert mask_text(text) == text
