"""The 256-byte text block of the four card types, parsed into an `IdCard`.

The block is UCS-2LE padded with spaces; the type is the character at offset 248:
' ' resident card, 'J' Hong Kong/Macau/Taiwan residence permit, 'I' foreigner permanent
residence card (2017), 'Y' foreigner permanent residence card (2023). `LAYOUTS` holds
offset/length in bytes per field and is shared with the encoder in `synthetic`.
An IdCard's repr and str never show the name or the full ID number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from drivers.idcard.codes import gender_name, nation_name
from drivers.idcard.errors import InvalidCardData
from drivers.idcard.idnumber import HMT_REGIONS, id_number_problems, mask_id, mask_name
from drivers.idcard.photo import CardPhoto
from drivers.idcard.protocol import TEXT_LEN, FrameError, decode_ucs2

LONG_TERM = "长期"
TYPE_OFFSET = 248


class CardType(str, Enum):
    RESIDENT = "resident"
    PERMIT_HMT = "permit_hmt"
    FOREIGNER_2017 = "foreigner_2017"
    FOREIGNER_2023 = "foreigner_2023"


TYPE_MARKS = {" ": CardType.RESIDENT, "J": CardType.PERMIT_HMT, "I": CardType.FOREIGNER_2017,
              "Y": CardType.FOREIGNER_2023}
MARK_OF = {v: k for k, v in TYPE_MARKS.items()}

_RESIDENT = {"name": (0, 30), "gender_code": (30, 2), "nation_code": (32, 4), "birth_date": (36, 16),
             "address": (52, 70), "id_number": (122, 36), "issuer": (158, 30),
             "valid_from": (188, 16), "valid_to": (204, 16)}
LAYOUTS: dict[CardType, dict[str, tuple[int, int]]] = {
    CardType.RESIDENT: _RESIDENT,
    CardType.PERMIT_HMT: {**_RESIDENT, "pass_number": (220, 18), "issue_count": (238, 4)},
    CardType.FOREIGNER_2017: {
        "english_name": (0, 120), "gender_code": (120, 2), "id_number": (122, 30),
        "nationality": (152, 6), "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16),
        "birth_date": (220, 16), "card_version": (236, 4), "issuer": (240, 8)},
    CardType.FOREIGNER_2023: {
        "name": (0, 30), "gender_code": (30, 2), "renewal_count": (32, 4), "birth_date": (36, 16),
        "english_name": (52, 70), "id_number": (122, 36), "valid_from": (188, 16),
        "valid_to": (204, 16), "english_name_2": (220, 22), "nationality": (242, 6),
        "old_card_link": (250, 6)},
}
EXTRA_FIELDS = ("english_name", "nationality", "pass_number", "issue_count", "renewal_count",
                "card_version", "old_card_link")
MASKED_EXTRAS = ("english_name", "pass_number")


@dataclass(repr=False)
class IdCard:
    card_type: CardType
    name: str
    gender: str
    gender_code: str
    birth_date: date
    id_number: str
    valid_from: date
    valid_to: date | str                  # a date or LONG_TERM
    nation: str = ""                      # resident cards and permits only
    nation_code: str = ""
    address: str = ""
    issuer: str = ""
    english_name: str = ""                # foreigner cards
    nationality: str = ""                 # ISO 3166 alpha-3, foreigner cards
    pass_number: str = ""                 # permits
    issue_count: str = ""                 # permits
    renewal_count: str = ""               # 2023 foreigner card
    card_version: str = ""                # 2017 foreigner card
    old_card_link: str = ""               # 2023 foreigner card
    new_address: str | None = None        # command 30 03, when read
    photo: CardPhoto | None = None
    fingerprint: bytes = field(default=b"")

    def __repr__(self) -> str:
        return (f"IdCard(card_type={self.card_type.value}, id_number={mask_id(self.id_number)}, "
                f"name={mask_name(self.name)}, photo={self.photo!r})")

    __str__ = __repr__

    @property
    def long_term(self) -> bool:
        return self.valid_to == LONG_TERM

    def problems(self, today: date | None = None) -> list[str]:
        """Consistency checks: check digit, birth date and gender against the number."""
        found: list[str] = []
        if self.card_type is CardType.FOREIGNER_2017:
            if len(self.id_number) != 15 or not self.id_number[:3].isalpha():
                found.append("bad_format")
        else:
            found += id_number_problems(self.id_number, birth_date=self.birth_date,
                                        gender_code=self.gender_code, today=today)
        if self.card_type is CardType.PERMIT_HMT and self.id_number[:2] not in HMT_REGIONS:
            found.append("permit_region_mismatch")
        if self.card_type is CardType.FOREIGNER_2023 and not self.id_number.startswith("9"):
            found.append("foreigner_number_mismatch")
        if isinstance(self.valid_to, date) and self.valid_to < self.valid_from:
            found.append("validity_reversed")
        return found

    def to_dict(self, masked: bool = True) -> dict:
        """The kioskctl / kiosk view; the ID number (and pass number) masked by default."""
        hide = mask_id if masked else (lambda s: s)
        extra = {k: getattr(self, k) for k in EXTRA_FIELDS if getattr(self, k)}
        for key in MASKED_EXTRAS:
            if key in extra and masked:
                extra[key] = mask_id(extra[key]) if key == "pass_number" else mask_name(extra[key])
        return {
            "card_type": self.card_type.value, "name": self.name, "gender": self.gender,
            "nation": self.nation, "birth_date": self.birth_date.isoformat(), "address": self.address,
            "id_number": hide(self.id_number), "issuer": self.issuer,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to if isinstance(self.valid_to, str) else self.valid_to.isoformat(),
            "new_address": self.new_address, "photo_source": self.photo.source if self.photo else None,
            "extra": extra,
        }


def card_type_of(text: bytes) -> CardType:
    if len(text) != TEXT_LEN:
        raise InvalidCardData(f"text block must be {TEXT_LEN} bytes, got {len(text)}")
    mark = chr(text[TYPE_OFFSET]) if text[TYPE_OFFSET + 1] == 0 else "?"
    if mark not in TYPE_MARKS:
        raise InvalidCardData(f"unknown card type mark 0x{text[TYPE_OFFSET]:02X}")
    return TYPE_MARKS[mark]


def parse_date(value: str, what: str) -> date:
    if len(value) != 8 or not value.isdigit():
        raise InvalidCardData(f"{what} is not YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as err:
        raise InvalidCardData(f"{what} is not a real date") from err


def parse_text_block(text: bytes, photo: CardPhoto | None = None, fingerprint: bytes = b"") -> IdCard:
    """Parse the 256-byte text block; raises InvalidCardData (a ProtocolError) when it is not one."""
    card_type = card_type_of(text)
    try:
        raw = {key: decode_ucs2(text[off:off + size]).strip()
               for key, (off, size) in LAYOUTS[card_type].items()}
    except FrameError as err:
        raise InvalidCardData(f"text block does not decode: {err}") from err
    if card_type is CardType.FOREIGNER_2023:
        raw["english_name"] = (raw["english_name"] + raw.pop("english_name_2")).strip()
    if card_type is CardType.FOREIGNER_2017 and not raw["name"]:
        raw["name"] = raw["english_name"]
    valid_to = raw.pop("valid_to")
    nation_code = raw.pop("nation_code", "")
    return IdCard(
        card_type=card_type,
        gender=gender_name(raw["gender_code"]),
        nation=nation_name(nation_code) if nation_code else "",
        nation_code=nation_code,
        birth_date=parse_date(raw.pop("birth_date"), "birth date"),
        valid_from=parse_date(raw.pop("valid_from"), "valid-from date"),
        valid_to=LONG_TERM if valid_to == LONG_TERM else parse_date(valid_to, "valid-to date"),
        photo=photo, fingerprint=fingerprint, **raw)
