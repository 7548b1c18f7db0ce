"""The reference platform's test-only --test-clock (devkit/soak.py): run with the controller's
accelerated clock, it takes the controller's signed requests without a clock-skew correction;
a bad spec is named and the process exits without a traceback."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from drivers.core.clock import AcceleratedClock
from hall_controller.backend.client import BackendClient
from reference_backend.process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def test_the_platform_and_the_controller_share_an_accelerated_clock(tmp_path):
    # A day ahead of the real time and 300 x faster: the real clock is far outside the
    # platform's 300 s window for signed timestamps.
    clock = AcceleratedClock(datetime.now(timezone.utc) + timedelta(days=1), speed=300, anchor=time.time())
    with ServerProcess(state_dir=tmp_path / "p", extra_args=("--test-clock", clock.spec())) as platform:
        shared = BackendClient(platform.url, platform.app_key, platform.app_secret, clock=clock, retries=0)
        try:
            assert shared.list_matters()
            assert shared.clock_offset_s == 0.0      # accepted as it was signed
        finally:
            shared.close()
    with ServerProcess(state_dir=tmp_path / "q") as platform:    # without it: a day off, corrected once
        alone = BackendClient(platform.url, platform.app_key, platform.app_secret, clock=clock, retries=0)
        try:
            assert alone.list_matters()
            assert alone.clock_offset_s < -80_000
        finally:
            alone.close()


def test_a_bad_test_clock_is_named(tmp_path):
    r = subprocess.run([sys.executable, "-m", "reference_backend", "--state-dir", str(tmp_path / "p"),
                        "--test-clock", "2026-12-08T06:00:00+08:00,speed=-1"], cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "--test-clock: clock speed must be above 0" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
