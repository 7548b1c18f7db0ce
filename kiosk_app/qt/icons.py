"""An icon per service, drawn with QPainter in the theme's ink (no icon files, nothing fetched
at run time). The drawing is chosen from the service's names: social and medical insurance a
shield with a cross, real estate a house, business registration a briefcase, tax a coin, a
general service a document with lines; and the identify page's picture of a card laid on the
reader. Rendering only."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from kiosk_app.qt.theme import GOLD, INK, WHITE

SIZE = 128
KEYWORDS = (   # (drawing, words in the service's Chinese or English name)
    ("shield", ("社保", "医保", "insurance", "social", "medical", "pension")),
    ("house", ("不动产", "房", "estate", "property", "housing")),
    ("briefcase", ("企业", "工商", "business", "company", "enterprise")),
    ("coin", ("税", "tax", "fee")),
)


def kind_for(name: str, name_en: str) -> str:
    text = f"{name} {name_en}".lower()
    return next((kind for kind, words in KEYWORDS if any(w in text for w in words)), "document")


def service_icon(service) -> QIcon:
    return QIcon(draw(kind_for(service.name, getattr(service, "name_en", "") or "")))


def draw(kind: str, size: int = SIZE) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.scale(size / 100, size / 100)
    ink = QColor(INK)
    p.setPen(QPen(ink, 7, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.setBrush(Qt.NoBrush)
    globals()[f"_{kind}"](p, ink)
    p.end()
    return pm


def _document(p: QPainter, ink: QColor) -> None:
    p.drawRoundedRect(QRectF(22, 10, 56, 80), 8, 8)
    for y in (32, 48, 64):
        p.drawLine(QPointF(34, y), QPointF(66, y))


def _shield(p: QPainter, ink: QColor) -> None:
    path = QPainterPath(QPointF(50, 8))
    path.lineTo(86, 22)
    path.cubicTo(86, 60, 70, 80, 50, 92)
    path.cubicTo(30, 80, 14, 60, 14, 22)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(50, 32), QPointF(50, 68))
    p.drawLine(QPointF(32, 50), QPointF(68, 50))


def _house(p: QPainter, ink: QColor) -> None:
    p.drawPolyline(QPolygonF([QPointF(10, 50), QPointF(50, 14), QPointF(90, 50)]))
    p.drawPolyline(QPolygonF([QPointF(22, 42), QPointF(22, 88), QPointF(78, 88), QPointF(78, 42)]))
    p.drawRect(QRectF(42, 60, 16, 28))


def _briefcase(p: QPainter, ink: QColor) -> None:
    p.drawRoundedRect(QRectF(10, 30, 80, 56), 8, 8)
    p.drawRoundedRect(QRectF(36, 16, 28, 14), 4, 4)
    p.drawLine(QPointF(10, 54), QPointF(90, 54))
    p.setBrush(QColor(GOLD))
    p.drawRect(QRectF(44, 48, 12, 12))


def _coin(p: QPainter, ink: QColor) -> None:
    p.drawEllipse(QRectF(12, 12, 76, 76))
    p.drawLine(QPointF(38, 30), QPointF(50, 46))
    p.drawLine(QPointF(62, 30), QPointF(50, 46))
    p.drawLine(QPointF(50, 46), QPointF(50, 72))
    p.drawLine(QPointF(36, 52), QPointF(64, 52))
    p.drawLine(QPointF(36, 62), QPointF(64, 62))


def place_card(size: int) -> QPixmap:
    """The identify page's picture: an ID card coming down onto the reader (white and gold on the
    page's blue)."""
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.scale(size / 100, size / 100)
    white, gold = QColor(WHITE), QColor(GOLD)
    p.setPen(Qt.NoPen)
    p.setBrush(white)
    p.drawRoundedRect(QRectF(22, 8, 56, 36), 5, 5)                 # the card
    p.setBrush(QColor(INK))
    p.drawRect(QRectF(28, 14, 16, 22))                             # its photo
    for y in (16, 24, 32):
        p.drawRect(QRectF(48, y, 24, 3))                           # its lines
    p.setPen(QPen(gold, 6, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawLine(QPointF(50, 50), QPointF(50, 68))                   # down onto the reader
    p.drawPolyline(QPolygonF([QPointF(40, 60), QPointF(50, 70), QPointF(60, 60)]))
    p.setPen(QPen(white, 5))
    p.setBrush(Qt.NoBrush)
    p.drawRoundedRect(QRectF(12, 76, 76, 16), 6, 6)                # the reader
    p.end()
    return pm

