"""A technician's pushed configuration on a kiosk's own file (kiosk_app/remote_config.py): the
edit keeps everything else as written, only safe keys pass, the new file is validated as the
kiosk reads it at start, written atomically with the file's mode, and applied or "after a restart"."""
from __future__ import annotations

import os
import shutil
import tomllib

import pytest

from config import KioskConfig, load_config
from hall_protocol.ops import ConfigRefused
from kiosk_app.remote_config import KioskRemoteConfig, set_key
from tests.support.fixtures import ROOT

EXAMPLE = ROOT / "config" / "examples" / "kiosk.toml"

CASES = [
    # (file, key, value, expected file)
    ('id = "k"\nidle_timeout_s = 60  # a minute\n\n[voice]\nvolume = 80\n', "idle_timeout_s", 90,
     'id = "k"\nidle_timeout_s = 90\n\n[voice]\nvolume = 80\n'),
    ('id = "k"\n\n[voice]\nvolume = 80\n', "idle_timeout_s", 90,
     'id = "k"\nidle_timeout_s = 90\n\n[voice]\nvolume = 80\n'),
    ('id = "k"\n# keep me\n[voice]\nspeaker = "none"\nvolume = 80\n[watch]\nprinter_s = 30\n', "voice.volume", 40,
     'id = "k"\n# keep me\n[voice]\nspeaker = "none"\nvolume = 40\n[watch]\nprinter_s = 30\n'),
    ('id = "k"\n[voice]\nspeaker = "none"\n\n[watch]\nprinter_s = 30\n', "voice.volume", 40,
     'id = "k"\n[voice]\nspeaker = "none"\nvolume = 40\n\n[watch]\nprinter_s = 30\n'),
    ('id = "k"\n', "voice.volume", 40, 'id = "k"\n\n[voice]\nvolume = 40\n'),
    ('id = "k"\nlanguage = "zh"\n', "language", 'en"x', 'id = "k"\nlanguage = "en\\"x"\n'),
]


@pytest.mark.parametrize("text,key,value,expected", CASES)
def test_set_key_changes_one_key_and_keeps_the_rest(text, key, value, expected):
    assert set_key(text, key, value) == expected
    tomllib.loads(set_key(text, key, value))


@pytest.fixture
def kiosk_file(tmp_path):
    path = tmp_path / "kiosk.toml"
    shutil.copy(EXAMPLE, path)
    os.chmod(path, 0o600)
    return path


def test_a_push_is_validated_written_and_applied_or_left_for_a_restart(kiosk_file):
    applied = []
    pusher = KioskRemoteConfig(kiosk_file, lambda k, v: applied.append((k, v)))
    result = pusher.push({"idle_timeout_s": "90", "voice.volume": "40"})
    assert result.applied == {"idle_timeout_s": "90.0"} and result.needs_restart == ["voice.volume"]
    assert applied == [("idle_timeout_s", 90.0)]
    config = load_config(kiosk_file, KioskConfig)
    assert (config.idle_timeout_s, config.voice.volume, config.printer_url) == (90, 40, "tcp://127.0.0.1:9100")
    assert os.stat(kiosk_file).st_mode & 0o777 == 0o600
    assert "# " in kiosk_file.read_text("utf-8")  # its comments are still there
    assert [p.name for p in kiosk_file.parent.iterdir()] == ["kiosk.toml"]  # no temporary file left


@pytest.mark.parametrize("values,code,words", [
    ({"printer_url": "tcp://10.9.9.9:9100"}, "not_allowed", "printer_url"),
    ({"broker.host": "10.9.9.9"}, "not_allowed", "broker.host"),
    ({"idle_timeout_s": "1"}, "bad_config", "idle_timeout_s"),
    ({"language": "fr"}, "bad_config", "language"),
    ({"voice.volume": "loud"}, "bad_config", "volume"),
])
def test_an_unsafe_or_invalid_push_changes_nothing(kiosk_file, values, code, words):
    before = kiosk_file.read_bytes()
    applied = []
    with pytest.raises(ConfigRefused) as refused:
        KioskRemoteConfig(kiosk_file, lambda k, v: applied.append(k)).push(values)
    assert refused.value.code == code and words in str(refused.value) and len(str(refused.value)) <= 300
    assert kiosk_file.read_bytes() == before and applied == []
