"""The Camera device: frames, reconnection with backoff (on a fake clock), streams over HTTP."""
from __future__ import annotations

import functools
import http.server
import threading

import numpy as np
import pytest

from drivers.camera import Camera
from drivers.core import Action, Counters, DeviceState, DeviceUnavailable, FakeClock
from tests.drivers.camera.conftest import LEVELS, level


@pytest.fixture
def counters(tmp_path):
    return Counters("camera-test", directory=tmp_path / "counters")


def test_file_camera_loops(clip, counters):
    with Camera(f"file://{clip}?loop=1", counters=counters) as camera:
        frames = [camera.read_frame() for _ in range(11)]
    assert [level(f) for f in frames] == (LEVELS * 3)[:11]
    assert all(f.shape == (120, 160, 3) and f.dtype == np.uint8 for f in frames)


def test_reconnects_with_backoff(counters):
    clock = FakeClock()
    with Camera("sim://camera?fail_after=3", clock=clock, counters=counters) as camera:
        for _ in range(3):
            camera.read_frame()
        camera.source.fail_open_left = 2  # the next two reopen attempts fail too
        before = clock.monotonic()
        assert camera.read_frame().shape == (480, 640, 3)
        assert camera.counters.get("reconnects") == 1 and camera.counters.get("faults") == 1
        assert camera.source.opens == 4
        assert clock.monotonic() - before > 0.2 * 0.9 + 0.4 * 0.9  # three growing delays were waited
        assert camera.status.state is DeviceState.ONLINE


def test_gives_up_and_calls_a_technician(counters):
    camera = Camera("sim://camera?fail_after=1", clock=FakeClock(), reconnect_attempts=3, counters=counters)
    camera.start()
    camera.read_frame()
    camera.source.fail_open_left = 99
    with pytest.raises(DeviceUnavailable) as info:
        camera.read_frame()
    assert info.value.action is Action.TECHNICIAN
    assert camera.status.state is DeviceState.NO_DEVICE
    camera.source.fail_open_left = 0
    assert camera.read_frame() is not None and camera.status.state is DeviceState.ONLINE
    camera.close()


def test_no_camera_is_a_status(counters):
    camera = Camera("device://0", clock=FakeClock(), counters=counters)
    status = camera.refresh_status()
    assert status.state is DeviceState.NO_DEVICE and not status.usable


def test_open_failure_recovers_through_reconnect(counters):
    camera = Camera("sim://camera?fail_open=2", clock=FakeClock(), counters=counters)
    with pytest.raises(DeviceUnavailable):
        camera.start()
    assert camera.reconnect(attempts=3)
    assert camera.read_frame().shape == (480, 640, 3)
    camera.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_http_stream(clip, counters):
    handler = functools.partial(QuietHandler, directory=str(clip.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{clip.name}"
        with Camera(url, counters=counters, reconnect_attempts=0) as camera:
            report = camera.health_check()  # reads the first frame
            assert report.ok and report.checks["frame"] == "120x160x3"
            assert [level(camera.read_frame()) for _ in range(4)] == LEVELS[1:]
    finally:
        server.shutdown()
        server.server_close()


def test_frames_are_not_written(tmp_path, counters, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    with Camera("sim://camera?pattern=noise", counters=counters) as camera:
        for _ in range(5):
            camera.read_frame()
    after = {p for p in tmp_path.rglob("*") if "counters" not in p.parts}
    assert after <= before
