"""Where announcements are heard: a loudspeaker addressed by URL.

    pulse://            the default sink of the PulseAudio (or PipeWire's pulse) server
    pulse://zone1       one sink of it (a zone of the hall: a floor, an area)
    alsa://default      an ALSA device through aplay (alsa://hw:1,0, alsa://plughw:0,0)
    auto                PulseAudio when a server answers, else ALSA's aplay, else sox's play
    none                no loudspeaker (announcements only as WAV files, if asked for)

An output plays one WAV file and waits for its end; it never raises: it returns "played" or
why it did not play (no_player, no_audio_device, player_timeout, player_error), which the
speech worker turns into its status. The volume (percent) is applied to the samples, the
same way on every output, so that 60 sounds like 60 whether the hall runs PulseAudio or ALSA.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np

log = logging.getLogger(__name__)

SCHEMES = ("pulse", "alsa", "auto", "none")


def parse_output_url(url: str) -> tuple[str, str | None]:
    """("pulse", "zone1"), ("alsa", "hw:1,0"), ("auto", None), ("none", None); ValueError naming
    what is wrong otherwise."""
    text = (url or "").strip()
    if text in ("auto", "none"):
        return text, None
    parts = urlsplit(text)
    if parts.scheme not in ("pulse", "alsa"):
        raise ValueError(f"loudspeaker {url!r}: expected pulse://[sink], alsa://device, auto or none")
    target = unquote(parts.netloc + parts.path).strip("/") or None
    if target is not None and (any(c.isspace() for c in target) or len(target) > 120):
        raise ValueError(f"loudspeaker {url!r}: the sink or device name must be one word of at most 120 characters")
    if parts.scheme == "alsa" and target is None:
        target = "default"
    return parts.scheme, target


def scale_wav(path: str | Path, volume: int) -> None:
    """Scale a 16-bit PCM WAV file in place to `volume` percent (100 leaves it as it is)."""
    if volume >= 100:
        return
    with wave.open(str(path), "rb") as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) * (max(0, volume) / 100.0)
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())


@dataclass
class AudioOutput:
    """One loudspeaker. `env` is the environment of the player (PULSE_SERVER, ...)."""

    url: str = "auto"
    env: dict | None = None

    def __post_init__(self) -> None:
        self.scheme, self.target = parse_output_url(self.url)
        self._resolved: list[str] | None = None
        self._lock = threading.Lock()
        self._failing = False

    @property
    def enabled(self) -> bool:
        return self.scheme != "none"

    def _command(self) -> list[str] | None:
        """The player's command line without the file, chosen once (auto looks at what answers)."""
        with self._lock:
            if self._resolved is not None:
                return self._resolved or None
            cmd: list[str] = []
            if self.scheme == "pulse" and shutil.which("paplay"):
                cmd = ["paplay", "--client-name=hall-announcer", *(["-d", self.target] if self.target else [])]
            elif self.scheme == "alsa" and shutil.which("aplay"):
                cmd = ["aplay", "-q", "-D", self.target or "default"]
            elif self.scheme == "auto":
                cmd = self._auto()
            self._resolved = cmd if cmd or self.scheme != "auto" else None  # auto: look again next time
            if cmd:
                log.info("loudspeaker %s plays through %s", self.url, " ".join(cmd))
            return cmd or None

    def _auto(self) -> list[str]:
        if shutil.which("pactl") and shutil.which("paplay"):
            try:
                ok = subprocess.run(["pactl", "info"], capture_output=True, timeout=5, env=self._env()).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                return ["paplay", "--client-name=hall-announcer"]
        if shutil.which("aplay"):
            return ["aplay", "-q"]
        if shutil.which("play"):
            return ["play", "-q"]
        return []

    def _env(self) -> dict:
        return {**os.environ, **(self.env or {})}

    def describe(self) -> str:
        cmd = self._command() if self.enabled else None
        return cmd[0] if cmd else "none"

    def start(self, path: str | Path) -> subprocess.Popen | None:
        """Start playing a WAV file without waiting: the caller owns the player and may stop it at
        any moment (a kiosk's voice is cut by the next page). None when nothing can play."""
        cmd = self._command() if self.enabled else None
        if cmd is None:
            return None
        try:
            return subprocess.Popen([*cmd, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    env=self._env())
        except OSError as err:
            log.warning("audio player %s failed to start: %s", cmd[0], err)
            return None

    def play(self, path: str | Path, timeout: float = 30.0) -> str:
        """Play a WAV file and wait for its end: "played", or why it did not play."""
        if not self.enabled:
            return "no_loudspeaker"
        cmd = self._command()
        if cmd is None:
            return "no_player"
        try:
            done = subprocess.run([*cmd, str(path)], capture_output=True, timeout=timeout, check=False,
                                  env=self._env())
        except subprocess.TimeoutExpired:
            return "player_timeout"
        except OSError as err:
            log.warning("audio player %s failed to start: %s", cmd[0], err)
            return "player_error"
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            # said once when the loudspeaker goes silent, not for every announcement after
            (log.debug if self._failing else log.warning)("loudspeaker %s: %s failed (%d): %s", self.url, cmd[0],
                                                          done.returncode, tail[0])
            self._failing = True
            if self.scheme == "auto":
                with self._lock:
                    self._resolved = None  # look again next time: the sound server may come (back)
            return "no_audio_device"
        if self._failing:
            log.info("loudspeaker %s plays again", self.url)
            self._failing = False
        return "played"
