"""One printed item of an emulated receipt: what the paper model (receipt.py) makes of the
commands and what the drawing (render.py) puts on the strip."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PIL import Image


@dataclass
class Element:
    """One printed item: a text line, an image, a native QR code, a barcode or blank feed."""

    kind: str  # "text" | "image" | "qr" | "barcode" | "feed"
    text: str = ""
    align: int = 0
    bold: bool = False
    width: int = 1
    height: int = 1
    image: Image.Image | None = None
    module: int = 3
    dots: int = 0


HALF_WIDTH_DOTS = 12  # font A: an ASCII character is 12 dots wide, a Chinese one 24


def text_width(text: str) -> int:
    """Width in half-width columns: a Chinese (wide or full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
