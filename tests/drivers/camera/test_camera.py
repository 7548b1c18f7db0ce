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


def test_a_scheduled_check_opens_a_resting_camera_for_one_frame_and_closes_it(counters):
    """`poll_status` (the kiosk's device watch): a camera at rest is opened, read and closed
    again; one in use is read as it is; one whose frame is being read is left alone (None)."""
    import threading
    from drivers.core.device import Lifecycle
    camera = Camera("sim://camera", counters=counters, device_id="camera-poll-test")
    assert camera.poll_status().state is DeviceState.ONLINE
    assert camera.lifecycle is Lifecycle.CLOSED and camera.frames_read == 1 and camera.source.opens == 1
    camera.start()  # a session uses it
    try:
        assert camera.poll_status().state is DeviceState.ONLINE and camera.lifecycle is Lifecycle.ENABLED
        holding, release = threading.Event(), threading.Event()

        def reading() -> None:
            with camera._lock:  # what read_frame holds while it reads
                holding.set()
                release.wait(10)
        t = threading.Thread(target=reading)
        t.start()
        assert holding.wait(5)
        frames = camera.frames_read
        assert camera.poll_status() is None and camera.frames_read == frames
        release.set()
        t.join(5)
    finally:
        camera.close()


def test_a_scheduled_check_finds_a_camera_that_is_gone(counters):
    camera = Camera("sim://camera?fail_after=0", clock=FakeClock(), counters=counters, device_id="camera-poll-gone",
                    reconnect_attempts=1)
    camera.source.fail_open_left = 10
    status = camera.poll_status()
    assert status.state is DeviceState.NO_DEVICE and status.action is Action.TECHNICIAN
