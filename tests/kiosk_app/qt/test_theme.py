"""The kiosk's theme (kiosk_app/qt/theme.py): every text/background pair it draws is at least
7:1 (WCAG 2.2 AAA), and the sizes of the elderly mode are the numbers the hall promises. The
rendered pages are measured by test_accessibility.py; this checks the table itself."""
from __future__ import annotations

import pytest

from kiosk_app.qt import theme


def test_contrast_formula_against_known_values():
    assert theme.contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert theme.contrast("#ffffff", "#1565c0") == pytest.approx(5.75, abs=0.01)   # the old secondary blue


@pytest.mark.parametrize("fg,bg", theme.PAIRS)
def test_every_pair_is_aaa(fg, bg):
    assert theme.contrast(fg, bg) >= theme.MIN_CONTRAST, (fg, bg)


def test_mode_sizes():
    for role, (normal, elderly) in theme.TYPE.items():
        limit = theme.MIN_PRIMARY if role in theme.PRIMARY_ROLES else theme.MIN_TEXT
        assert normal >= limit[False] and elderly >= limit[True], role
    for role, (normal, elderly) in theme.TARGET.items():
        assert normal >= theme.MIN_TARGET[False] and elderly >= theme.MIN_TARGET[True], role
    assert theme.MIN_TEXT[True] >= 48 and theme.MIN_PRIMARY[True] >= 64 and theme.MIN_TARGET[True] >= 128
