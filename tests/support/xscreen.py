"""A real X screen for a test: a private Xvfb (1920x1080), optionally with a window manager
(openbox, so that Alt+F4 means what it means on a desktop). Apps started under it use Qt's
xcb platform, not offscreen."""
from __future__ import annotations

import os

import pytest

from devkit.xwindows import Xvfb


@pytest.fixture
def xscreen():
    x = Xvfb(1920, 1080).start()
    yield x
    x.stop()


@pytest.fixture
def xdesktop():
    x = Xvfb(1920, 1080).start().with_window_manager()
    yield x
    x.stop()


def xcb_env(x: Xvfb, **extra: str) -> dict:
    env = {**os.environ, "DISPLAY": x.display, "QT_QPA_PLATFORM": "xcb", **extra}
    for key in ("WAYLAND_DISPLAY", "HALL_WINDOW_GEOMETRY", "QT_SCALE_FACTOR"):
        if key not in extra:
            env.pop(key, None)
    return env
