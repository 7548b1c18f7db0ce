"""`make demo` with a display: on a real X screen (a private Xvfb, 1920x1080, no window manager)
every Qt app of the demo (kiosk, calling screen, window caller, window screen, rating pad,
supervisor) runs as a real process on Qt's xcb platform, not offscreen; the demo says which
windows opened, each is mapped where the demo put it, none overlaps another and the kiosk is
whole on the screen. A screenshot of the desktop is taken (DEMO_SCREENS=docs/screens also
writes the README's desktop-demo.png)."""
from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from demo.desktop import DESIGN, check_open
from devkit.xwindows import Rect, Xvfb, frame_of, mapped_windows, screenshot
from kiosk_app.qt import theme

from ..support.xscreen import xcb_env, xscreen  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"demo: (\S+): open, window (\S+) \(pid (\d+)\)")


def read_until(proc, done, timeout: float) -> list[str]:
    """The demo's lines until `done(line)`; a thread reads them (select() on a buffered pipe
    would miss lines already in Python's buffer)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(raw.decode("utf-8", "replace").rstrip()) for raw in proc.stdout],
                     daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if done(line):
            return seen
    raise AssertionError("the demo did not finish opening its windows:\n" + "\n".join(seen))


@pytest.fixture(params=["bare X", "openbox"])
def screen(request):
    """A bare X screen (a kiosk PC), or a desktop with a window manager (title bars, borders)."""
    x = Xvfb(1920, 1080).start()
    try:
        yield x.with_window_manager() if request.param == "openbox" else x
    finally:
        x.stop()


def test_the_desktop_demo_opens_every_window_arranged_on_one_screen(tmp_path, screen):
    xscreen = screen
    env = xcb_env(xscreen, HALL_DEMO_OUT=str(tmp_path / "demo-output"))
    env.pop("HALL_STATE_DIR", None)
    demo = subprocess.Popen([sys.executable, "-m", "demo.run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        lines = read_until(demo, lambda line: "are open" in line or "did not open" in line, 240)
        assert not any("FAILED" in line or "did not open" in line for line in lines), "\n".join(lines)
        opened = {m.group(1): (Rect.parse(m.group(2)), int(m.group(3))) for m in map(LINE.search, lines) if m}
        assert set(opened) == set(DESIGN)
        rects, frames = {}, {}
        for name, (said, pid) in opened.items():
            windows = mapped_windows(pid, xscreen.display)   # seen on the X server, not taken on trust
            assert said in windows.values(), (name, said, windows)
            rects[name] = said
            (wid,) = [w for w, r in windows.items() if r == said]
            frames[name] = frame_of(wid, xscreen.display)    # with a title bar and borders, if any
        names = sorted(frames)
        for i, a in enumerate(names):
            assert frames[a].inside(1920, 1080), (a, frames[a])
            for b in names[i + 1:]:
                assert not frames[a].overlaps(frames[b]), (a, frames[a], b, frames[b])
        kiosk = rects["kiosk"]    # the whole kiosk: its full design, scaled to the screen's height
        assert kiosk.height >= 1080 - 40 and abs(kiosk.width / kiosk.height - 1080 / 1440) < 0.01
        # side by side: the calling screen and the window caller share the first row
        assert rects["calling-screen"].y == rects["window-caller"].y
        time.sleep(3)   # the apps' first board and their links drawn
        shot = screenshot(tmp_path / "desktop-demo.png", xscreen.display)
        image = Image.open(shot).convert("RGB")
        assert image.size == (1920, 1080)
        # the kiosk's blue fills its place: it is drawn, not a black hole
        page = tuple(int(theme.PAGE[i:i + 2], 16) for i in (1, 3, 5))   # the kiosk theme's page blue
        assert image.getpixel((kiosk.x + kiosk.width // 2, kiosk.y + kiosk.height - 5)) == page
        if os.environ.get("DEMO_SCREENS") and screen.wm is None:
            shutil.copy(shot, Path(os.environ["DEMO_SCREENS"]) / "desktop-demo.png")
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            demo.wait(60)
        except subprocess.TimeoutExpired:
            demo.kill()


def test_an_app_that_cannot_open_its_window_is_named_with_its_error(tmp_path, xscreen):  # noqa: F811
    log = tmp_path / "calling-screen.log"
    proc = subprocess.Popen([sys.executable, "-c", "import sys; print('qt.qpa.plugin: could not load the Qt "
                             "platform plugin \"xcb\"', file=sys.stderr); sys.exit(134)"],
                            env=xcb_env(xscreen), stderr=log.open("wb"))
    opened = check_open("calling-screen", proc, log, xscreen.display, timeout=20)
    assert not opened.ok
    assert "exited with code 134" in opened.detail and 'platform plugin "xcb"' in opened.detail
