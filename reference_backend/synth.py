"""Synthetic data for the reference server: generated citizens (valid GB 11643 ID numbers,
never real people; after the resident card holders, one holder of each other card a kiosk
reads: a Hong Kong/Macau/Taiwan residence permit, a foreigner permanent residence card of
2004-2017 (3 letters and 12 digits) and one of 2023 (18 digits starting with 9)), matters with service guides, appointments for the server's today,
applications in several states, licences. Deterministic for a given seed and day."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from hall_controller.backend.signing import mask_id
from hall_protocol import platform as m

TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_REGIONS = ("330106", "330102", "330110", "330185", "330727")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
          "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "国强")

SERVICES = {"A": "综合受理", "B": "社保医保", "C": "不动产", "D": "企业开办"}
WINDOW_AREAS = {"A": "一楼A区 1-6号窗口", "B": "一楼B区 7-12号窗口",
                "C": "二楼C区 13-18号窗口", "D": "二楼D区 19-24号窗口"}
_DEPTS = {"A": "市公安局", "B": "市人力资源和社会保障局", "C": "市自然资源和规划局", "D": "市市场监督管理局"}
# The platform has English for some matters only (service A's here, with its department and window
# area): the kiosk shows it, and marks the others' Chinese text as Chinese only.
_DEPTS_EN = {"A": "City Public Security Bureau"}
WINDOW_AREAS_EN = {"A": "Floor 1, Zone A, windows 1-6"}
_MATTERS_EN = {  # matter_id -> (name, documents, conditions), in the order of _MATTERS
    "A001": ("Household registration certificate", ["Resident ID card", "Household register"],
             ["Registered residents of the city"]),
    "A002": ("Residence permit application", ["Resident ID card", "Residence registration record", "Recent photo"],
             ["Living in the city for over six months", "Stable lawful work, home or study"]),
    "A003": ("Certificate of no criminal record", ["Resident ID card", "Statement of purpose"],
             ["Applied for in person or by written authorisation"]),
}

# (matter_id, name, service, fee, days, documents, conditions)
_MATTERS = [
    ("A001", "户籍证明开具", "A", 0, 0, ["居民身份证", "户口簿"], ["本市户籍居民"]),
    ("A002", "居住证申领", "A", 0, 15, ["居民身份证", "居住登记凭证", "近期免冠照片"],
     ["在本市居住半年以上", "有合法稳定就业、住所或连续就读"]),
    ("A003", "无犯罪记录证明开具", "A", 0, 3, ["居民身份证", "用途说明"], ["本人申请或书面委托"]),
    ("B001", "社会保障卡申领", "B", 0, 10, ["居民身份证", "近期免冠照片"], ["已参加本市社会保险"]),
    ("B002", "城乡居民医保参保登记", "B", 0, 0, ["居民身份证", "户口簿"], ["未参加职工医保"]),
    ("B003", "社会保险参保证明打印", "B", 0, 0, ["居民身份证"], ["已参加本市社会保险"]),
    ("C001", "不动产登记资料查询", "C", 0, 0, ["居民身份证", "查询申请书"], ["权利人或利害关系人"]),
    ("C002", "不动产权证书补证", "C", 80, 10, ["居民身份证", "补证申请书", "遗失声明"],
     ["证书遗失或灭失", "已登报声明作废"]),
    ("C003", "不动产抵押权登记", "C", 80, 5, ["居民身份证", "不动产权证书", "抵押合同", "主债权合同"],
     ["抵押双方共同申请"]),
    ("D001", "企业设立登记", "D", 0, 1, ["公司章程", "法定代表人身份证明", "住所使用证明", "股东名册"],
     ["名称已自主申报", "注册资本认缴"]),
    ("D002", "公章刻制备案", "D", 0, 0, ["营业执照", "法定代表人身份证"], ["已领取营业执照"]),
    ("D003", "发票申领", "D", 0, 1, ["营业执照", "经办人身份证", "税务登记信息"], ["已完成税务报到"]),
]

_LICENCES = [("户籍证明", "市公安局", True), ("无犯罪记录证明", "市公安局", True),
             ("社会保险参保证明", "市人力资源和社会保障局", True),
             ("不动产权证书", "市自然资源和规划局", False), ("营业执照（副本）", "市市场监督管理局", True)]

_PROGRESS = ["提交申请", "受理", "审核", "办结"]
_STATUS_TEXT = {"submitted": "已提交，等待受理", "accepted": "已受理", "in_review": "审核中",
                "awaiting_documents": "需补正材料", "approved": "审核通过，待领取",
                "rejected": "不予受理", "completed": "已办结"}


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def valid_id_number(s: str) -> bool:
    return len(s) == 18 and s[:17].isdigit() and s[17].upper() == check_digit(s[:17])


def make_id_number(rng: random.Random, birth: date, region: str | None = None) -> str:
    first = f"{region or rng.choice(_REGIONS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first + check_digit(first)


# The other three card types (drivers/idcard/cards.py CardType values): their holders' numbers.
CARD_TYPES = ("resident", "permit_hmt", "foreigner_2017", "foreigner_2023")
_NATIONALITIES = ("USA", "GBR", "DEU", "JPN", "KOR", "FRA", "CAN", "AUS")
_FOREIGN_NAMES = ("史密斯", "米勒", "田中", "金敏", "马丁", "布朗")


def make_card_number(rng: random.Random, card_type: str, birth: date) -> str:
    """A synthetic number of a card type: permits 81/82/83 + 0000, the 2023 foreigner card 9 +
    a province, both with a GB 11643 check digit; the 2017 foreigner card 3 letters + 12 digits."""
    if card_type == "permit_hmt":
        return make_id_number(rng, birth, rng.choice(("810000", "820000", "830000")))
    if card_type == "foreigner_2023":
        return make_id_number(rng, birth, "933" + f"{rng.randint(0, 999):03d}")
    if card_type == "foreigner_2017":
        return f"{rng.choice(_NATIONALITIES)}33{birth:%y%m%d}{rng.randint(0, 9999):04d}"
    return make_id_number(rng, birth)


@dataclass
class Citizen:
    id_number: str
    name: str
    birth: date
    card_type: str = "resident"


@dataclass
class World:
    today: date
    citizens: list[Citizen] = field(default_factory=list)
    matters: dict[str, m.Guide] = field(default_factory=dict)
    appointments: dict[str, tuple[str, m.Appointment]] = field(default_factory=dict)
    applications: dict[str, list[m.Application]] = field(default_factory=dict)
    licences: dict[str, tuple[str, str, m.Licence]] = field(default_factory=dict)  # id -> (idn, name, lic)


def _guide(row: tuple) -> m.Guide:
    mid, name, svc, fee, days, docs, conds = row
    name_en, docs_en, conds_en = _MATTERS_EN.get(mid, (None, [None] * len(docs), None))
    return m.Guide(
        matter_id=mid, name=name, service_code=svc, service_name=SERVICES[svc],
        department=_DEPTS[svc],
        documents=[m.RequiredDocument(name=d, copies=1, original_required=i == 0,
                                      note="原件核验" if i == 0 else "复印件一份", name_en=docs_en[i])
                   for i, d in enumerate(docs)],
        conditions=conds, fee=m.Fee(amount_fen=fee * 100,
                                    description="不收费" if fee == 0 else f"工本费{fee}元",
                                    description_en=("Free" if fee == 0 else f"{fee} yuan") if name_en else None),
        time_limit_days=days, window_area=WINDOW_AREAS[svc], online_available=svc != "C",
        legal_basis="《政务服务事项实施清单》（示例数据）", name_en=name_en, conditions_en=conds_en,
        window_area_en=WINDOW_AREAS_EN.get(svc) if name_en else None)


def department_en(service: str) -> str | None:
    return _DEPTS_EN.get(service)


def build_world(seed: int, today: date, n_citizens: int = 12, now: datetime | None = None) -> World:
    """`now`: booked slots lie around it (the half hour before, the current and the next one),
    so that a citizen of the demo or a test can check in whenever it runs; without it they
    spread over the day from 09:00."""
    rng = random.Random(seed)
    anchor = None
    if now is not None and now.astimezone(TZ).date() == today:
        local = now.astimezone(TZ)
        anchor = local.replace(minute=local.minute - local.minute % 30, second=0, microsecond=0)
    world = World(today=today)
    world.matters = {row[0]: _guide(row) for row in _MATTERS}
    guides = list(world.matters.values())
    for i in range(n_citizens):
        year = 1938 + i * 5 if i < 3 else rng.randint(1960, 2004)  # the first three are elderly
        birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        world.citizens.append(Citizen(make_id_number(rng, birth), name, birth))
    # After the residents (whose data stay what they were), with their own random numbers.
    cards = random.Random(f"{seed}:cards")
    for card_type in CARD_TYPES[1:]:
        birth = date(cards.randint(1960, 2000), cards.randint(1, 12), cards.randint(1, 28))
        name = cards.choice(_SURNAMES if card_type == "permit_hmt" else _FOREIGN_NAMES) + \
            (cards.choice(_GIVEN) if card_type == "permit_hmt" else "")
        world.citizens.append(Citizen(make_card_number(cards, card_type, birth), name, birth, card_type))
    start = datetime.combine(today, time(9, 0), tzinfo=TZ)
    for ci, c in enumerate(world.citizens):
        masked = mask_id(c.id_number)
        for k in range(1 + ci % 2):
            g = rng.choice(guides)
            step = rng.randint(0, 14)
            slot = start + timedelta(minutes=30 * step)
            if anchor is not None:
                near = anchor + timedelta(minutes=30 * (step % 3 - 1))
                slot = near if near.date() == today and (near + timedelta(minutes=30)).date() == today else anchor
            code = f"{rng.randint(0, 99999999):08d}"
            status = m.AppointmentStatus.cancelled if (ci, k) == (5, 1) else m.AppointmentStatus.booked
            world.appointments[code] = (c.id_number, m.Appointment(
                code=code, matter_id=g.matter_id, matter_name=g.name, service_code=g.service_code,
                holder_masked=masked, date=today, slot_start=f"{slot:%H:%M}",
                slot_end=f"{slot + timedelta(minutes=30):%H:%M}", status=status))
        world.applications[c.id_number] = [
            _application(rng, c, ci * 10 + k, rng.choice(guides), today) for k in range(1 + ci % 3)]
        for k in range(1 + ci % 3):
            title, issuer, printable = _LICENCES[(ci + k) % len(_LICENCES)]
            lid = f"L{seed % 100:02d}{ci:03d}{k:02d}"
            issued = today - timedelta(days=rng.randint(1, 900))
            lic = m.Licence(licence_id=lid, title=title, issuer=issuer, holder_masked=masked,
                            issued_on=issued, valid_until=issued + timedelta(days=365 * 5)
                            if k % 2 == 0 else None, printable=printable, print_count=0)
            world.licences[lid] = (c.id_number, c.name, lic)
    return world


def _application(rng: random.Random, c: Citizen, n: int, g: m.Guide, today: date) -> m.Application:
    status = list(m.ApplicationStatus)[n % len(m.ApplicationStatus)]
    done = {"submitted": 1, "accepted": 2, "in_review": 2, "awaiting_documents": 2,
            "approved": 3, "rejected": 2, "completed": 4}[status.value]
    submitted = datetime.combine(today - timedelta(days=rng.randint(1, 20)), time(10, 0), tzinfo=TZ)
    steps = [m.ProgressStep(name=s, done=i < done,
                            at=submitted + timedelta(days=i) if i < done else None)
             for i, s in enumerate(_PROGRESS)]
    return m.Application(
        application_id=f"BJ{today:%Y}{n:06d}", matter_id=g.matter_id, matter_name=g.name,
        status=status, status_text=_STATUS_TEXT[status.value], submitted_at=submitted,
        updated_at=submitted + timedelta(days=max(0, done - 1)), steps=steps)
