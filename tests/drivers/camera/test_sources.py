"""Frame sources by URL."""
from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.sources import SyntheticSource, source_for_url
from drivers.core import DeviceTimeout, DeviceUnavailable, UrlError, parse_url
from tests.drivers.camera.conftest import LEVELS, level


def open_url(raw: str):
    source = source_for_url(parse_url(raw))
    source.open()
    return source


@pytest.mark.parametrize("pattern", ["bars", "gradient", "noise", "moving"])
def test_sim_patterns(pattern):
    source = open_url(f"sim://camera?pattern={pattern}&width=320&height=240&seed=3")
    a, b = source.read(), source.read()
    assert a.shape == (240, 320, 3) and a.dtype == np.uint8
    assert not np.array_equal(a, b)  # the frame number is drawn on every frame
    again = open_url(f"sim://camera?pattern={pattern}&width=320&height=240&seed=3")
    assert np.array_equal(again.read(), a)  # deterministic


def test_sim_faults():
    source = SyntheticSource(fail_after=2, fail_open=1)
    with pytest.raises(DeviceUnavailable):
        source.open()
    source.open()
    source.read(), source.read()
    with pytest.raises(DeviceTimeout):
        source.read()
    source.open()
    assert source.read().shape == (480, 640, 3)


def test_file_loops_and_plain_file_ends(clip):
    looping = open_url(f"file://{clip}?loop=1")
    assert [level(looping.read()) for _ in range(12)] == (LEVELS * 3)[:12]
    once = open_url(f"file://{clip}")
    assert [level(once.read()) for _ in range(5)] == LEVELS
    with pytest.raises(DeviceTimeout):
        once.read()


def test_no_local_camera_fails_cleanly():
    with pytest.raises(DeviceUnavailable):
        open_url("device://0")


def test_missing_file_fails_cleanly(tmp_path):
    with pytest.raises(DeviceUnavailable):
        open_url(f"file://{tmp_path}/none.avi")


@pytest.mark.parametrize("raw", ["sim://printer", "sim://camera?pattern=plaid", "sim://camera?colour=red",
                                 "sim://camera?width=2", "device://front", "tcp://127.0.0.1:554",
                                 "sim://camera?width=wide"])
def test_bad_urls(raw):
    with pytest.raises(UrlError):
        source_for_url(parse_url(raw))
