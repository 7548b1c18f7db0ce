"""The masking rule itself (see the package's docstring): pure functions on strings."""
from __future__ import annotations

import re

__all__ = ["ID_LIKE", "PERSONAL_LIKE", "mask_id", "mask_name", "mask_phone", "mask_text"]

# Not part of a longer run of digits. Letters around a number do not protect it ("id110101..."
# is masked): a digest or key whose digits happen to form such a run is masked too, the safe side.
_B, _E = r"(?<![0-9])", r"(?![0-9])"
# 18 characters (17 digits and a check digit, X allowed): the resident ID number, the Hong Kong,
# Macau and Taiwan residence permits (810000/820000/830000...) and the 2023 foreigner permanent
# residence card (9...); or the old 15-digit numbers.
ID_LIKE = re.compile(rf"{_B}[0-9]{{17}}[0-9Xx]{_E}|{_B}[0-9]{{15}}{_E}")
# The foreigner permanent residence card of 2004-2017: 3 letters of the nationality, 12 digits.
FOREIGN_2017_LIKE = re.compile(rf"(?<![A-Za-z]){_B}[A-Za-z]{{3}}[0-9]{{12}}{_E}")
# A mainland mobile number: 11 digits starting with 1 (optionally written +86 / 86 first).
PHONE_LIKE = re.compile(rf"{_B}(?:\+?86[- ]?)?1[0-9]{{10}}{_E}")
PERSONAL_LIKE = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in (
    ("id", ID_LIKE), ("foreign", FOREIGN_2017_LIKE), ("phone", PHONE_LIKE))))


def mask_id(number: str) -> str:
    """Keep the first 6 and the last 4 characters: 110101********1234.

    Shorter values (pass numbers, card numbers) keep less: over 10 characters the first 6
    and last 4 would still show too much of a short number, so up to 12 characters only the
    last 2 are kept, and 4 characters or fewer are masked whole."""
    if not number:
        return ""
    s = str(number)
    if len(s) > 12:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    if len(s) > 4:
        return "*" * (len(s) - 2) + s[-2:]
    return "*" * len(s)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and the last 4 digits of a mobile number: 138****5678 (a +86 prefix stays)."""
    if not phone:
        return ""
    s = str(phone)
    prefix = ""
    if len(s) > 11 and s[-11] == "1":
        prefix, s = s[:-11], s[-11:]
    if len(s) == 11:
        return prefix + s[:3] + "****" + s[-4:]
    return mask_id(s)


def mask_name(name: str) -> str:
    """Keep the family name's first character: 张三丰 -> 张**."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _mask_match(m: re.Match) -> str:
    return mask_phone(m.group(0)) if m.lastgroup == "phone" else mask_id(m.group(0))


def mask_text(text: str) -> str:
    """Free text with every run shaped like an ID number (`mask_id`) or a mobile number
    (`mask_phone`) masked."""
    return PERSONAL_LIKE.sub(_mask_match, text)
