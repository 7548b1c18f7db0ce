"""A real X screen for the demo and the tests: a virtual one (Xvfb), a window manager, which
windows a process has mapped and where (xdotool, xwininfo), a screenshot of the whole screen.

    python -m devkit.xwindows shot desktop.png     # the screen of $DISPLAY as a PNG (Qt's xcb plugin)

The tools are Debian's (scripts/bootstrap.sh installs xvfb, xdotool, x11-utils and openbox).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


class XError(RuntimeError):
    """The X tools failed or a window did not appear."""


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    def overlaps(self, other: "Rect") -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)

    def inside(self, width: int, height: int) -> bool:
        return self.x >= 0 and self.y >= 0 and self.x + self.width <= width and self.y + self.height <= height

    @classmethod
    def parse(cls, text: str) -> "Rect":
        """`WxH+X+Y` (X11's geometry)."""
        m = re.fullmatch(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)", text.strip())
        if not m:
            raise ValueError(f"not a geometry WxH+X+Y: {text!r}")
        w, h, x, y = (int(v) for v in m.groups())
        return cls(x, y, w, h)

    def geometry(self) -> str:
        return f"{self.width}x{self.height}+{self.x}+{self.y}"


def _env(display: str | None) -> dict:
    return {**os.environ, **({"DISPLAY": display} if display else {})}


class Xvfb:
    """A private virtual screen; `display` is its DISPLAY (a free number chosen by the server)."""

    def __init__(self, width: int = 1920, height: int = 1080) -> None:
        self.width, self.height = width, height
        self.proc: subprocess.Popen | None = None
        self.wm: subprocess.Popen | None = None
        self.display = ""

    def start(self, timeout: float = 15.0) -> "Xvfb":
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", f"{self.width}x{self.height}x24", "-nolisten", "tcp",
             "-noreset"], pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        deadline = time.monotonic() + timeout
        data = b""
        with os.fdopen(r, "rb") as pipe:
            while not data.endswith(b"\n") and time.monotonic() < deadline:
                chunk = pipe.read1(64)
                if not chunk:
                    break
                data += chunk
        if not data.strip():
            self.stop()
            raise XError("Xvfb did not report a display")
        self.display = f":{int(data)}"
        return self

    def with_window_manager(self, timeout: float = 10.0) -> "Xvfb":
        """Openbox with its defaults (Alt+F4 closes the focused window, as on a desktop)."""
        self.wm = subprocess.Popen(["openbox", "--sm-disable"], env=_env(self.display),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:   # a WM owns the screen's WM_S0 selection once it runs
            out = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=_env(self.display),
                                 capture_output=True, text=True).stdout
            if "window id" in out:
                return self
            time.sleep(0.2)
        raise XError("openbox did not start")

    def stop(self) -> None:
        for proc in (self.wm, self.proc):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def screen_size(display: str | None = None) -> tuple[int, int]:
    out = subprocess.run(["xwininfo", "-root"], env=_env(display), capture_output=True, text=True, timeout=10)
    w = re.search(r"Width:\s+(\d+)", out.stdout)
    h = re.search(r"Height:\s+(\d+)", out.stdout)
    if out.returncode != 0 or not (w and h):
        raise XError(f"xwininfo -root: {out.stderr.strip() or 'no size'}")
    return int(w.group(1)), int(h.group(1))


def desktop(display: str | None = None) -> tuple[Rect, bool]:
    """The area windows may use (a window manager's _NET_WORKAREA, without its panels; else the
    whole screen) and whether a window manager runs (then each window gets a title bar above it)."""
    width, height = screen_size(display)
    out = subprocess.run(["xprop", "-root", "_NET_WORKAREA", "_NET_SUPPORTING_WM_CHECK"], env=_env(display),
                         capture_output=True, text=True, timeout=10).stdout
    wm = "window id" in out
    m = re.search(r"_NET_WORKAREA\(CARDINAL\) = (\d+), (\d+), (\d+), (\d+)", out)
    area = Rect(*(int(v) for v in m.groups())) if m else Rect(0, 0, width, height)
    return area, wm


def frame_of(window_id: int, display: str | None = None) -> Rect:
    """A window with what the window manager draws around it (title bar, borders)."""
    info = subprocess.run(["xwininfo", "-frame", "-id", str(window_id)], env=_env(display), capture_output=True,
                          text=True, timeout=10).stdout
    vals = [int(re.search(rf"{k}:\s+(-?\d+)", info).group(1))
            for k in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height")]
    return Rect(*vals)


def mapped_windows(pid: int, display: str | None = None) -> dict[int, Rect]:
    """The viewable top-level windows of a process (by _NET_WM_PID) and where they are on the screen."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)], env=_env(display),
                         capture_output=True, text=True, timeout=10)
    found: dict[int, Rect] = {}
    for wid in out.stdout.split():
        info = subprocess.run(["xwininfo", "-id", wid], env=_env(display), capture_output=True, text=True,
                              timeout=10).stdout
        if "IsViewable" not in info or "(the root window)" in info:
            continue
        vals = {k: int(re.search(rf"{k}:\s+(-?\d+)", info).group(1))
                for k in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height")}
        if vals["Width"] <= 1 or vals["Height"] <= 1:   # Qt's hidden helper windows
            continue
        found[int(wid)] = Rect(vals["Absolute upper-left X"], vals["Absolute upper-left Y"], vals["Width"],
                               vals["Height"])
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_mapped(proc: subprocess.Popen | int, display: str | None = None, timeout: float = 30.0) -> Rect:
    """The main window of a process (a Popen or a pid) once it is mapped; XError if the process
    exits or nothing maps in time."""
    pid = proc if isinstance(proc, int) else proc.pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if isinstance(proc, int) and not _alive(pid):
            raise XError("exited before its window was shown")
        if not isinstance(proc, int) and proc.poll() is not None:
            raise XError(f"exited with code {proc.returncode} before its window was shown")
        windows = mapped_windows(pid, display)
        if windows:
            return max(windows.values(), key=lambda r: r.width * r.height)
        time.sleep(0.3)
    raise XError(f"no window mapped within {timeout:.0f} s")


def screenshot(path: Path, display: str | None = None, timeout: float = 30.0) -> Path:
    """The whole screen as a PNG, taken by a small Qt process on the xcb platform."""
    env = {**_env(display), "QT_QPA_PLATFORM": "xcb"}
    env.pop("QT_SCALE_FACTOR", None)
    run = subprocess.run([sys.executable, "-m", "devkit.xwindows", "shot", str(path)], env=env,
                         capture_output=True, text=True, timeout=timeout)
    if run.returncode != 0:
        raise XError(f"screenshot failed: {run.stderr.strip()[-500:]}")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "shot":
        print("usage: python -m devkit.xwindows shot OUT.png", file=sys.stderr)
        return 64
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication([sys.argv[0]])
    screen = app.primaryScreen()
    if screen is None or not screen.grabWindow(0).save(args[1], "PNG"):
        print(f"xwindows: could not write {args[1]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
