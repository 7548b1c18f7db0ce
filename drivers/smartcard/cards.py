"""Card profiles for the emulator: what a card answers to each APDU (pure, no sockets).

- SocialSecurityCard: the social security application with EF05/EF06, an optional PIN on
  EF06, some answers delivered through 61xx + GET RESPONSE and some that insist on the
  exact Le (6Cxx), so the driver's handling of both is exercised.
- ContactlessCard: an ISO 14443-4 type A card with a UID and an ATS.
- ResidentIdCard: a type B card like the resident ID card (PUPI 00000000, UID via 00 36).
Behind vpcd the card emulator also answers the reader's own pseudo-APDUs (class FF).
All data is synthetic.
"""
from __future__ import annotations

from datetime import date

from drivers.smartcard import apdu

SW = {name: code.to_bytes(2, "big") for name, code in {
    "ok": 0x9000, "not_found": 0x6A82, "no_record": 0x6A83, "not_supported": 0x6A81,
    "no_ins": 0x6D00, "no_cla": 0x6E00, "no_ef": 0x6986, "pin": 0x6982, "blocked": 0x6983,
    "conditions": 0x6985, "wrong_p1p2": 0x6A86}.items()}


def atr_t1(historical: bytes) -> bytes:
    """3B 8n 80 01 <historical> TCK: T=0 and T=1 offered (the PC/SC part 3 contactless form)."""
    body = bytes((0x80 | len(historical), 0x80, 0x01)) + historical
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes((tck,))


class CardProfile:
    """Base: answers class FF GET DATA from `uid`/`ats`, anything else unsupported."""

    name = "card"
    atr = atr_t1(b"")
    uid: bytes | None = None
    ats: bytes | None = None

    def reset(self) -> None:
        """Power on or warm reset: forget selections and PIN state."""

    def handle(self, command: bytes) -> bytes:
        if len(command) < 4:
            return bytes.fromhex("6700")
        if command[0] == 0xFF:
            return self.reader_apdu(command)
        return self.card_apdu(command)

    def reader_apdu(self, command: bytes) -> bytes:
        if command[1] == 0xCA and command[2] == 0x00 and self.uid is not None:
            return self.uid + SW["ok"]
        if command[1] == 0xCA and command[2] == 0x01 and self.ats is not None:
            return self.ats + SW["ok"]
        return SW["not_supported"]

    def card_apdu(self, command: bytes) -> bytes:
        return SW["no_ins"]


SAMPLE_HOLDER = {  # synthetic; the ID number is the example from GB 11643's text
    "card_id_code": bytes.fromhex("110100D156000005A1B2C3D4E5F60708"),
    "issue_date": date(2021, 3, 15), "expiry_date": date(2031, 3, 15),
    "card_number": "A00000001", "id_number": "11010519491231002X", "name": "王测试",
    "sex": "1", "nation": "01", "birthplace": "110105", "birth_date": date(1949, 12, 31),
}


class SocialSecurityCard(CardProfile):
    name = "social"
    atr = atr_t1(b"SSCARD")

    def __init__(self, holder: dict | None = None, *, pin: str | None = None, tries: int = 3,
                 via_61: frozenset[int] = frozenset({0x09, 0x01}),
                 strict_le: frozenset[int] = frozenset({0x08, 0x07})) -> None:
        self.holder = dict(SAMPLE_HOLDER, **(holder or {}))
        self.pin, self.max_tries, self.tries = pin, tries, tries
        self.via_61, self.strict_le = via_61, strict_le
        self.files = {apdu.EF05: self._ef05(), apdu.EF06: self._ef06()}
        self.reset()

    def _ef05(self) -> dict[int, bytes]:
        h = self.holder
        return {0x01: h["card_id_code"], 0x05: apdu.encode_bcd_date(h["issue_date"]),
                0x06: apdu.encode_bcd_date(h["expiry_date"]), 0x07: h["card_number"].encode("ascii")}

    def _ef06(self) -> dict[int, bytes]:
        h = self.holder
        return {0x08: h["id_number"].encode("ascii"), 0x09: apdu.encode_gbk(h["name"], 30),
                0x0A: h["sex"].encode("ascii"), 0x0B: h["nation"].encode("ascii"),
                0x0C: bytes.fromhex(h["birthplace"]), 0x0D: apdu.encode_bcd_date(h["birth_date"])}

    def reset(self) -> None:
        self.app_selected = False
        self.current: int | None = None
        self.verified = self.pin is None
        self.pending = b""

    def card_apdu(self, command: bytes) -> bytes:
        cla, ins, p1, p2 = command[:4]
        if cla != 0x00:
            return SW["no_cla"]
        body = command[4:]
        data = body[1:1 + body[0]] if len(body) > 1 else b""
        le = body[-1] if len(body) == 1 or len(body) > 1 + body[0] else None
        handler = {0xA4: self._select, 0xB2: self._read_record, 0xC0: self._get_response,
                   0x20: self._verify}.get(ins)
        if handler is None:
            return SW["no_ins"]
        return handler(p1, p2, data, le)

    def _select(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 == 0x04:
            if data != apdu.SOCIAL_SECURITY_AID:
                return SW["not_found"]
            self.app_selected, self.current = True, None
            fci = bytes((0x6F, 2 + len(data), 0x84, len(data))) + data
            return self._deliver_61(fci)  # the FCI comes through GET RESPONSE
        fid = int.from_bytes(data, "big") if len(data) == 2 else None
        if p1 != 0x02 or not self.app_selected or fid not in self.files:
            return SW["not_found"]
        self.current = fid
        return SW["ok"]

    def _read_record(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if self.current is None:
            return SW["no_ef"]
        if self.current == apdu.EF06 and not self.verified:
            return SW["pin"]
        value = self.files[self.current].get(p1)
        if value is None or p2 != 0x04:
            return SW["no_record"] if value is None else SW["wrong_p1p2"]
        record = apdu.build_tlv_record(p1, value)
        if p1 in self.via_61:
            return self._deliver_61(record)
        if p1 in self.strict_le and (le or 256) != len(record):
            return bytes((0x6C, len(record)))
        return record[:le or 256] + SW["ok"]

    def _deliver_61(self, data: bytes) -> bytes:
        self.pending = data
        return bytes((0x61, len(data) & 0xFF))

    def _get_response(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if not self.pending:
            return SW["conditions"]
        n = le or 256
        out, self.pending = self.pending[:n], self.pending[n:]
        return out + (bytes((0x61, len(self.pending) & 0xFF)) if self.pending else SW["ok"])

    def _verify(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if self.pin is None:
            return SW["ok"]
        if self.tries == 0:
            return SW["blocked"]
        if data.hex().upper().rstrip("F") == self.pin:
            self.verified, self.tries = True, self.max_tries
            return SW["ok"]
        self.tries -= 1
        return bytes((0x63, 0xC0 | self.tries)) if self.tries else SW["blocked"]


class ContactlessCard(CardProfile):
    name = "contactless"

    def __init__(self, uid: bytes = bytes.fromhex("04A1B2C3D4E580"),
                 ats: bytes = bytes.fromhex("0578807002")) -> None:
        self.uid, self.ats = uid, ats
        self.atr = atr_t1(ats[-2:])  # historical bytes of the ATS


class ResidentIdCard(CardProfile):
    """Type B, PUPI 00000000: the real UID only comes from 00 36 00 00 08."""

    name = "idcard"
    # PC/SC part 3 type B: ATQB application data (4) + protocol info (3) + MBLI/CID (1).
    atr = atr_t1(bytes.fromhex("0000000000817100"))

    def __init__(self, uid: bytes = bytes.fromhex("3203A5F1C0E1A00B")) -> None:
        self.card_uid = uid
        self.uid = bytes(4)  # the reader reports the PUPI, always zero

    def card_apdu(self, command: bytes) -> bytes:
        if command[:4] == bytes.fromhex("00360000"):
            return self.card_uid + SW["ok"]
        return SW["no_ins"]


PROFILES = {
    "social": lambda: SocialSecurityCard(),
    "social-pin": lambda: SocialSecurityCard(pin="123456"),
    "contactless": lambda: ContactlessCard(),
    "idcard": lambda: ResidentIdCard(),
}


def make_profile(name: str) -> CardProfile:
    try:
        return PROFILES[name]()
    except KeyError:
        raise ValueError(f"unknown card profile {name!r} (known: {', '.join(PROFILES)})") from None
