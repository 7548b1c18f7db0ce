"""The hall floor's keys of the hall file: loudspeakers and zones (a sink per zone), checked at
start-up with the file, the key and what was expected."""
from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, HallSuiteConfig, load_config

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "config/examples/hall.toml").read_text("utf-8")
ZONES = """
  [halls.audio]
  sink = "pulse://hall"
  volume = 70

  [[halls.audio.zones]]
  id = "1f"
  name = "一楼"
  windows = [1, 2]
  sink = "pulse://zone1"

  [[halls.audio.zones]]
  id = "2f"
  windows = [3, 4]
  sink = "alsa://hw:1,0"
  volume = 90
"""


def load(tmp_path, extra: str) -> HallSuiteConfig:
    p = tmp_path / "hall.toml"
    p.write_text(BASE.replace("  [halls.robot]", extra + "\n  [halls.robot]"), "utf-8")
    return load_config(p, HallSuiteConfig)


def test_zones_name_their_windows_and_sinks(tmp_path):
    hall = load(tmp_path, ZONES).halls[0]
    assert hall.audio.volume == 70 and [z.id for z in hall.audio.zones] == ["1f", "2f"]
    assert hall.zone_of(3).sink == "alsa://hw:1,0" and hall.zone_of(3).volume == 90
    assert hall.zone_of(1).name == "一楼"


@pytest.mark.parametrize("change, words", [
    (("windows = [3, 4]", "windows = [3, 9]"), "audio zone 2f names window 9, which the hall does not have"),
    (("windows = [3, 4]", "windows = [2, 3]"), "window 2 is in audio zones 1f and 2f"),
    (('sink = "pulse://zone1"', 'sink = "http://zone1"'), "expected pulse://[sink], alsa://device, auto or none"),
    (('sink = "pulse://zone1"', 'sink = "pulse://zone one"'), "must be one word"),
    (("volume = 90", "volume = 120"), "less than or equal to 100"),
    (('id = "2f"', 'id = "1f"'), "audio zone ids must be unique"),
])
def test_a_wrong_zone_is_refused_with_what_is_wrong(tmp_path, change, words):
    with pytest.raises(ConfigError) as e:
        load(tmp_path, ZONES.replace(*change))
    assert words in str(e.value) and "hall.toml" in str(e.value)
