"""Licences rendered as real A4 PDFs with Chinese text (reportlab + a CJK TrueType font)."""
from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from hall_protocol.platform import Licence

log = logging.getLogger(__name__)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FONT_NAME = "HallCJK"


@lru_cache(maxsize=1)
def _font() -> str:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
            return FONT_NAME
    log.warning("no CJK font found in %s; Chinese text will not render", FONT_CANDIDATES)
    return "Helvetica"


def render_licence(lic: Licence, holder_name: str, holder_masked_id: str) -> bytes:
    """One A4 page: title, holder (name and masked ID), issuer, dates, a frame and a seal."""
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(lic.title)
    c.setAuthor(lic.issuer)
    w, h = A4
    c.setLineWidth(2)
    c.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)
    c.setFont(font, 28)
    c.drawCentredString(w / 2, h - 50 * mm, lic.title)
    c.setFont(font, 14)
    rows = [("证照编号", lic.licence_id), ("持证人", holder_name), ("证件号码", holder_masked_id),
            ("签发机关", lic.issuer), ("签发日期", lic.issued_on.isoformat()),
            ("有效期至", lic.valid_until.isoformat() if lic.valid_until else "长期")]
    y = h - 80 * mm
    for label, value in rows:
        c.drawString(35 * mm, y, f"{label}：")
        c.drawString(75 * mm, y, value)
        y -= 12 * mm
    c.setFont(font, 11)
    c.drawString(35 * mm, 40 * mm, "本证照由参考服务器生成，仅供演示与测试（合成数据）。")
    c.setStrokeColorRGB(0.8, 0, 0)
    c.circle(w - 55 * mm, 60 * mm, 20 * mm)
    c.setFillColorRGB(0.8, 0, 0)
    c.drawCentredString(w - 55 * mm, 59 * mm, lic.issuer[:8])
    c.showPage()
    c.save()
    return buf.getvalue()
