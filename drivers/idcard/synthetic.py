"""Synthetic cards for the emulator and the tests: never a real person.

Names, addresses and numbers are generated from a seeded random generator; ID numbers
carry a correct GB 11643 check digit and agree with the generated birth date and gender.
`encode_text_block` is the inverse of `cards.parse_text_block`.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from drivers.idcard.cards import LAYOUTS, LONG_TERM, MARK_OF, TYPE_OFFSET, CardType, IdCard
from drivers.idcard.codes import gender_name, nation_name
from drivers.idcard.idnumber import check_digit
from drivers.idcard.photo import publish_reference_image
from drivers.idcard.protocol import TEXT_LEN, encode_ucs2

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文斌宇浩然欣怡晨阳"
# (region code, place) pairs: administrative codes, used only to build plausible addresses.
REGIONS = [("110101", "北京市东城区"), ("310104", "上海市徐汇区"), ("440106", "广州市天河区"),
           ("510107", "成都市武侯区"), ("330106", "杭州市西湖区"), ("420106", "武汉市武昌区")]
HMT = [("810000", "香港特别行政区"), ("820000", "澳门特别行政区"), ("830000", "台湾地区")]
STREETS = "幸福 和平 建设 人民 光明 新华 长安 文化 友谊 团结".split()
ENGLISH_GIVEN = ["ALEX", "MARIA", "JOHN", "ANNA", "DAVID", "ELENA", "OMAR", "SOFIA"]
ENGLISH_FAMILY = ["SAMPLE", "EXAMPLE", "TESTER", "DEMO", "MOCK", "PLACEHOLDER"]
COUNTRIES = ["CAN", "DEU", "FRA", "GBR", "ITA", "RUS", "USA", "BRA"]


@dataclass
class EmulatedCard:
    """What the emulator holds for one card: the raw blocks plus the plain reference image."""

    card: IdCard
    text: bytes
    photo: bytes
    fingerprint: bytes = b""
    new_address: str | None = None
    reference_image: bytes | None = None   # PNG for face verification tests

    def __repr__(self) -> str:
        return f"EmulatedCard({self.card!r})"


def encode_text_block(card: IdCard) -> bytes:
    """The 256-byte UCS-2LE text block for a card (the inverse of parse_text_block)."""
    block = bytearray(encode_ucs2("", TEXT_LEN))
    values = {
        "name": card.name, "gender_code": card.gender_code, "nation_code": card.nation_code,
        "birth_date": card.birth_date.strftime("%Y%m%d"), "address": card.address,
        "id_number": card.id_number, "issuer": card.issuer,
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_to": card.valid_to if isinstance(card.valid_to, str) else card.valid_to.strftime("%Y%m%d"),
        "english_name": card.english_name, "english_name_2": "", "nationality": card.nationality,
        "pass_number": card.pass_number, "issue_count": card.issue_count,
        "renewal_count": card.renewal_count, "card_version": card.card_version,
        "old_card_link": card.old_card_link}
    layout = LAYOUTS[card.card_type]
    if "english_name_2" in layout:
        split = layout["english_name"][1] // 2
        values["english_name"], values["english_name_2"] = card.english_name[:split], card.english_name[split:]
    for key, (off, size) in layout.items():
        block[off:off + size] = encode_ucs2(values[key], size)
    block[TYPE_OFFSET:TYPE_OFFSET + 2] = encode_ucs2(MARK_OF[card.card_type], 2)
    return bytes(block)


def make_id_number(region: str, born: date, male: bool, rng: random.Random) -> str:
    seq = rng.randrange(0, 100) * 10 + rng.randrange(0, 10, 1)
    seq = seq - seq % 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def reference_face(rng: random.Random, size: tuple[int, int] = (102, 126)) -> bytes:
    """A simple drawn face as PNG: enough to exercise the face path end to end."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("RGB", size, (235, 240, 250))
    draw = ImageDraw.Draw(img)
    skin = (rng.randrange(180, 240), rng.randrange(140, 200), rng.randrange(110, 170))
    draw.ellipse((w * 0.18, h * 0.15, w * 0.82, h * 0.85), fill=skin)
    for ex in (0.36, 0.64):
        draw.ellipse((w * ex - 5, h * 0.42 - 3, w * ex + 5, h * 0.42 + 3), fill=(40, 30, 30))
    draw.arc((w * 0.35, h * 0.55, w * 0.65, h * 0.72), 20, 160, fill=(120, 40, 40), width=2)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def generate_card(card_type: CardType | str = CardType.RESIDENT, seed: int = 0, *,
                  long_term: bool = False, new_address: str | None = None,
                  reference_image: bytes | None = None, fingerprint_len: int = 0) -> EmulatedCard:
    """A valid synthetic card of any type, the same for the same seed."""
    card_type = CardType(card_type)
    rng = random.Random(f"{card_type.value}:{seed}")
    male = rng.random() < 0.5
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    valid_from = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 365 * 8))
    valid_to: date | str = LONG_TERM if long_term else valid_from.replace(year=valid_from.year + 20)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    region, place = rng.choice(HMT if card_type is CardType.PERMIT_HMT else REGIONS)
    english = f"{rng.choice(ENGLISH_FAMILY)}, {rng.choice(ENGLISH_GIVEN)} {rng.choice(ENGLISH_GIVEN)}"
    card = IdCard(card_type=card_type, name=name, gender=gender_name("1" if male else "2"),
                  gender_code="1" if male else "2", birth_date=born, id_number="",
                  valid_from=valid_from, valid_to=valid_to)
    if card_type in (CardType.RESIDENT, CardType.PERMIT_HMT):
        code = "01" if card_type is CardType.PERMIT_HMT else f"{rng.choice((1, 1, 1, 3, 8, 11)):02d}"
        card = replace(card, nation_code=code, nation=nation_name(code),
                       address=f"{place}{rng.choice(STREETS)}路{rng.randrange(1, 300)}号",
                       id_number=make_id_number(region, born, male, rng),
                       issuer=f"{place[:3]}公安局" if card_type is CardType.RESIDENT else "公安部出入境管理局")
        if card_type is CardType.PERMIT_HMT:
            card = replace(card, pass_number=f"{'HMT'[HMT.index((region, place))]}{rng.randrange(10**7, 10**8)}",
                           issue_count=f"{rng.randrange(1, 5):02d}")
    elif card_type is CardType.FOREIGNER_2017:
        country = rng.choice(COUNTRIES)
        card = replace(card, english_name=english, nationality=country, card_version="01",
                       issuer="1500", id_number=f"{country}{rng.randrange(10**11, 10**12)}")
    else:
        card = replace(card, english_name=english, nationality=rng.choice(COUNTRIES),
                       renewal_count="00", old_card_link="",
                       id_number=make_id_number("9" + region[1:], born, male, rng))
    image = reference_image if reference_image is not None else reference_face(rng)
    photo = publish_reference_image(image, filler=rng.randbytes(64))
    fingerprint = rng.randbytes(fingerprint_len) if fingerprint_len else b""
    return EmulatedCard(card, encode_text_block(card), photo, fingerprint, new_address, image)


def generate_all(seed: int = 0, *, reference_image: bytes | None = None) -> dict[str, EmulatedCard]:
    """One card of every type, keyed by type name (all with `reference_image` as the photo, if given)."""
    return {t.value: generate_card(t, seed, reference_image=reference_image) for t in CardType}
