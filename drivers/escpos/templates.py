"""Receipt templates: the queue ticket and the technician's test receipt, as blocks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drivers.escpos.commands import Block, Cut, Feed, Line, Qr

TEXTS = {
    "zh": {
        "ahead": "前面还有 {n} 人",
        "wait": "预计等候约 {n} 分钟",
        "wait_unknown": "预计等候时间：暂无",
        "area": "请到 {area} 等候叫号",
        "time": "取号时间：{time}",
        "scan": "微信扫码查看排队进度",
        "note": "过号请重新取号，请留意叫号屏幕和语音",
    },
    "en": {
        "ahead": "{n} people ahead of you",
        "wait": "Estimated wait: about {n} min",
        "wait_unknown": "Estimated wait: not available",
        "area": "Please wait at: {area}",
        "time": "Issued: {time}",
        "scan": "Scan to follow the queue on your phone",
        "note": "If you miss your call, please take a new ticket.",
    },
}


@dataclass(frozen=True)
class TicketReceipt:
    """What a queue ticket shows; no personal data belongs here."""

    hall_name: str
    number: str
    service_name: str
    people_ahead: int
    estimated_wait_min: int | None
    window_area: str
    issued_at: datetime
    qr_url: str
    lang: str = "zh"
    notice: str | None = None

    def __post_init__(self) -> None:
        if self.lang not in TEXTS:
            raise ValueError(f"ticket language must be one of {sorted(TEXTS)}, got {self.lang!r}")
        if self.people_ahead < 0:
            raise ValueError("people_ahead cannot be negative")


def ticket_blocks(ticket: TicketReceipt) -> list[Block]:
    """The ticket layout: hall, big number, service, queue figures, area, time, QR, note, cut."""
    t = TEXTS[ticket.lang]
    wait = (t["wait"].format(n=ticket.estimated_wait_min) if ticket.estimated_wait_min is not None
            else t["wait_unknown"])
    blocks: list[Block] = [
        Line(ticket.hall_name, align="center", bold=True),
        Feed(1),
        Line(ticket.number, align="center", bold=True, size=2),
        Line(ticket.service_name, align="center", bold=True),
        Feed(1),
        Line(t["ahead"].format(n=ticket.people_ahead), align="center"),
        Line(wait, align="center"),
        Line(t["area"].format(area=ticket.window_area), align="center"),
        Line(t["time"].format(time=ticket.issued_at.strftime("%Y-%m-%d %H:%M")), align="center"),
        Qr(ticket.qr_url),
        Line(t["scan"], align="center"),
        Line(ticket.notice or t["note"], align="center"),
        Cut(),
    ]
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
