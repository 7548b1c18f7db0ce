"""Draw emulated receipts with PIL: CJK text, scannable QR codes, CODE128 barcodes."""
from __future__ import annotations

import functools
import logging
import os

from PIL import Image, ImageDraw, ImageFont

from drivers.escpos.element import HALF_WIDTH_DOTS, Element, text_width

log = logging.getLogger(__name__)

BASE_FONT_PX = 24  # font A is 12x24 dots, a Chinese character 24x24
LINE_GAP = 6
# (file, face index): Noto Sans CJK's collection holds JP, KR, SC, TC...: index 2 is SC.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)


@functools.lru_cache(maxsize=32)
def cjk_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for pattern, index in FONT_CANDIDATES:
        path = pattern.format(weight="Bold" if bold else "Regular")
        if os.path.exists(path):
            return ImageFont.truetype(path, size, index=index)
    log.warning("no CJK font found (install fonts-noto-cjk); Chinese will render as boxes")
    return ImageFont.load_default()


MARGIN = 8


def _x_for(align: int, width: int, paper: int) -> int:
    return max(0, {1: (paper - width) // 2, 2: paper - width - MARGIN}.get(align, MARGIN))


def _qr_image(payload: str, module: int) -> Image.Image:
    import qrcode

    code = qrcode.QRCode(box_size=module, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _barcode_image(data: str, height: int) -> Image.Image:
    import barcode
    from barcode.writer import ImageWriter

    writer = ImageWriter(mode="L")
    code = barcode.get("code128", data, writer=writer)
    image = code.render({"module_height": max(5.0, height / 8), "module_width": 0.25, "quiet_zone": 2,
                         "font_size": 0, "write_text": False, "dpi": 203})
    return image.convert("L")


def _element_image(element: Element, paper: int) -> Image.Image | None:
    if element.kind == "image":
        return element.image
    if element.kind == "qr":
        return _qr_image(element.text, element.module)
    if element.kind == "barcode":
        try:
            return _barcode_image(element.text, element.dots)
        except Exception as err:  # a barcode the library cannot draw is shown as text
            log.warning("cannot draw barcode: %s", err)
    return None


def _text_image(element: Element, paper: int) -> Image.Image:
    font = cjk_font(BASE_FONT_PX * element.height, element.bold)
    left, _, right, _ = font.getbbox(element.text or " ")
    ascent, descent = font.getmetrics()
    height = ascent + descent + LINE_GAP
    canvas = Image.new("L", (max(1, right - left), height), 255)
    ImageDraw.Draw(canvas).text((-left, LINE_GAP // 2), element.text, font=font, fill=0)
    if element.width != element.height:  # GS ! with unequal multipliers stretches glyphs
        canvas = canvas.resize((max(1, canvas.width * element.width // element.height), height))
    cells = text_width(element.text) * HALF_WIDTH_DOTS * element.width
    if canvas.width > cells:  # the printer's font has fixed 12-dot columns: never wider than those
        canvas = canvas.resize((max(1, cells), height))
    if canvas.width > paper:
        canvas = canvas.crop((0, 0, paper, height))
    return canvas


def draw_receipt(elements: list[Element], paper: int,
                 boxes: list[tuple[int, int, int, int] | None] | None = None) -> Image.Image:
    """Stack the elements top to bottom on a white strip `paper` dots wide. When `boxes` is
    given, it receives each element's place on the strip (left, top, right, bottom), or None
    for a blank feed, so that a test can measure what was printed."""
    pieces: list[tuple[Image.Image | None, int, int]] = []  # image, align, blank height
    for element in elements:
        if element.kind == "feed":
            pieces.append((None, 0, element.dots))
        elif element.kind == "text":
            if element.text:
                pieces.append((_text_image(element, paper), element.align, 0))
            else:
                pieces.append((None, 0, BASE_FONT_PX + LINE_GAP))
        else:
            image = _element_image(element, paper)
            if image is None:
                image = _text_image(element, paper)
            if image.width > paper:
                image = image.crop((0, 0, paper, image.height))
            pieces.append((image, element.align, 0))
    total = 20 + sum(img.height if img is not None else gap for img, _, gap in pieces)
    page = Image.new("L", (paper, max(total, 40)), 255)
    y = 10
    for image, align, gap in pieces:
        if image is None:
            y += gap
            if boxes is not None:
                boxes.append(None)
            continue
        x = _x_for(align, image.width, paper)
        page.paste(image, (x, y))
        if boxes is not None:
            boxes.append((x, y, x + image.width, y + image.height))
        y += image.height
    return page
