"""An accelerated day (issue 15): a busy hall's 24 hours in about four minutes, with the real
processes (Mosquitto, the controller, the reference platform, an ESC/POS printer emulator per
kiosk) and the hall's devices played over MQTT by devkit/soak.py.

Simulated, and why (devkit/soak.py says more):
- the hall's clock: the controller and the platform run `--test-clock` (AcceleratedClock), 360
  times faster than the real one, so that 24 hours and a midnight fit in four minutes (the day
  would otherwise take a day); timeouts and back-offs keep their real length;
- the citizens and the clerks (arrivals with two peaks, service times): nobody else is here;
- the kiosks, window callers and rating pads are threads speaking the MQTT contract as the apps do
  (the Qt apps themselves are tested elsewhere; twelve of them would not fit two cores).

It fails on a growing memory, open-file or thread trend of any process after warm-up (Theil-Sen,
limits in devkit/soak.py LIMITS), a lost or doubled ticket or rating, a traceback in any process's
stderr. Longer by hand: `python -m devkit.soak --minutes 30`. HALL_SOAK_MINUTES changes the day's
wall time here."""
from __future__ import annotations

import os

import pytest

from devkit.soak import LIMITS, Soak

pytestmark = [pytest.mark.slow, pytest.mark.soak, pytest.mark.timeout(900)]


def test_a_busy_day_compressed_loses_nothing_and_leaks_nothing(tmp_path):
    minutes = float(os.environ.get("HALL_SOAK_MINUTES", "4"))
    result = Soak(tmp_path / "soak", minutes=minutes, tickets=3000).run()
    print(result.report())   # the figures, in the test's output (-s or -rA) and on failure
    f = result.figures
    assert not result.failures, result.report()
    # The day really happened as scripted (the run cannot pass by doing nothing):
    assert f.tickets >= 2850 and f.calls >= 0.8 * f.tickets and f.finished > 0.8 * f.tickets, result.report()
    assert set(f.states) <= {"done", "expired"}, f"tickets left open at the end of the day: {dict(f.states)}"
    assert len(f.days) == 2, f"the hall's clock did not cross midnight: {dict(f.days)}"
    assert f.ratings_pad > 500 and f.ratings_kiosk > 300, result.report()
    assert f.paper_out_turned_away > 0 and f.printed == f.tickets - f.unprinted, result.report()
    assert f.restarts == {"broker": 1, "platform": 1}, result.report()
    for name in ("broker", "controller", "platform", "printer-1"):
        judged = [t for t in result.trends if t.name == name]
        assert {t.what for t in judged} == set(LIMITS) and min(t.samples for t in judged) >= 20, (
            f"{name}: too few samples to judge a trend")
