"""The kiosk's look in one place: colours, type scale, touch targets, spacing, for the normal and
the elderly mode (长辈版). Every kiosk page takes its colours and sizes from here; no page holds
a colour or a pixel size of its own. Rendering only.

Colours: government blue and white. Every text colour below is at least 7:1 (WCAG 2.2 AAA)
against every background it is drawn on (`PAIRS`, checked by tests/kiosk_app/qt/test_theme.py and
measured on the rendered pages by tests/kiosk_app/qt/test_accessibility.py).

Sizes are pixels on the 1080-px-wide portrait panel (1080x1920), the kiosk's design size:
- normal mode: text at least 32 px, the main text of a page at least 44 px, touch targets at
  least 96 px;
- elderly mode: text at least 48 px, the main text (titles, choices, prompts) at least 64 px,
  touch targets at least 128 px (MIIT's elderly-friendly rules: main text >= 30 pt, targets
  >= 60 dp; 48 px is 36 pt at 96 dpi). Line spacing comes from the font: Noto Sans CJK's lines
  are ~1.45 of its size (>= 1.3 asked), measured by the audit.
"""
from __future__ import annotations

from dataclasses import dataclass

# -- colours --------------------------------------------------------------------------------
PAGE = "#08306b"        # the page: deep government blue (white on it 12.8:1)
CARD = "#0a3a8a"        # a framed block on the page (white 10.6:1, gold 7.5:1)
SECONDARY = "#0d47a1"   # secondary buttons (white on it 8.6:1; #1565c0 was 5.75:1)
INK = PAGE              # text on white, gold and pale buttons
WHITE = "#ffffff"
GOLD = "#ffd54f"        # titles, numbers, what to look at first (9.0:1 on PAGE)
WARN = "#ffd6c9"        # something went wrong (9.6:1 on PAGE; the old salmon #ffab91 was 5.5:1 on #0b3d91)
GOOD = "#c8e6c9"        # done, paid, verified (9.5:1 on PAGE)
DISABLED_BG, DISABLED_INK = "#b0bfdc", "#1f2d4d"    # 7.4:1
CARD_BORDER = "#7d9bd1"
PREVIEW_BG = "#06275e"  # behind the camera's picture

# (text, background) pairs the pages draw: each >= 7:1
PAIRS = [(WHITE, PAGE), (GOLD, PAGE), (WARN, PAGE), (GOOD, PAGE), (WHITE, CARD), (GOLD, CARD), (WARN, CARD),
         (GOOD, CARD), (WHITE, SECONDARY), (INK, WHITE), (INK, GOLD), (INK, GOOD), (DISABLED_INK, DISABLED_BG)]
MIN_CONTRAST = 7.0

# -- type scale (px): role -> (normal, elderly) ---------------------------------------------
TYPE = {
    "display": (200, 240),   # the ticket's number
    "huge": (84, 104),       # a typed code, an amount to pay
    "title": (48, 64),       # a page's title
    "primary": (44, 64),     # the page's prompt, the main choices
    "body": (36, 48),        # everything else a citizen reads
    "small": (32, 48),       # secondary lines (a department, a date); never smaller
}
PRIMARY_ROLES = ("display", "huge", "title", "primary")
MIN_TEXT = {False: 32, True: 48}
MIN_PRIMARY = {False: 44, True: 64}

# -- touch targets (px): role -> (normal, elderly) ------------------------------------------
TARGET = {
    "target": (96, 128),     # any button
    "key": (110, 140),       # a keypad's key
    "choice": (130, 170),    # a page's main choice
    "menu": (150, 190),      # an entry of a menu
}
MIN_TARGET = {False: 96, True: 128}

# -- pictures (px): QR codes and the camera's preview, role -> (normal, elderly) -------------
PICTURE = {
    "pay_qr": (440, 520),    # the payment order's QR code: scanned by the citizen's phone
    "qr": (300, 400),        # an e-invoice's or a ticket's QR code
}

# -- spacing (px) ---------------------------------------------------------------------------
DESIGN_WIDTH = 1080   # the portrait panel the pages are designed for
MARGIN = 32           # the window's side margins
GAP = 20              # between blocks
KEY_GAP = 14          # between a keypad's keys
RADIUS = 20           # buttons
SMALL_RADIUS = 12     # cards, fields, pictures
CAMERA_PREVIEW = (640, 480)    # the identify page's live camera picture
SCAN_PREVIEW = (560, 420)      # the booking page's QR scan picture


@dataclass(frozen=True)
class Look:
    """The sizes of one mode; pages get the current one from the window (`look()`)."""

    elderly: bool = False

    def px(self, role: str) -> int:
        return TYPE[role][self.elderly]

    def target(self, role: str = "target") -> int:
        return TARGET[role][self.elderly]

    def picture(self, role: str) -> int:
        return PICTURE[role][self.elderly]

    def font(self, role: str, bold: bool = False) -> str:
        """A stylesheet fragment for text of this role."""
        return f"font-size:{self.px(role)}px; {'font-weight:bold;' if bold else ''}"


NORMAL, ELDERLY = Look(False), Look(True)


def look_for(elderly: bool) -> Look:
    return ELDERLY if elderly else NORMAL


def button_css(look: Look, role: str = "body", *, kind: str = "primary") -> str:
    """A button's stylesheet: "primary" (white, the choices), "gold" (to press first), "secondary"
    (blue with a white frame: back, done, language), "good" (a green-channel choice)."""
    bg, ink = {"primary": (WHITE, INK), "gold": (GOLD, INK), "secondary": (SECONDARY, WHITE),
               "good": (GOOD, INK)}[kind]
    border = f"border:3px solid {WHITE};" if kind == "secondary" else "border:none;"
    return (f"QPushButton{{background:{bg}; color:{ink}; {border} border-radius:{RADIUS}px; padding:8px 16px; "
            f"{look.font(role, True)}}}"
            f"QPushButton:pressed{{background:{GOLD}; color:{INK};}}"
            f"QPushButton:disabled{{background:{DISABLED_BG}; color:{DISABLED_INK};}}")


def text_css(look: Look, role: str = "body", colour: str = WHITE, bold: bool = False) -> str:
    return look.font(role, bold) + f"color:{colour};"


def mark(widget, role: str):
    """Record a widget's type role (the accessibility audit holds primary text to the larger size)."""
    widget.setProperty("role", role)
    return widget


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours."""
    def lum(h: str) -> float:
        c = [int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    lo, hi = sorted((lum(a), lum(b)))
    return (hi + 0.05) / (lo + 0.05)
