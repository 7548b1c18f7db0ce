"""What an emulated printer puts on paper: decoded commands -> Receipt (lines, QR, barcodes).

`PaperModel` applies commands the way a printer does (styles, Chinese mode, lines ended
by LF, a receipt ended by a cut); `render_png` draws a receipt 576 dots wide (80 mm paper at
203 dpi; 384 dots for 58 mm) with a CJK font, so a person or a QR scanner can check it, and
records where each element landed (`Receipt.boxes`) so that a test can measure it.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from drivers.escpos.element import Element
from drivers.escpos.protocol import Command
from drivers.escpos.render import draw_receipt

log = logging.getLogger(__name__)

PAPER_WIDTH = 576
PAPER_WIDTHS = {80: 576, 58: 384}  # paper width in mm -> printable dots at 203 dpi


@dataclass
class Receipt:
    """A finished receipt: everything printed between two cuts."""

    elements: list[Element] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    png: bytes = b""
    partial_cut: bool = False
    boxes: list[tuple[int, int, int, int] | None] = field(default_factory=list)  # per element, on the PNG
    paper_width: int = PAPER_WIDTH

    def box_of(self, text: str) -> tuple[int, int, int, int]:
        """Where the text line `text` was printed on the PNG; KeyError when it was not."""
        for element, box in zip(self.elements, self.boxes):
            if element.kind == "text" and element.text == text and box is not None:
                return box
        raise KeyError(f"no printed line {text!r}")

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.elements if e.kind == "text" and e.text.strip()]

    @property
    def text(self) -> str:
        out = []
        for e in self.elements:
            if e.kind == "text":
                out.append(e.text)
            elif e.kind == "qr":
                out.append(f"[QR {e.text}]")
            elif e.kind == "barcode":
                out.append(f"[BARCODE {e.text}]")
            elif e.kind == "image":
                out.append(f"[IMAGE {e.image.width}x{e.image.height}]" + (f" [QR {e.text}]" if e.text else ""))
        return "\n".join(out) + "\n"


def raster_to_image(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """GS v 0 data (MSB first, 1 = black) -> an 8-bit greyscale image, black on white."""
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8)).reshape(height, width_bytes * 8)
    return Image.fromarray(np.where(bits == 1, 0, 255).astype(np.uint8), mode="L")


def decode_qr(image: Image.Image) -> str:
    """Read a QR code from a printed image with OpenCV; "" when none is found."""
    import cv2

    padded = Image.new("L", (image.width + 40, image.height + 40), 255)
    padded.paste(image.convert("L"), (20, 20))
    array = np.array(padded)
    detector = cv2.QRCodeDetector()
    for scale in (1, 2, 4):
        scaled = cv2.resize(array, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST) if scale > 1 else array
        text, _, _ = detector.detectAndDecode(scaled)
        if text:
            return text
    return ""


class PaperModel:
    """Printer state that turns commands into receipts."""

    def __init__(self, chinese_default: bool = False, paper_width: int = PAPER_WIDTH) -> None:
        self.chinese_default = chinese_default
        self.paper_width = paper_width
        self.finished: list[Receipt] = []
        self._receipt = Receipt()
        self._line = bytearray()
        self._reset()
        self._qr_store = b""

    def _reset(self) -> None:
        self.chinese = self.chinese_default
        self.align = 0
        self.bold = False
        self.width = self.height = 1
        self.qr_module = 3
        self.barcode_height = 162

    @property
    def pending(self) -> bool:
        return bool(self._line or self._receipt.elements)

    def apply(self, command: Command) -> Receipt | None:
        """Apply one command; return the receipt it finished (a cut), else None."""
        kind, p = command.kind, command.params
        if kind == "text":
            self._line += command.data.replace(b"\t", b"    ")
        elif kind == "lf":
            self._flush_line(always=True)
        elif kind == "init":
            self._flush_line()
            self._reset()
        elif kind == "chinese_on":
            self.chinese = True
        elif kind == "chinese_off":
            self.chinese = False
        elif kind == "align":
            self.align = p[0] % 48 if p[0] in (0, 1, 2, 48, 49, 50) else 0
        elif kind in ("bold", "double_strike"):
            self.bold = bool(p[0] & 1)
        elif kind == "char_size":
            self.width, self.height = (p[0] >> 4) + 1, (p[0] & 0x0F) + 1
        elif kind == "print_mode":
            self.bold = bool(p[0] & 0x08)
            self.height = 2 if p[0] & 0x10 else 1
            self.width = 2 if p[0] & 0x20 else 1
        elif kind == "feed_lines":
            self._flush_line()
            self._receipt.elements.extend(Element("feed", dots=30) for _ in range(p[0]))
        elif kind == "feed_dots":
            self._flush_line()
            self._receipt.elements.append(Element("feed", dots=p[0]))
        elif kind == "barcode_height":
            self.barcode_height = max(1, p[0])
        elif kind == "code2d":
            self._code2d(command)
        elif kind == "raster":
            self._raster(command)
        elif kind == "barcode":
            self._barcode(command)
        elif kind == "cut":
            return self._cut(command)
        return None

    def _flush_line(self, always: bool = False) -> None:
        if not self._line and not always:
            return
        raw = bytes(self._line)
        self._line.clear()
        text = raw.decode("gb18030" if self.chinese else "cp437", errors="replace")
        self._receipt.elements.append(Element("text", text.rstrip(), self.align, self.bold, self.width, self.height))

    def _code2d(self, command: Command) -> None:
        cn, fn = command.params
        if cn != 49:  # only QR (cn = '1')
            return
        if fn == 67 and command.data:
            self.qr_module = max(1, min(16, command.data[0]))
        elif fn == 80:  # store: m='0' then data
            self._qr_store = command.data[1:]
        elif fn == 81:  # print the stored symbol
            self._flush_line()
            payload = self._qr_store.decode("utf-8", errors="replace")
            self._receipt.elements.append(Element("qr", payload, self.align, module=self.qr_module))
            self._receipt.qr_payloads.append(payload)

    def _raster(self, command: Command) -> None:
        self._flush_line()
        _, width_bytes, height = command.params
        image = raster_to_image(width_bytes, height, command.data)
        payload = decode_qr(image)
        self._receipt.elements.append(Element("image", payload, self.align, image=image))
        if payload:
            self._receipt.qr_payloads.append(payload)

    def _barcode(self, command: Command) -> None:
        self._flush_line()
        data = command.data.decode("ascii", errors="replace")
        if command.params[0] == 73 and len(data) >= 2 and data[0] == "{":
            data = data[2:]  # CODE128: drop the code-set selector {A / {B / {C
        self._receipt.elements.append(Element("barcode", data, self.align, dots=self.barcode_height))
        self._receipt.barcodes.append(data)

    def _cut(self, command: Command) -> Receipt:
        self._flush_line()
        partial, feed = command.params if command.params else (1, 0)
        if feed:
            self._receipt.elements.append(Element("feed", dots=feed))
        receipt, self._receipt = self._receipt, Receipt()
        receipt.partial_cut = bool(partial)
        receipt.paper_width = self.paper_width
        receipt.png = render_png(receipt)
        self.finished.append(receipt)
        return receipt


def render_png(receipt: Receipt) -> bytes:
    """Draw the receipt and return PNG bytes."""
    receipt.boxes = []
    image = draw_receipt(receipt.elements, receipt.paper_width, receipt.boxes)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
