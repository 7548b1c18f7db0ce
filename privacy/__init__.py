"""One rule for masking personal data, used by every package of the suite.

The drivers (which import no hall package) and the hall protocol (which imports no driver)
both need it, so it lives here, a leaf of pure standard-library functions:

- an ID number keeps its first 6 and last 4 characters: 110101********1234 (region and
  check digits tell two records apart in a log, and nothing more);
- a name keeps its first character: 张**.

`mask_text` masks anything in free text shaped like an ID number (18 or 15 characters), so
a message that carries one by mistake is safe to log or publish.
"""
from __future__ import annotations

import re

__all__ = ["ID_LIKE", "mask_id", "mask_name", "mask_text"]

# 18 characters (17 digits and a check digit, X allowed), or the old 15-digit numbers, not part
# of a longer run of digits.
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])|(?<![0-9A-Za-z])[0-9]{15}(?![0-9A-Za-z])")


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


def mask_name(name: str) -> str:
    """Keep the family name's first character: 张三丰 -> 张**."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_text(text: str) -> str:
    """Free text with every ID-number-shaped run masked by `mask_id`."""
    return ID_LIKE.sub(lambda m: mask_id(m.group(0)), text)
