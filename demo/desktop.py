"""The desktop demo on one screen: where each app's window goes, at what scale, and whether it
really opened.

    +-----------+---------------------+--------+
    |           |  calling screen     | window |
    |  kiosk    |                     | caller |
    |  (whole,  +----------+----------+--------+
    |  scaled)  | window   | supervisor        |
    |           | screen   |                   |
    |           +----------+                   |
    |           | rating   |                   |
    |           | pad      |                   |
    +-----------+----------+-------------------+

Each app draws itself at its own design size, scaled by Qt (`QT_SCALE_FACTOR`) to its place
(`HALL_WINDOW_GEOMETRY`, read by qtkit.common.show_window), so that nothing is cut off and no
window hides another.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devkit.xwindows import Rect, XError, wait_mapped

# each app's design size: what its window needs (the caller's and the window screen's layouts want a
# little more height than the size they ask for)
DESIGN = {"kiosk": (1080, 1440), "calling-screen": (1920, 1080), "window-caller": (720, 1100),
          "window-screen": (1920, 1120), "rating-pad": (1280, 800), "supervisor": (1680, 1000)}
APPS = tuple(DESIGN)
TITLE_BAR = 32   # what a window manager draws above a window (openbox: 20, GNOME: about 37 with its shadow)


@dataclass(frozen=True)
class Place:
    rect: Rect
    scale: float

    def env(self) -> dict[str, str]:
        return {"HALL_WINDOW_GEOMETRY": self.rect.geometry(), "QT_SCALE_FACTOR": f"{self.scale:.4f}"}


def _place(x: int, y: int, scale: float, app: str) -> Place:
    w, h = DESIGN[app]
    return Place(Rect(x, y, int(w * scale), int(h * scale)), scale)


def arrange(width: int, height: int, *, frame: int = 0, x0: int = 0, y0: int = 0) -> dict[str, Place]:
    """Where each app goes in an area of `width` x `height` pixels at (x0, y0), with `frame`
    pixels above each window for a window manager's title bar (and a border of 1 px around it);
    no two windows, with their title bars and borders, overlap."""
    g = 2 if frame else 0            # the borders between two framed windows
    if frame:
        width, height, x0 = width - 2, height - 2, x0 + 1
    kw, kh = DESIGN["kiosk"]
    ks = min(1.0, (height - frame) / kh, width * 0.45 / kw)
    places = {"kiosk": _place(0, frame, ks, "kiosk")}
    rx = places["kiosk"].rect.width + g
    rw = width - rx
    # the first row: the calling screen and the window caller side by side, one height
    (sw, sh), (cw, ch) = DESIGN["calling-screen"], DESIGN["window-caller"]
    h1 = min(height * 0.6 - frame, (rw - g) / (sw / sh + cw / ch))
    places["calling-screen"] = _place(rx, frame, h1 / sh, "calling-screen")
    places["window-caller"] = _place(rx + places["calling-screen"].rect.width + g, frame, h1 / ch, "window-caller")
    # below: the window screen over the rating pad, the supervisor beside them
    y2 = frame + max(places["calling-screen"].rect.height, places["window-caller"].rect.height) + g + frame
    rest, col = height - y2, (rw - g) / 2
    (ww, wh), (pw, ph), (vw, vh) = DESIGN["window-screen"], DESIGN["rating-pad"], DESIGN["supervisor"]
    places["window-screen"] = _place(rx, y2, min(col / ww, (rest - g - frame) / 2 / wh), "window-screen")
    y3 = y2 + places["window-screen"].rect.height + g + frame
    places["rating-pad"] = _place(rx, y3, min(col / pw, (height - y3) / ph), "rating-pad")
    x3 = rx + max(places["window-screen"].rect.width, places["rating-pad"].rect.width) + g
    places["supervisor"] = _place(x3, y2, min((width - x3) / vw, rest / vh), "supervisor")
    return {name: Place(Rect(p.rect.x + x0, p.rect.y + y0, p.rect.width, p.rect.height), p.scale)
            for name, p in places.items()}


@dataclass
class Opened:
    name: str
    ok: bool
    detail: str      # where its window is, or why it failed (with the tail of its stderr)


def check_open(name: str, proc, log: Path, display: str | None = None, timeout: float = 45.0) -> Opened:
    """Whether `proc` is alive with a window mapped; otherwise what went wrong, from its log."""
    try:
        rect = wait_mapped(proc, display, timeout=timeout)
    except OSError as err:    # no xdotool/xwininfo here: say what is known
        alive = proc.poll() is None
        return Opened(name, alive, f"{'running' if alive else f'exited with code {proc.returncode}'}; its window "
                                   f"not checked ({err.filename or err}: scripts/bootstrap.sh installs x11-utils, xdotool)")
    except XError as err:
        try:
            tail = log.read_text("utf-8", "replace").strip().splitlines()[-8:]
        except OSError:
            tail = []
        return Opened(name, False, f"{err}; the end of {log}:\n    " + "\n    ".join(tail))
    return Opened(name, True, f"window {rect.geometry()} (pid {proc.pid})")
