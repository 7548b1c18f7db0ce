"""The SAM serial protocol (GA 467) as pure functions: frames in, typed results out.

Frame: AA AA AA 96 69 | LEN_hi LEN_lo | body | CHK, where LEN counts every byte after
the LEN field (CHK included) and CHK is the XOR of both LEN bytes and the body.
Request body: CMD PARA [data]. Response body: 00 00 SW3 [data].
Nothing here touches a port; the reader and the emulator both build on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import partial, reduce

from drivers.core.errors import Action
from drivers.idcard.errors import (
    CardReadFailed,
    CardRejected,
    CommandRejected,
    FrameError,
    IdCardError,
    NoCard,
    NotAnIdCard,
    SamFault,
    SamReceiveError,
)

PREAMBLE = bytes.fromhex("AAAAAA9669")
MAX_LEN = 4096          # the longest reply (30 10 with 1024-byte fingerprint) has LEN 090A
TEXT_LEN = 256
PHOTO_LEN = 1024
ADDRESS_LEN = 70
SAM_ID_LEN = 16


class Command(bytes, Enum):
    """CMD PARA of every request."""

    RESET_SAM = b"\x10\xff"
    SAM_STATUS = b"\x11\xff"
    SAM_ID = b"\x12\xff"
    FIND_CARD = b"\x20\x01"
    SELECT_CARD = b"\x20\x02"
    READ_BASE = b"\x30\x01"
    READ_NEW_ADDRESS = b"\x30\x03"
    READ_WITH_FINGERPRINT = b"\x30\x10"
    SET_BAUD = b"\x60\x00"      # PARA is the baud code, see BAUD_CODES


class Status(int, Enum):
    """SW3 codes that are results rather than errors."""

    SUCCESS = 0x90
    NO_CONTENT = 0x91
    CARD_FOUND = 0x9F
    NO_CARD = 0x80


BAUD_CODES = {115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04}

# SW3 -> (error class, message, action override). 90, 91, 9F are results, not errors.
STATUS_ERRORS: dict[int, tuple[type[IdCardError], str, Action | None]] = {
    0x10: (SamReceiveError, "SAM received a frame with a bad checksum", None),
    0x11: (SamReceiveError, "SAM received a frame with a bad length", None),
    0x21: (CommandRejected, "SAM rejected the command", Action.TECHNICIAN),
    0x23: (SamFault, "operation not authorised by the SAM", None),
    0x24: (CommandRejected, "SAM reported an unrecognised error", None),
    0x31: (CardRejected, "card failed to authenticate the SAM", None),
    0x32: (CardRejected, "SAM failed to authenticate the card", None),
    0x33: (CardRejected, "card information verification error", None),
    0x40: (NotAnIdCard, "unknown card type", None),
    0x41: (CardReadFailed, "reading the card failed", None),
    0x47: (CardReadFailed, "get-random from the card failed", None),
    0x60: (SamFault, "SAM self-test failed", None),
    0x66: (SamFault, "SAM not authorised", None),
    0x80: (NoCard, "no card on the reader", None),
    0x81: (CardReadFailed, "selecting the card failed", None),
}


def checksum(length_and_body: bytes) -> int:
    """XOR of the LEN bytes and the body (the preamble is not included)."""
    return reduce(lambda acc, b: acc ^ b, length_and_body, 0)


def build_frame(body: bytes) -> bytes:
    """Wrap a request or response body into a complete frame."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def build_request(command: Command, para: int | None = None, data: bytes = b"") -> bytes:
    body = bytearray(command.value)
    if para is not None:
        body[1] = para
    return build_frame(bytes(body) + data)


# One builder per command: reset_sam() == AA AA AA 96 69 00 03 10 FF EC, and so on.
reset_sam = partial(build_request, Command.RESET_SAM)
sam_status = partial(build_request, Command.SAM_STATUS)
sam_id = partial(build_request, Command.SAM_ID)
find_card = partial(build_request, Command.FIND_CARD)
select_card = partial(build_request, Command.SELECT_CARD)
read_base = partial(build_request, Command.READ_BASE)
read_new_address = partial(build_request, Command.READ_NEW_ADDRESS)
read_with_fingerprint = partial(build_request, Command.READ_WITH_FINGERPRINT)


def set_baud(baud: int) -> bytes:
    if baud not in BAUD_CODES:
        raise ValueError(f"unsupported baud {baud}; choose one of {sorted(BAUD_CODES)}")
    return build_request(Command.SET_BAUD, BAUD_CODES[baud])


def build_response(status: int, data: bytes = b"") -> bytes:
    """A reply frame: 00 00 SW3 data (used by the emulator and the tests)."""
    return build_frame(bytes([0, 0, status]) + data)


# -- stream framing ------------------------------------------------------------------
class FrameDecoder:
    """Finds frames in a byte stream: skips garbage, checks LEN and CHK, resyncs.

    `feed()` adds bytes; `next_body()` returns the next valid body, None when more bytes
    are needed, or raises FrameError for a damaged frame (which is dropped, so the next
    call continues after it). It never loops without consuming input.
    """

    def __init__(self, max_len: int = MAX_LEN) -> None:
        self._buf = bytearray()
        self.max_len = max_len
        self.skipped = 0

    def feed(self, data: bytes) -> None:
        self._buf += data

    @property
    def pending(self) -> int:
        return len(self._buf)

    def clear(self) -> None:
        self._buf.clear()

    def next_body(self) -> bytes | None:
        start = self._buf.find(PREAMBLE)
        if start < 0:
            # Keep a tail that could be the start of a preamble split across reads.
            keep = next((k for k in range(min(4, len(self._buf)), 0, -1)
                         if self._buf.endswith(PREAMBLE[:k])), 0)
            self.skipped += len(self._buf) - keep
            del self._buf[:len(self._buf) - keep]
            return None
        if start:
            self.skipped += start
            del self._buf[:start]
        if len(self._buf) < 7:
            return None
        length = int.from_bytes(self._buf[5:7], "big")
        if length < 2 or length > self.max_len:
            del self._buf[:1]          # not a real frame start: resync after it
            raise FrameError(f"implausible frame length {length}")
        if len(self._buf) < 7 + length:
            return None
        frame = bytes(self._buf[:7 + length])
        if checksum(frame[5:-1]) != frame[-1]:
            del self._buf[:1]          # resync: a real frame may begin inside this one
            raise FrameError(f"bad checksum in a {len(frame)}-byte frame")
        del self._buf[:7 + length]
        return frame[7:-1]


def decode_frame(frame: bytes) -> bytes:
    """The body of exactly one complete frame; FrameError for anything else."""
    decoder = FrameDecoder()
    decoder.feed(frame)
    body = decoder.next_body()
    if body is None or decoder.skipped or decoder.pending:
        raise FrameError(f"not exactly one complete frame ({len(frame)} bytes)")
    return body


# -- responses -----------------------------------------------------------------------
@dataclass(frozen=True)
class Response:
    status: int
    data: bytes = b""


def parse_response(body: bytes) -> Response:
    """Split a response body into SW3 and data; SW1 SW2 must be 00 00."""
    if len(body) < 3:
        raise FrameError(f"response body too short ({len(body)} bytes)")
    if body[0] or body[1]:
        raise FrameError(f"SW1 SW2 must be 00 00, got {body[0]:02X} {body[1]:02X}")
    return Response(body[2], bytes(body[3:]))


def status_error(status: int) -> IdCardError:
    """The typed error for a failing SW3 (an unknown code is a protocol error)."""
    if status not in STATUS_ERRORS:
        return CommandRejected(f"unknown status SW3={status:02X}", sw3=status)
    cls, message, action = STATUS_ERRORS[status]
    return cls(f"{message} (SW3={status:02X})", sw3=status, action=action)


def expect(response: Response, *ok: int) -> Response:
    if response.status not in ok:
        raise status_error(response.status)
    return response


def parse_simple(response: Response) -> None:
    """Reset, SAM status, baud: success is SW3 90 and nothing else."""
    expect(response, Status.SUCCESS)


def parse_find(response: Response) -> bool:
    """True when a card was found (9F), False for no card (80): polling state."""
    if response.status == Status.NO_CARD:
        return False
    expect(response, Status.CARD_FOUND)
    return True


def parse_select(response: Response) -> bytes:
    """The 8 bytes that follow a successful select."""
    return expect(response, Status.SUCCESS).data


def parse_sam_id(response: Response) -> str:
    """The SAM id in its usual printed form, e.g. 05.01-20101028-0012345678-1234567890.

    Public reader implementations print the 16 bytes as little-endian fields
    u16.u16-u32-u32-u32.
    """
    data = expect(response, Status.SUCCESS).data
    if len(data) != SAM_ID_LEN:
        raise FrameError(f"SAM id must be {SAM_ID_LEN} bytes, got {len(data)}")
    le = lambda a, b: int.from_bytes(data[a:b], "little")  # noqa: E731
    return f"{le(0, 2):02d}.{le(2, 4):02d}-{le(4, 8):08d}-{le(8, 12):010d}-{le(12, 16):010d}"


@dataclass(frozen=True)
class CardRecord:
    """The raw parts of a card read: text block, photo and optional fingerprint."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""

    def __repr__(self) -> str:  # never print personal data by accident
        return f"CardRecord(text=<{len(self.text)} bytes>, photo=<{len(self.photo)} bytes>, " \
               f"fingerprint=<{len(self.fingerprint)} bytes>)"


def parse_read(response: Response, *, with_fingerprint: bool = False) -> CardRecord:
    """Parse the reply to 30 01 (or 30 10 with `with_fingerprint`)."""
    data = expect(response, Status.SUCCESS).data
    header = 6 if with_fingerprint else 4
    if len(data) < header:
        raise FrameError(f"read reply too short ({len(data)} bytes)")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    finger_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if text_len != TEXT_LEN or photo_len != PHOTO_LEN:
        raise FrameError(f"unexpected text/photo lengths {text_len}/{photo_len}")
    if len(data) != header + text_len + photo_len + finger_len:
        raise FrameError(f"read reply holds {len(data)} bytes, lengths announce "
                         f"{header + text_len + photo_len + finger_len}")
    text = data[header:header + text_len]
    photo = data[header + text_len:header + text_len + photo_len]
    return CardRecord(text, photo, data[header + text_len + photo_len:])


def parse_new_address(response: Response) -> str | None:
    """The appended (newest) address, or None when the card has none (91)."""
    if response.status == Status.NO_CONTENT:
        return None
    data = expect(response, Status.SUCCESS).data
    if len(data) != ADDRESS_LEN:
        raise FrameError(f"appended address must be {ADDRESS_LEN} bytes, got {len(data)}")
    return decode_ucs2(data)


def decode_ucs2(data: bytes) -> str:
    """UCS-2LE text padded with spaces (and sometimes NULs)."""
    if len(data) % 2:
        raise FrameError("UCS-2 text with an odd number of bytes")
    try:
        return data.decode("utf-16-le").rstrip(" \x00")
    except UnicodeDecodeError as err:
        raise FrameError("text is not valid UCS-2") from err


def encode_ucs2(text: str, size: int) -> bytes:
    raw = text.encode("utf-16-le")
    if len(raw) > size:
        raise ValueError(f"text too long for a {size}-byte field")
    return raw + b" \x00" * ((size - len(raw)) // 2)


def is_card_data(command: bytes) -> bool:
    """Replies to these commands carry personal data and must not be logged raw."""
    return command[:1] == b"\x30"
