"""Loudspeakers by URL (drivers/speech/output.py): parsing, volume applied to the samples, and
a player that cannot reach a sound server answers why instead of raising."""
from __future__ import annotations

import numpy as np
import pytest

from drivers.speech.audio import chime_samples, wav_info, write_wav
from drivers.speech.output import AudioOutput, parse_output_url, scale_wav


@pytest.mark.parametrize("url, parsed", [
    ("pulse://", ("pulse", None)), ("pulse://zone1", ("pulse", "zone1")), ("alsa://", ("alsa", "default")),
    ("alsa://hw:1,0", ("alsa", "hw:1,0")), ("auto", ("auto", None)), ("none", ("none", None)),
])
def test_urls(url, parsed):
    assert parse_output_url(url) == parsed


@pytest.mark.parametrize("url", ["", "zone1", "http://x", "pulse://a b"])
def test_bad_urls_say_what_is_expected(url):
    with pytest.raises(ValueError, match="loudspeaker"):
        parse_output_url(url)


def test_volume_scales_the_samples(tmp_path):
    path = tmp_path / "c.wav"
    write_wav(path, chime_samples())
    full = wav_info(path).rms
    scale_wav(path, 40)
    assert wav_info(path).rms == pytest.approx(0.4 * full, rel=0.01)


def test_no_sound_server_is_a_status_not_an_exception(tmp_path):
    path = tmp_path / "c.wav"
    write_wav(path, np.zeros(2205))
    empty = tmp_path / "run"
    empty.mkdir(mode=0o700)
    out = AudioOutput("pulse://zone1", {"XDG_RUNTIME_DIR": str(empty), "PULSE_SERVER": f"unix:{empty}/none"})
    assert out.play(path, timeout=10) == "no_audio_device"
    assert AudioOutput("none").play(path) == "no_loudspeaker"
