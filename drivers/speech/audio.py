"""WAV files: measure them, make a chime, play them on the audio device.

Playback goes through an external player (aplay, else sox's `play`); a machine with no
sound card or no player gets a playback status string, never an exception.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drivers.core.errors import ProtocolError

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050
PLAYERS = (("aplay", "-q"), ("play", "-q"))


@dataclass(frozen=True)
class WavInfo:
    duration_s: float
    rms: float          # root mean square of samples scaled to [-1, 1]; 0 for silence
    sample_rate: int
    channels: int


def wav_info(path: str | Path) -> WavInfo:
    """Duration and loudness of a 16-bit PCM WAV file; ProtocolError if it is not one."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as err:
        raise ProtocolError(f"{path}: not a readable WAV file: {err}") from err
    if width != 2:
        raise ProtocolError(f"{path}: expected 16-bit samples, got {8 * width}-bit")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    rms = float(np.sqrt(np.mean(samples ** 2))) if samples.size else 0.0
    duration = samples.size / channels / rate if rate and channels else 0.0
    return WavInfo(duration, rms, rate, channels)


def chime_samples(tones: tuple[float, ...] = (880.0, 660.0), tone_s: float = 0.35,
                  rate: int = SAMPLE_RATE, volume: float = 0.5) -> np.ndarray:
    """A "ding-dong": one sine per tone with a soft attack and an exponential decay."""
    t = np.arange(int(tone_s * rate)) / rate
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-3.0 * t / tone_s)
    parts = [volume * envelope * (np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t)) / 1.3
             for f in tones]
    return np.concatenate(parts)


def write_wav(path: str | Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())


def find_player() -> list[str] | None:
    for name, *flags in PLAYERS:
        exe = shutil.which(name)
        if exe:
            return [exe, *flags]
    return None


def play_wav(path: str | Path, timeout: float = 30.0) -> str:
    """Play a WAV file and wait for the end; return 'played' or why it did not play."""
    player = find_player()
    if player is None:
        return "no_player"
    try:
        done = subprocess.run([*player, str(path)], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "player_timeout"
    except OSError as err:
        log.warning("audio player %s failed to start: %s", player[0], err)
        return "player_error"
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        log.warning("audio player %s failed (%d): %s", player[0], done.returncode, tail[0])
        return "no_audio_device"
    return "played"
