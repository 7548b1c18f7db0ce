"""The kiosk's voice: one owner of the terminal's loudspeaker, and the newest page wins.

Text is turned into a WAV file by the speech driver (drivers/speech/worker.py: pyttsx3 with
espeak-ng as the fallback, Mandarin or English, the configured volume applied to the samples)
and played on the terminal's loudspeaker (drivers/speech/output.py). Unlike the hall's
announcements, which queue and are never cut, what a kiosk says belongs to the page on screen:
`say()` and `stop()` kill the player that is sounding before anything else happens, so two
voices never sound together and a touch silences the old page at once.

One thread renders and plays; `say()` only leaves the newest request for it (an older one not
yet started is dropped). Renderings are kept in a private temporary folder (0700, removed by
`close()`) for the read-aloud button; pages never speak personal data (kiosk_app/flows/spoken.py).
"""
from __future__ import annotations

import collections
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.core.device import Lifecycle
from drivers.core.errors import DeviceError
from drivers.speech.output import AudioOutput
from drivers.speech.worker import SpeechWorker

log = logging.getLogger(__name__)
CACHE_SIZE = 32
HISTORY = 50


@dataclass
class Played:
    """One utterance on the loudspeaker; times are time.monotonic()."""

    text: str
    lang: str
    path: str              # the rendering played (kept as `kept` when a keep folder is set)
    started: float         # the player was started
    stopped: float | None = None   # cut by a new page, a touch or stop()
    ended: float | None = None     # the player is gone (cut, or played to the end)
    outcome: str = "playing"       # playing, played, cut, or why it did not play
    kept: str | None = None


class KioskVoice:
    def __init__(self, output: AudioOutput, *, volume: int = 80, engine: str = "pyttsx3",
                 voice: str = "cmn-latn-pinyin", en_voice: str = "en", timeout: float = 10.0,
                 keep_dir: str | Path | None = None) -> None:
        self.output = output
        self.worker = SpeechWorker(voice=voice, engine=engine, timeout=timeout, en_voice=en_voice,
                                   volume=volume, device_id="kiosk-voice")
        self.timeout = timeout
        self.keep_dir = Path(keep_dir) if keep_dir else None
        self.history: collections.deque[Played] = collections.deque(maxlen=HISTORY)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._generation = 0
        self._job: tuple[int, str, str] | None = None
        self._player: subprocess.Popen | None = None
        self._current: Played | None = None
        self._cache: collections.OrderedDict[tuple[str, str], str] = collections.OrderedDict()
        self._dir: str | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._broken: str | None = None   # why speech cannot work here (said once in the log)
        self._seq = 0
        self._kept = 0

    # -- what the kiosk calls (any thread) --------------------------------------------------
    def say(self, text: str, lang: str = "zh") -> None:
        """Silence what is sounding and speak `text` (the page on screen) as soon as it is rendered."""
        if not text or not text.strip() or lang not in ("zh", "en"):
            return
        with self._lock:
            if self._closed:
                return
            self._generation += 1
            self._cut()
            self._job = (self._generation, text, lang)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kiosk-voice", daemon=True)
                self._thread.start()
            self._wake.notify()

    def stop(self) -> None:
        """Silence at once (a touch); a rendering not yet played is dropped."""
        with self._lock:
            self._generation += 1
            self._job = None
            self._cut()

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._player is not None and self._player.poll() is None

    @property
    def busy(self) -> bool:
        """Something is waiting to be rendered or is sounding."""
        with self._lock:
            return self._job is not None or (self._player is not None and self._player.poll() is None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._job = None
            self._cut()
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(self.timeout)
        if self.worker.lifecycle is not Lifecycle.CLOSED:
            try:
                self.worker.close()
            except DeviceError as err:
                log.warning("kiosk voice: speech worker did not close: %s", err)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    # -- the thread ---------------------------------------------------------------------------
    def _cut(self) -> None:
        """Kill the sounding player (the lock is held): its stream and what it had buffered go."""
        player, self._player = self._player, None
        if player is not None and player.poll() is None:
            player.kill()
            try:
                player.wait(1.0)
            except subprocess.TimeoutExpired:
                log.warning("kiosk voice: the player did not end after kill")
            if self._current is not None:
                now = time.monotonic()
                self._current.stopped = self._current.ended = now
                self._current.outcome = "cut"

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._job is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                (generation, text, lang), self._job = self._job, None
            path = self._render(text, lang)
            if path is None:
                continue
            with self._lock:
                if generation != self._generation or self._closed:
                    continue      # a newer page, or a touch, came while it was rendered
                player = self.output.start(path)
                played = Played(text, lang, path, time.monotonic(), kept=self._keep(path, lang))
                self.history.append(played)
                if player is None:
                    played.outcome, played.ended = "no_player", played.started
                    continue
                self._player, self._current = player, played
            code = player.wait()
            with self._lock:
                if self._player is player:   # it ended by itself, not cut
                    self._player = None
                    played.ended = time.monotonic()
                    played.outcome = "played" if code == 0 else "no_audio_device"
                    if code != 0:
                        err = player.stderr.read().decode("utf-8", "replace").strip() if player.stderr else ""
                        log.warning("kiosk voice: the player failed (%d): %s", code, err[-200:])
            if player.stderr:
                player.stderr.close()

    def _render(self, text: str, lang: str) -> str | None:
        """The WAV file of `text` (rendered once, kept for the read-aloud button); None when speech
        cannot work here (said once in the log)."""
        key = (text, lang)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            if self._dir is None:
                self._dir = tempfile.mkdtemp(prefix="kiosk-voice-")
            if self.worker.lifecycle is Lifecycle.CLOSED:
                self.worker.start()
            self._seq += 1
            path = os.path.join(self._dir, f"{self._seq}.wav")
            self.worker.say(text, path, lang=lang).result(timeout=self.timeout * 3)
        except (DeviceError, TimeoutError) as err:
            if self._broken is None:
                log.warning("kiosk voice: cannot speak: %s", err)
            self._broken = str(err)
            return None
        self._broken = None
        self._cache[key] = path
        while len(self._cache) > CACHE_SIZE:
            _, old = self._cache.popitem(last=False)
            if old != path:
                Path(old).unlink(missing_ok=True)
        return path

    def _keep(self, path: str, lang: str) -> str | None:
        """A copy of what is played, numbered in order (tests and a technician's diagnosis)."""
        if self.keep_dir is None:
            return None
        self.keep_dir.mkdir(parents=True, exist_ok=True)
        self._kept += 1
        kept = self.keep_dir / f"{self._kept:04d}-{lang}.wav"
        shutil.copyfile(path, kept)
        return str(kept)
