"""Receipt templates: the queue ticket and the technician's test receipt, as blocks.

The ticket is bilingual (the citizen's language first, the other below it) and laid out for
the paper it goes on: 80 mm (576 dots at 203 dpi) or 58 mm (384 dots). Its number is printed
with GS ! at eight times the normal height (a 192-dot cell: the digits stand about 17 mm
tall, at least the 15 mm = 120 dots a citizen reads from arm's length), as wide as the paper
allows; every other line is wrapped to the paper's width, so nothing is cut off.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from drivers.escpos.commands import Block, Cut, Feed, Line, Qr
from drivers.escpos.element import HALF_WIDTH_DOTS, text_width

# Printable width in dots per paper width in mm (203 dpi printers: 48 mm and 72 mm printable).
PAPER_DOTS = {58: 384, 80: 576}
MARGIN_DOTS = 8     # the emulator's left margin (drivers/escpos/render.py): keep lines clear of it
NUMBER_HEIGHT = 8   # GS ! height multiplier of the ticket number (24 x 8 = 192-dot cell)
NUMBER_MAX_WIDTH = 8
NUMBER_COLUMN_DOTS = 14  # a half-width column of the number, with room for wider printer fonts

TEXTS = {
    "zh": {
        "ahead": "前面还有 {n} 人",
        "next": "即将叫号，请留意叫号屏幕",
        "wait": "预计等候约 {n} 分钟",
        "wait_unknown": "预计等候：暂无估计",
        "area": "请到 {area} 等候叫号",
        "time": "取号时间：{time}",
        "scan": "微信扫码查看排队进度",
        "note": "过号请重新取号，请留意叫号屏幕和语音",
    },
    "en": {
        "ahead": "{n} people ahead of you",
        "next": "You are next: please watch the screen",
        "wait": "Estimated wait: about {n} min",
        "wait_unknown": "Estimated wait: no estimate yet",
        "area": "Please wait at: {area}",
        "time": "Issued: {time}",
        "scan": "Scan to follow the queue on your phone",
        "note": "If you miss your call, please take a new ticket.",
    },
}


@dataclass(frozen=True)
class TicketReceipt:
    """What a queue ticket shows; no personal data belongs here. `lang` is the citizen's
    language (printed first); the `_en` names are printed under the Chinese ones (or above
    them for an English ticket) when they are given."""

    hall_name: str
    number: str
    service_name: str
    people_ahead: int
    estimated_wait_min: float | None
    window_area: str
    issued_at: datetime
    qr_url: str
    lang: str = "zh"
    notice: str | None = None
    service_name_en: str = ""
    window_area_en: str = ""
    hall_name_en: str = ""

    def __post_init__(self) -> None:
        if self.lang not in TEXTS:
            raise ValueError(f"ticket language must be one of {sorted(TEXTS)}, got {self.lang!r}")
        if self.people_ahead < 0:
            raise ValueError("people_ahead cannot be negative")
        if self.estimated_wait_min is not None and not self.estimated_wait_min >= 0:
            raise ValueError(f"estimated_wait_min must be >= 0 or None, got {self.estimated_wait_min!r}")


def wrap(text: str, columns: int) -> list[str]:
    """Break `text` into lines of at most `columns` half-width columns; English breaks at
    spaces where it can, Chinese anywhere."""
    columns = max(2, columns)
    lines: list[str] = []
    line = ""
    for word in _words(text):
        candidate = line + word
        if text_width(candidate) <= columns:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = word.lstrip()
        while text_width(line) > columns:  # a word longer than a line: cut it
            cut = 0
            while text_width(line[:cut + 1]) <= columns:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Split into pieces that stay together: a space-led ASCII word, or one wide character."""
    words: list[str] = []
    for ch in text:
        if _is_wide(ch) or not words or ch == " " or _is_wide(words[-1][-1]):
            words.append(ch)
        else:
            words[-1] += ch
    return words


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def wait_text(people_ahead: int, estimated_wait_min: float | None, lang: str) -> str:
    """Never "about 0 min": nobody ahead is "you are next", no estimate says so, and any
    estimate for someone with people ahead is at least one minute (rounded up)."""
    t = TEXTS[lang]
    if people_ahead == 0:
        return t["next"]
    if estimated_wait_min is None:
        return t["wait_unknown"]
    return t["wait"].format(n=max(1, math.ceil(estimated_wait_min - 1e-9)))


def number_width(number: str, paper_dots: int) -> int:
    """The widest GS ! width multiplier at which the number still fits on the paper."""
    columns = max(1, text_width(number))
    return max(1, min(NUMBER_MAX_WIDTH, (paper_dots - 2 * MARGIN_DOTS) // (NUMBER_COLUMN_DOTS * columns)))


def ticket_blocks(ticket: TicketReceipt, paper_mm: int = 80) -> list[Block]:
    """The ticket layout: hall, big number, service, queue figures, area, time, QR, note, cut."""
    if paper_mm not in PAPER_DOTS:
        raise ValueError(f"paper width must be one of {sorted(PAPER_DOTS)} mm, got {paper_mm!r}")
    dots = PAPER_DOTS[paper_mm]
    first = ticket.lang
    other = "en" if first == "zh" else "zh"

    def lines(text: str, *, size: int = 1, bold: bool = False) -> list[Block]:
        columns = (dots - 2 * MARGIN_DOTS) // (HALF_WIDTH_DOTS * size)
        return [Line(part, align="center", bold=bold, size=size) for part in wrap(text, columns) if part]

    def both(zh: str, en: str, *, size: int = 1, bold: bool = False) -> list[Block]:
        """The citizen's language at `size`, the other language below at normal size."""
        texts = {"zh": zh, "en": en}
        out = lines(texts[first], size=size, bold=bold)
        if texts[other] and texts[other] != texts[first]:
            out += lines(texts[other])
        return out

    def phrase(key: str, **kw) -> list[Block]:
        return both(TEXTS["zh"][key].format(**kw), TEXTS["en"][key].format(**kw))

    hall_en = ticket.hall_name_en or ticket.hall_name
    area_en = ticket.window_area_en or ticket.window_area
    blocks: list[Block] = both(ticket.hall_name, hall_en, bold=True)
    blocks.append(Feed(1))
    blocks.append(Line(ticket.number, align="center", bold=True, size=NUMBER_HEIGHT,
                       width=number_width(ticket.number, dots)))
    blocks += both(ticket.service_name, ticket.service_name_en, size=2, bold=True)
    blocks.append(Feed(1))
    blocks += phrase("ahead", n=ticket.people_ahead)
    blocks += both(wait_text(ticket.people_ahead, ticket.estimated_wait_min, "zh"),
                   wait_text(ticket.people_ahead, ticket.estimated_wait_min, "en"))
    blocks += both(TEXTS["zh"]["area"].format(area=ticket.window_area),
                   TEXTS["en"]["area"].format(area=area_en))
    blocks += phrase("time", time=ticket.issued_at.strftime("%Y-%m-%d %H:%M"))
    if ticket.qr_url:
        blocks.append(Qr(ticket.qr_url, size=6 if paper_mm == 80 else 5))
        blocks += phrase("scan")
    if ticket.notice:
        blocks += lines(ticket.notice)
    else:
        blocks += phrase("note")
    blocks.append(Cut())
    return blocks


def text_receipt_blocks(lines: list[str], qr: str | None = None) -> list[Block]:
    """A plain receipt (the test receipt): the lines, an optional QR code, a cut."""
    blocks: list[Block] = [Line(line) for line in lines]
    if qr:
        blocks.append(Qr(qr))
    blocks.append(Cut())
    return blocks


def self_test_lines(device_id: str, when: datetime) -> list[str]:
    """The technician's test receipt: Chinese, full-width punctuation, digits, a yuan sign."""
    return [
        "打印机测试页（ESC/POS）",
        f"设备：{device_id}",
        f"时间：{when.strftime('%Y-%m-%d %H:%M:%S')}",
        "中文：政务服务中心 综合窗口 叫号",
        "符号：，。：；！？（）【】¥ 0123456789",
        "ASCII: ABCDEFGHIJKLMNOPQRSTUVWXYZ abc",
    ]
