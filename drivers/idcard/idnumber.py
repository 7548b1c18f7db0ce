"""ID numbers: GB 11643 check digit (ISO 7064 MOD 11-2), consistency, masking."""
from __future__ import annotations

from datetime import date

from privacy import mask_id, mask_name  # noqa: F401 (re-exported: the one masking rule)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
HMT_REGIONS = {"81": "hong_kong", "82": "macau", "83": "taiwan"}


def check_digit(first17: str) -> str:
    """The 18th character for 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def birth_date_of(number: str) -> date | None:
    """The birth date encoded in digits 7-14 of an 18-character number, if it is a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_number_problems(number: str, *, birth_date: date | None = None, gender_code: str | None = None,
                       today: date | None = None) -> list[str]:
    """What is wrong with an 18-character ID number (empty list when it is valid).

    Checks the characters, the check digit, that the embedded birth date is a real date
    between 1880 and today, and when given, that it matches `birth_date` and that the
    17th digit's parity matches the gender (odd male, even female).
    """
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return ["bad_format"]
    problems = []
    if check_digit(number[:17]) != number[17]:
        problems.append("bad_check_digit")
    born = birth_date_of(number)
    if born is None or born.year < 1880 or born > (today or date.today()):
        problems.append("impossible_birth_date")
    elif birth_date is not None and born != birth_date:
        problems.append("birth_date_mismatch")
    if gender_code in ("1", "2") and int(number[16]) % 2 != (1 if gender_code == "1" else 0):
        problems.append("gender_mismatch")
    return problems


def is_valid_id_number(number: str, *, today: date | None = None) -> bool:
    return not id_number_problems(number, today=today)


