"""ISO 7816-4 APDUs as pure functions: build commands, parse responses, decode fields.

Nothing here touches a reader. Every parser returns a value or raises
`drivers.smartcard.errors.ApduError` (a ProtocolError), nothing else.
Sources: ISO/IEC 7816-4 (status words), PC/SC part 3 (FF CA get data),
the social security card public read flow (docs/devices/smartcard.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drivers.smartcard.errors import ApduError

# "sx1.sh." followed by 社会保障 in GBK: the social security application.
SOCIAL_SECURITY_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
EF05 = 0xEF05  # card basic information
EF06 = 0xEF06  # holder basic information

SW_OK = 0x9000
PIN_STATUS_WORDS = (0x6982, 0x6983)  # security status not satisfied, PIN blocked


def command(cla: int, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None) -> bytes:
    """A short command APDU (cases 1 to 4). `le` 0 means "up to 256 bytes"."""
    for name, value in (("cla", cla), ("ins", ins), ("p1", p1), ("p2", p2)):
        if not 0 <= value <= 0xFF:
            raise ValueError(f"{name} must be one byte, got {value!r}")
    if len(data) > 255:
        raise ValueError("short APDUs carry at most 255 data bytes")
    apdu = bytes((cla, ins, p1, p2))
    if data:
        apdu += bytes((len(data),)) + bytes(data)
    if le is not None:
        if not 0 <= le <= 256:
            raise ValueError(f"le must be 0..256, got {le}")
        apdu += bytes((le & 0xFF,))
    return apdu


def select_aid(aid: bytes) -> bytes:
    return command(0x00, 0xA4, 0x04, 0x00, aid)


def select_file(fid: int) -> bytes:
    return command(0x00, 0xA4, 0x02, 0x00, fid.to_bytes(2, "big"))


def read_record(tag: int, le: int = 0) -> bytes:
    """READ RECORD by record number (= the tag on social security cards), P2=04."""
    return command(0x00, 0xB2, tag, 0x04, le=le)


def get_response(le: int) -> bytes:
    return command(0x00, 0xC0, 0x00, 0x00, le=le)


def with_le(apdu: bytes, le: int) -> bytes:
    """The same command with its Le replaced (or added): the answer to a 6Cxx."""
    header, body = apdu[:4], apdu[4:]
    if len(body) in (0, 1):            # case 1 or 2
        return header + bytes((le & 0xFF,))
    lc = body[0]
    return header + body[:1 + lc] + bytes((le & 0xFF,))


def verify_pin(pin: str) -> bytes:
    """VERIFY with the PIN packed as BCD digits (an odd count is padded with F)."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("a PIN is 4 to 12 digits")
    digits = pin + ("F" if len(pin) % 2 else "")
    return command(0x00, 0x20, 0x00, 0x00, bytes.fromhex(digits))


def loggable(cmd: bytes) -> str:
    """A command APDU for the traffic log: a VERIFY's data (the PIN) is never shown."""
    if len(cmd) > 5 and cmd[1] == 0x20:
        return cmd[:5].hex(" ").upper() + f" <{len(cmd) - 5} bytes hidden>"
    return cmd.hex(" ").upper()


GET_UID = command(0xFF, 0xCA, 0x00, 0x00, le=0)     # PC/SC part 3: card UID
GET_ATS = command(0xFF, 0xCA, 0x01, 0x00, le=0)     # PC/SC part 3: ATS / historical bytes
IDCARD_UID = command(0x00, 0x36, 0x00, 0x00, le=8)  # resident ID card (type B) UID


@dataclass(frozen=True)
class Response:
    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    def __str__(self) -> str:
        return f"{len(self.data)} bytes, SW {self.sw:04X}"


def parse_response(raw: bytes) -> Response:
    """Split a response APDU into data and SW1 SW2."""
    raw = bytes(raw)
    if len(raw) < 2:
        raise ApduError(f"response too short ({len(raw)} bytes): a response ends with SW1 SW2")
    return Response(raw[:-2], raw[-2], raw[-1])


def more_data(resp: Response) -> int | None:
    """61xx: xx bytes wait to be fetched with GET RESPONSE (00 means 256)."""
    return (resp.sw2 or 256) if resp.sw1 == 0x61 else None


def wrong_length(resp: Response) -> int | None:
    """6Cxx: resend the same command with Le = xx."""
    return (resp.sw2 or 256) if resp.sw1 == 0x6C else None


def pin_needed(sw: int) -> bool:
    """6982 security status not satisfied, 6983 PIN blocked, 63Cx wrong PIN x tries left."""
    return sw in PIN_STATUS_WORDS or (sw & 0xFFF0) == 0x63C0


def tries_left(sw: int) -> int | None:
    return sw & 0x0F if (sw & 0xFFF0) == 0x63C0 else (0 if sw == 0x6983 else None)


SW_TEXT = {
    0x9000: "ok", 0x6281: "data may be corrupted", 0x6700: "wrong length",
    0x6982: "security status not satisfied (PIN required)", 0x6983: "PIN blocked",
    0x6985: "conditions of use not satisfied", 0x6A81: "function not supported",
    0x6A82: "file or application not found", 0x6A83: "record not found",
    0x6A86: "wrong P1 P2", 0x6D00: "instruction not supported", 0x6E00: "class not supported",
}


def sw_text(sw: int) -> str:
    if (sw & 0xFFF0) == 0x63C0:
        return f"wrong PIN, {sw & 0x0F} tries left"
    return SW_TEXT.get(sw, "unknown status")


# -- field codecs ---------------------------------------------------------------------
def parse_tlv_record(raw: bytes, tag: int) -> bytes:
    """A social security card record: `tag len value`; returns the value."""
    raw = bytes(raw)
    if len(raw) < 2:
        raise ApduError(f"record {tag:02X}: {len(raw)} bytes is too short for tag and length")
    if raw[0] != tag:
        raise ApduError(f"record {tag:02X}: got tag {raw[0]:02X}")
    length = raw[1]
    if len(raw) < 2 + length:
        raise ApduError(f"record {tag:02X}: length {length} but only {len(raw) - 2} bytes")
    return raw[2:2 + length]


def build_tlv_record(tag: int, value: bytes) -> bytes:
    if len(value) > 255:
        raise ValueError("a record value holds at most 255 bytes")
    return bytes((tag, len(value))) + bytes(value)


def decode_bcd(raw: bytes) -> str:
    """BCD bytes as a digit string; a trailing F nibble is padding."""
    text = bytes(raw).hex().upper().rstrip("F")
    if not text.isdigit():
        raise ApduError(f"not BCD digits: {bytes(raw).hex()}")
    return text


def decode_bcd_date(raw: bytes) -> date:
    """YYYYMMDD in 4 BCD bytes."""
    digits = decode_bcd(raw)
    if len(digits) != 8:
        raise ApduError(f"a BCD date has 8 digits, got {digits!r}")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as err:
        raise ApduError(f"not a date: {digits}") from err


def encode_bcd_date(value: date) -> bytes:
    return bytes.fromhex(f"{value.year:04d}{value.month:02d}{value.day:02d}")


def decode_gbk(raw: bytes) -> str:
    """GBK text padded with 00, 20 or FF bytes."""
    body = bytes(raw).rstrip(b"\x00\xff \t")
    try:
        return body.decode("gbk").strip()
    except UnicodeDecodeError as err:
        raise ApduError(f"not GBK text: {len(body)} bytes") from err


def encode_gbk(text: str, width: int) -> bytes:
    body = text.encode("gbk")
    if len(body) > width:
        raise ValueError(f"{len(body)} bytes do not fit in {width}")
    return body + b"\x00" * (width - len(body))


def decode_ascii(raw: bytes) -> str:
    body = bytes(raw).rstrip(b"\x00\xff ")
    try:
        return body.decode("ascii")
    except UnicodeDecodeError as err:
        raise ApduError(f"not ASCII text: {body.hex()}") from err
