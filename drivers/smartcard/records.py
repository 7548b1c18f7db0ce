"""The social security card's records (EF05, EF06) as typed data, with masking.

Pure functions: records (tag len value) in, a SocialSecurityCard out. The repr and the
masked dict never show the ID number or the name in clear.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from drivers.smartcard import apdu
from privacy import mask_id as mask_id_number, mask_name  # noqa: F401 (the one masking rule)

# EF05 card information: tag -> (field name, decoder)
EF05_RECORDS: dict[int, tuple[str, Callable[[bytes], object]]] = {
    0x01: ("card_id_code", lambda raw: bytes(raw).hex().upper()),
    0x05: ("issue_date", apdu.decode_bcd_date),
    0x06: ("expiry_date", apdu.decode_bcd_date),
    0x07: ("card_number", apdu.decode_ascii),
}
# EF06 holder information, readable only after the PIN in some regions.
EF06_RECORDS: dict[int, tuple[str, Callable[[bytes], object]]] = {
    0x08: ("id_number", apdu.decode_ascii),
    0x09: ("name", apdu.decode_gbk),
    0x0A: ("sex", lambda raw: _code(raw)),
    0x0B: ("nation", lambda raw: _code(raw)),
    0x0C: ("birthplace", apdu.decode_bcd),
    0x0D: ("birth_date", apdu.decode_bcd_date),
}
SEX_TEXT = {"1": "男", "2": "女", "9": "未说明"}


def _code(raw: bytes) -> str:
    """A short code stored either as ASCII digits or as a binary number."""
    raw = bytes(raw)
    if raw and all(0x30 <= b <= 0x39 for b in raw):
        return raw.decode("ascii").lstrip("0") or "0"
    return str(int.from_bytes(raw, "big")) if raw else ""


@dataclass(frozen=True)
class SocialSecurityCard:
    card_number: str = ""
    card_id_code: str = ""
    issue_date: date | None = None
    expiry_date: date | None = None
    id_number: str = field(default="", repr=False)
    name: str = field(default="", repr=False)
    sex: str = ""
    nation: str = ""
    birthplace: str = ""
    birth_date: date | None = field(default=None, repr=False)
    holder_read: bool = False  # False when EF06 was not read (PIN required)

    def __repr__(self) -> str:
        return (f"SocialSecurityCard(card_number={self.card_number!r}, "
                f"id_number={mask_id_number(self.id_number)!r}, name={mask_name(self.name)!r}, "
                f"issue_date={self.issue_date}, expiry_date={self.expiry_date}, holder_read={self.holder_read})")

    __str__ = __repr__

    @property
    def sex_text(self) -> str:
        return SEX_TEXT.get(self.sex, "")

    def to_dict(self, *, masked: bool = True) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "card_number": self.card_number, "card_id_code": self.card_id_code,
            "issue_date": iso(self.issue_date), "expiry_date": iso(self.expiry_date),
            "id_number": mask_id_number(self.id_number) if masked else self.id_number,
            "name": mask_name(self.name) if masked else self.name,
            "sex": self.sex, "nation": self.nation,
            "birthplace": self.birthplace[:2] + "****" if masked and self.birthplace else self.birthplace,
            "birth_date": None if masked else iso(self.birth_date),
            "holder_read": self.holder_read,
        }


def decode_records(table: dict[int, tuple[str, Callable[[bytes], object]]],
                   records: dict[int, bytes]) -> dict[str, object]:
    """Decode raw `tag len value` records (by tag) into named fields."""
    fields: dict[str, object] = {}
    for tag, raw in records.items():
        if tag not in table:
            continue
        name, decode = table[tag]
        fields[name] = decode(apdu.parse_tlv_record(raw, tag))
    return fields


def card_from_records(ef05: dict[int, bytes], ef06: dict[int, bytes] | None = None) -> SocialSecurityCard:
    fields = decode_records(EF05_RECORDS, ef05)
    if ef06 is not None:
        fields.update(decode_records(EF06_RECORDS, ef06))
        fields["holder_read"] = True
    return SocialSecurityCard(**fields)
