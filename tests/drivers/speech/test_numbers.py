"""Numbers written out for announcements: tables and properties."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from drivers.speech.numbers import (DIGITS_ZH, MAX_CARDINAL, cardinal_en, cardinal_zh, ticket_en, ticket_zh, window_en,
                                    window_zh)

TICKETS = [
    ("A001", "A零零一", "A zero zero one"),
    ("a001", "A零零一", "A zero zero one"),
    ("B120", "B一二零", "B one two zero"),
    ("7", "七", "seven"),
    ("VIP09", "VIP零九", "V I P zero nine"),
]

CARDINALS_ZH = [
    (0, "零"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"),
    (101, "一百零一"), (110, "一百一十"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
    (10000, "一万"), (10001, "一万零一"), (100010, "十万零一十"), (110000, "十一万"),
    (12345678, "一千二百三十四万五千六百七十八"),
]

CARDINALS_EN = [(0, "zero"), (3, "three"), (12, "twelve"), (21, "twenty-one"), (105, "one hundred five"),
                (2000, "two thousand")]


@pytest.mark.parametrize("ticket,zh,en", TICKETS)
def test_ticket_table(ticket, zh, en):
    assert ticket_zh(ticket) == zh
    assert ticket_en(ticket) == en


@pytest.mark.parametrize("n,text", CARDINALS_ZH)
def test_cardinal_zh_table(n, text):
    assert cardinal_zh(n) == text
    assert cardinal_zh(str(n)) == text


@pytest.mark.parametrize("n,text", CARDINALS_EN)
def test_cardinal_en_table(n, text):
    assert cardinal_en(n) == text


def test_windows():
    assert window_zh("3") == "三" and window_zh("12") == "十二"
    assert window_en(12) == "twelve"


@pytest.mark.parametrize("bad", ["", "A-01", "ABCD1", "A", "１２", "A001 ", "1.5"])
def test_bad_tickets(bad):
    if bad == "A001 ":  # surrounding blanks are tolerated
        assert ticket_zh(bad) == "A零零一"
        return
    with pytest.raises(ValueError):
        ticket_zh(bad)


@pytest.mark.parametrize("bad", [-1, MAX_CARDINAL + 1, "x", "１２", True, 1.5, ""])
def test_bad_cardinals(bad):
    with pytest.raises(ValueError):
        cardinal_zh(bad)


def parse_zh(text: str) -> int:
    """An independent reader of Chinese cardinals, to check the writer."""
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in DIGITS_ZH:
            digit = DIGITS_ZH.index(ch)
        elif ch in units:
            section += (digit or 1) * units[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
    return total + section + digit


@given(st.integers(min_value=0, max_value=MAX_CARDINAL))
def test_cardinal_zh_round_trip(n):
    text = cardinal_zh(n)
    assert parse_zh(text) == n
    assert "零零" not in text
    assert n == 0 or not text.endswith("零")


@given(st.from_regex(r"[A-Z]{0,3}[0-9]{1,8}", fullmatch=True))
def test_ticket_digit_by_digit(ticket):
    zh = ticket_zh(ticket)
    assert len(zh) == len(ticket)
    back = "".join(str(DIGITS_ZH.index(c)) if c in DIGITS_ZH else c for c in zh)
    assert back == ticket
    assert len(ticket_en(ticket).split()) == len(ticket)


@given(st.text(max_size=12))
def test_ticket_never_raises_anything_else(text):
    try:
        ticket_zh(text)
    except ValueError:
        pass


@given(st.integers(min_value=0, max_value=MAX_CARDINAL))
def test_cardinal_en_words(n):
    words = cardinal_en(n)
    assert words and "  " not in words and not words.startswith(" ")
