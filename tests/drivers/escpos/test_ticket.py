"""The printed queue ticket, measured in the emulator's picture of it (203 dpi): a number at
least 15 mm tall, nothing cut off on 58 or 80 mm paper, both languages, a sane estimate."""
from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from drivers.escpos.commands import encode_blocks
from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.printer import ReceiptPrinter
from drivers.escpos.protocol import StreamDecoder
from drivers.escpos.templates import ticket_blocks, wait_text, wrap

MM_15 = 120  # 15 mm at 203 dpi


def _print(ticket, paper_mm: int):
    emulator = EscposEmulator(paper_mm=paper_mm)
    emulator.feed(encode_blocks(ticket_blocks(ticket, paper_mm)), StreamDecoder())
    [receipt] = emulator.receipts
    return receipt, Image.open(io.BytesIO(receipt.png)).convert("L")


def _ink(image: Image.Image, box) -> tuple[int, int, int, int]:
    """The bounding box of the black pixels inside `box`, in page coordinates."""
    left, top, right, bottom = box
    dark = np.array(image.crop(box)) < 128
    rows, cols = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    assert rows.size and cols.size, f"nothing printed in {box}"
    return left + cols[0], top + rows[0], left + cols[-1] + 1, top + rows[-1] + 1


@pytest.fixture
def full_ticket(ticket):
    return replace(ticket, hall_name_en="Civic Service Centre", service_name_en="Real estate registration",
                   window_area_en="Zone B, windows 3-8", estimated_wait_min=19.2,
                   qr_url="https://q.example.cn/t/demo/Jq8c2nVtX0bLm4Rs9aWd1A")


@pytest.mark.parametrize("paper_mm, width", [(80, 576), (58, 384)])
@pytest.mark.parametrize("number", ["A017", "AB123", "C1000"])
def test_number_is_at_least_15_mm_tall_and_whole(full_ticket, paper_mm, width, number):
    receipt, image = _print(replace(full_ticket, number=number), paper_mm)
    assert image.width == width
    left, top, right, bottom = _ink(image, receipt.box_of(number))
    assert bottom - top >= MM_15, f"{number} is {(bottom - top) / 8:.1f} mm tall on {paper_mm} mm paper"
    assert left > 0 and right < width, f"{number} touches the paper's edge: cut off"


@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_line_fits_the_paper_and_both_languages_are_printed(full_ticket, paper_mm, lang):
    receipt, image = _print(replace(full_ticket, lang=lang), paper_mm)
    for element, box in zip(receipt.elements, receipt.boxes):
        if box is not None and element.kind == "text":
            assert box[2] - box[0] < image.width, f"{element.text!r} is cut off on {paper_mm} mm paper"
    text = receipt.text.replace("\n", " ")
    for words in ("不动产登记", "Real estate registration", "前面还有 5 人", "5 people ahead of you",
                  "预计等候约 20 分钟", "about 20 min", "B区 3-8号窗口", "Zone B, windows 3-8",
                  "取号时间：2026-01-05 09:30", "Issued: 2026-01-05 09:30"):
        assert words in text, f"{words!r} missing from the {lang} ticket on {paper_mm} mm"
    assert receipt.qr_payloads == ["https://q.example.cn/t/demo/Jq8c2nVtX0bLm4Rs9aWd1A"]
    first = receipt.lines[0]
    assert first == ("市民中心政务服务大厅" if lang == "zh" else "Civic Service Centre")


def test_the_qr_of_the_phone_page_scans_on_58_mm_paper(full_ticket):
    from drivers.escpos.receipt import decode_qr

    _, image = _print(full_ticket, 58)
    assert decode_qr(image) == full_ticket.qr_url


def test_no_qr_when_the_hall_has_no_phone_page(full_ticket):
    receipt, _ = _print(replace(full_ticket, qr_url=""), 80)
    assert receipt.qr_payloads == [] and "微信扫码查看排队进度" not in receipt.lines


@pytest.mark.parametrize("ahead, minutes, zh, en", [
    (0, 0.0, "即将叫号，请留意叫号屏幕", "You are next: please watch the screen"),
    (0, None, "即将叫号，请留意叫号屏幕", "You are next: please watch the screen"),
    (3, None, "预计等候：暂无估计", "Estimated wait: no estimate yet"),
    (1, 0.0, "预计等候约 1 分钟", "Estimated wait: about 1 min"),
    (2, 0.4, "预计等候约 1 分钟", "Estimated wait: about 1 min"),
    (4, 7.0, "预计等候约 7 分钟", "Estimated wait: about 7 min"),
    (4, 7.2, "预计等候约 8 分钟", "Estimated wait: about 8 min"),
])
def test_estimate_is_never_about_zero_minutes(ahead, minutes, zh, en):
    assert (wait_text(ahead, minutes, "zh"), wait_text(ahead, minutes, "en")) == (zh, en)


@pytest.mark.parametrize("ahead, minutes", [(0, 0.0), (0, 0.3), (5, 0.0), (5, None)])
def test_printed_ticket_never_says_zero_minutes(full_ticket, ahead, minutes):
    receipt, _ = _print(replace(full_ticket, people_ahead=ahead, estimated_wait_min=minutes), 80)
    assert "约 0 分钟" not in receipt.text and "about 0 min" not in receipt.text
    if ahead == 0:
        assert "即将叫号，请留意叫号屏幕" in receipt.lines and "You are next: please watch the screen" in receipt.lines


def test_wrap_keeps_words_and_columns():
    assert wrap("If you miss your call, please take a new ticket.", 30) == [
        "If you miss your call, please", "take a new ticket."]
    assert wrap("过号请重新取号，请留意叫号屏幕和语音", 30) == ["过号请重新取号，请留意叫号屏幕", "和语音"]
    assert wrap("", 10) == [""]


def test_printer_prints_for_its_paper_width(full_ticket):
    printer = ReceiptPrinter("sim://ticket58?paper_mm=58", device_id="p58", timeout=0.2)
    printer.start()
    try:
        printer.print_ticket(full_ticket)
        [receipt] = printer.emulator.wait_for_receipts(1)
    finally:
        printer.close()
    assert Image.open(io.BytesIO(receipt.png)).width == 384
    assert "Please wait at: Zone B," in receipt.lines   # wrapped for 58 mm, not cut off


def test_printer_refuses_an_unknown_paper_width():
    from drivers.core.url import UrlError

    with pytest.raises(UrlError, match="paper_mm must be one of"):
        ReceiptPrinter("sim://x?paper_mm=76")
