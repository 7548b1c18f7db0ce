"""Write numbers out so that the speech engine reads them the way a hall announces them.

Ticket numbers are read digit by digit with their letter kept ("A001" -> "A零零一",
"A zero zero one"); window numbers are read as cardinals ("12" -> "十二", "twelve").
Pure functions: they return text or raise ValueError naming what was wrong.
"""
from __future__ import annotations

import re

DIGITS_ZH = "零一二三四五六七八九"
DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS_EN = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen")
TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
UNITS_ZH = ("", "十", "百", "千")
MAX_CARDINAL = 99_999_999

_TICKET = re.compile(r"[A-Za-z]{0,3}[0-9]{1,8}")


def _check_ticket(ticket: str) -> str:
    ticket = str(ticket).strip()
    if not _TICKET.fullmatch(ticket):
        raise ValueError(f"ticket number {ticket!r} must be up to 3 letters then 1-8 digits, e.g. A001")
    return ticket.upper()


def ticket_zh(ticket: str) -> str:
    """'A001' -> 'A零零一': letters kept, each digit written out."""
    return "".join(DIGITS_ZH[int(c)] if c.isdigit() else c for c in _check_ticket(ticket))


def ticket_en(ticket: str) -> str:
    """'A001' -> 'A zero zero one': letters kept, each digit a word."""
    return " ".join(DIGITS_EN[int(c)] if c.isdigit() else c for c in _check_ticket(ticket))


def _as_int(number: int | str) -> int:
    if isinstance(number, bool):
        raise ValueError(f"{number!r} is not a number")
    if isinstance(number, str):
        text = number.strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(f"{number!r} is not a whole number written in digits")
        number = int(text)
    if not isinstance(number, int) or not 0 <= number <= MAX_CARDINAL:
        raise ValueError(f"{number!r} must be a whole number from 0 to {MAX_CARDINAL}")
    return number


def _below_10000_zh(n: int) -> str:
    """0 < n < 10000, with 零 for skipped places ('一百零一', '一千零一十')."""
    out = []
    pending_zero = False
    for place in (3, 2, 1, 0):
        digit = n // 10 ** place % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS_ZH[digit] + UNITS_ZH[place])
    return "".join(out)


def cardinal_zh(number: int | str) -> str:
    """3 -> '三', 12 -> '十二', 105 -> '一百零五', 20000 -> '二万'."""
    n = _as_int(number)
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    text = ""
    if high:
        text = _below_10000_zh(high) + "万"
        if low and low < 1000:
            text += "零"
    if low:
        text += _below_10000_zh(low)
    # 10-19 are said "十", "十二", not "一十二"; only when the number starts with it.
    if text.startswith("一十"):
        text = text[1:]
    return text


def _below_1000_en(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [DIGITS_EN[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(TENS_EN[tens] + (f"-{DIGITS_EN[ones]}" if ones else ""))
    elif rest >= 10:
        words.append(TEENS_EN[rest - 10])
    elif rest:
        words.append(DIGITS_EN[rest])
    return words


def cardinal_en(number: int | str) -> str:
    """3 -> 'three', 12 -> 'twelve', 105 -> 'one hundred five'."""
    n = _as_int(number)
    if n == 0:
        return "zero"
    words: list[str] = []
    for value, name in ((1_000_000, "million"), (1000, "thousand")):
        chunk, n = divmod(n, value)
        if chunk:
            words += _below_1000_en(chunk) + [name]
    words += _below_1000_en(n)
    return " ".join(words)


def window_zh(window: int | str) -> str:
    """Window numbers are cardinals: '3' -> '三', '12' -> '十二'."""
    return cardinal_zh(window)


def window_en(window: int | str) -> str:
    return cardinal_en(window)
