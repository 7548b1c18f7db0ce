"""The accelerated clock of the soak test (devkit/soak.py): two processes given one spec agree
on the time, it runs `speed` times faster than the real one, and a bad spec names what is wrong."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drivers.core.clock import AcceleratedClock

ROOT = Path(__file__).resolve().parents[3]
CST = timezone(timedelta(hours=8))


def test_a_spec_gives_the_same_time_in_another_process():
    clock = AcceleratedClock(datetime(2026, 12, 8, 23, 59, tzinfo=CST), speed=600, anchor=time.time())
    code = ("import sys; from drivers.core.clock import AcceleratedClock; "
            "print(AcceleratedClock.parse(sys.argv[1]).now().timestamp())")
    before = clock.now().timestamp()
    theirs = float(subprocess.check_output([sys.executable, "-c", code, clock.spec()], cwd=ROOT, text=True))
    after = clock.now().timestamp()
    assert before <= theirs <= after


def test_it_runs_speed_times_faster_and_crosses_midnight():
    clock = AcceleratedClock(datetime(2026, 12, 8, 23, 59, 59, tzinfo=CST), speed=1000)
    m0, t0 = time.monotonic(), clock.now()
    time.sleep(0.05)
    elapsed_real = time.monotonic() - m0
    moved = (clock.now() - t0).total_seconds()
    assert moved >= 1000 * 0.05 * 0.9 and moved <= 1000 * (elapsed_real + 0.05)
    assert clock.now().astimezone(CST).date() == datetime(2026, 12, 9).date()
    assert clock.monotonic() - m0 < 5       # timeouts keep their real length


@pytest.mark.parametrize("spec, words", [
    ("tomorrow", "not an ISO 8601 time"),
    ("2026-12-08T06:00:00", "UTC offset"),
    ("2026-12-08T06:00:00+08:00,speed=fast", "not a number"),
    ("2026-12-08T06:00:00+08:00,pace=3", "expected speed=N or anchor=UNIX"),
    ("2026-12-08T06:00:00+08:00,speed=0", "above 0"),
])
def test_a_bad_spec_says_what_is_wrong(spec, words):
    with pytest.raises(ValueError, match=words):
        AcceleratedClock.parse(spec)


def test_the_controller_refuses_a_bad_test_clock_with_a_message(tmp_path):
    """The option is off by default; given wrong, the controller says so and exits (no traceback)."""
    toml = tmp_path / "hall.toml"
    toml.write_text((ROOT / "config/examples/hall.toml").read_text("utf-8"), "utf-8")
    r = subprocess.run([sys.executable, "-m", "hall_controller", "--config", str(toml), "--database",
                        f"sqlite:///{tmp_path}/hall.db", "--test-clock", "noon"], cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 64, r.stderr
    assert "--test-clock: 'noon' is not an ISO 8601 time" in r.stderr and "Traceback" not in r.stderr
