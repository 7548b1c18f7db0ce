"""The speech worker: one dedicated thread that speaks announcements in order.

`say()` queues an utterance and returns a Future at once; the thread synthesises one
utterance at a time (one pyttsx3 runAndWait each), checks that the WAV file exists and is
not empty, retries once, then falls back to the espeak-ng command. A new announcement
never cuts off the one being spoken: they queue. With an `output` (a loudspeaker,
drivers/speech/output.py) every utterance is played there, at `volume` percent, and also
kept as a WAV file when a path is given; without one, a WAV path means the file only and no
path means the machine's default audio device. A machine without sound gets a playback
status, not an exception.
"""
from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

from drivers.core import Clock, Counters, Device, DeviceError, DeviceStatus, DeviceState, DeviceUnavailable
from drivers.core.device import HealthLevel, status_for_error
from drivers.core.errors import Action
from drivers.speech.audio import chime_samples, find_player, play_wav, wav_info, write_wav
from drivers.speech.engines import SAMPLE_EN, SAMPLE_ZH, EspeakCli, Pyttsx3Engine
from drivers.speech.output import AudioOutput, scale_wav

log = logging.getLogger(__name__)

ENGINES = ("pyttsx3", "espeak", "none")  # "none": speech off, chimes only
MIN_WAV_BYTES = 1000  # a header alone is 44 bytes; a spoken syllable is tens of kilobytes


@dataclass(frozen=True)
class Utterance:
    text: str
    lang: str
    path: str | None      # None when the file was only played and then removed
    duration_s: float
    rms: float
    engine_used: str      # "pyttsx3", "espeak-ng" or "chime"
    attempts: int
    playback: str         # "file", "played", "no_player", "no_audio_device", ...

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Job:
    run: Callable[[], Utterance]
    future: Future


class SpeechWorker(Device):
    """Announcements through pyttsx3 or espeak-ng, in order, never cut off."""

    kind = "speech"

    def __init__(self, voice: str = "cmn-latn-pinyin", engine: str = "pyttsx3", timeout: float = 10.0, *,
                 en_voice: str = "en", retries: int = 1, pyttsx3_driver: str = "espeak",
                 device_id: str = "speech", clock: Clock | None = None, counters: Counters | None = None,
                 output: AudioOutput | None = None, volume: int = 100) -> None:
        if engine not in ENGINES:
            raise ValueError(f"speech engine must be one of {ENGINES}, got {engine!r}")
        super().__init__(device_id, clock=clock, counters=counters)
        self.voices = {"zh": voice, "en": en_voice}
        self.engine_name, self.timeout, self.retries = engine, timeout, retries
        self.pyttsx3_driver = pyttsx3_driver
        if not 0 <= volume <= 100:
            raise ValueError(f"volume must be a percentage 0..100, got {volume!r}")
        self.output, self.volume = output, volume
        self._pyttsx3: Pyttsx3Engine | None = None
        self._espeak = EspeakCli()
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._details: tuple[str, ...] = ()

    # -- public API ------------------------------------------------------------------
    def say(self, text: str, wav_path: str | None = None, lang: str = "zh") -> Future:
        """Queue `text`; the Future resolves to an Utterance or raises a DeviceError."""
        if lang not in self.voices:
            raise ValueError(f"lang must be one of {sorted(self.voices)}, got {lang!r}")
        if not text or not text.strip():
            raise ValueError("nothing to say")
        return self._submit(lambda: self._speak(text, wav_path, lang))

    def chime(self, wav_path: str | None = None) -> Future:
        """Queue a two-tone chime; works even when no speech engine is usable."""
        return self._submit(lambda: self._chime(wav_path))

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    # -- lifecycle -------------------------------------------------------------------
    def open(self) -> None:
        super().open()
        self._set_status(self._probe_status())  # carry start-up details (fallback, no player)

    def _open(self) -> None:
        ready: Future = Future()
        self._queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(ready,), name=f"speech-{self.device_id}",
                                        daemon=True)
        self._thread.start()
        ready.result()  # re-raises DeviceUnavailable from the start-up checks

    def _close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(None)  # after every queued announcement: none is cut off
            thread.join(timeout=self.timeout * (self._queue.qsize() + 2))

    def _probe_status(self) -> DeviceStatus:
        if self._thread is None or not self._thread.is_alive():
            return DeviceStatus(DeviceState.OFFLINE, action=Action.TECHNICIAN, message="speech thread not running")
        state = DeviceState.BUSY if self._queue.qsize() else DeviceState.ONLINE
        return DeviceStatus(state, details=self._details)

    def _health(self, level: HealthLevel) -> dict[str, str]:
        engine = "none" if self.engine_name == "none" else (self._pyttsx3 or self._espeak).name
        player = self.output.describe() if self.output is not None else (find_player() or ["none"])[0]
        checks = {"engine": engine, "voice": self.voices["zh"], "player": player}
        if level is HealthLevel.INTERACTIVE:
            checks["phrase"] = self.say("语音测试").result(timeout=self.timeout * 3).playback
        return checks

    # -- the thread ------------------------------------------------------------------
    def _submit(self, run: Callable[[], Utterance]) -> Future:
        if self._thread is None or not self._thread.is_alive():
            raise DeviceUnavailable("the speech worker is not running (call start())", device=self.device_id)
        future: Future = Future()
        self._queue.put(_Job(run, future))
        return future

    def _run(self, ready: Future) -> None:
        try:
            self._start_engines()
        except DeviceError as err:
            err.device = err.device or self.device_id
            ready.set_exception(err)
            return
        ready.set_result(None)
        while (job := self._queue.get()) is not None:
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                utterance = job.run()
            except DeviceError as err:
                self.counters.increment("faults")
                err.device = err.device or self.device_id
                self._set_status(status_for_error(err))  # not speaking: the health topic says who must come
                job.future.set_exception(err)
            except Exception as err:  # the thread must survive anything one utterance does
                log.exception("speech job failed")
                self.counters.increment("faults")
                failure = DeviceError(f"speech failed: {err!r}", device=self.device_id)
                self._set_status(status_for_error(failure))
                job.future.set_exception(failure)
            else:
                if not self.last_status.usable:  # speaking again
                    self._set_status(self._probe_status())
                job.future.set_result(utterance)

    def _start_engines(self) -> None:
        details: list[str] = []
        if self.engine_name == "pyttsx3":
            engine = Pyttsx3Engine(self.pyttsx3_driver)
            try:
                engine.open()
            except DeviceUnavailable as err:
                log.warning("pyttsx3 unusable, using espeak-ng: %s", err)
                details.append("pyttsx3_unavailable")
            else:
                for voice in self.voices.values():
                    engine.check_voice(voice)  # a wrong voice is fatal: fail loudly
                self._pyttsx3 = engine
        if self.engine_name == "none":
            details.append("speech_off")
        elif self._espeak.available:
            for lang, voice in self.voices.items():
                self._espeak.check_voice(voice, SAMPLE_ZH if lang == "zh" else SAMPLE_EN)
        elif self._pyttsx3 is None:
            raise DeviceUnavailable("no speech engine: pyttsx3 failed and espeak-ng is not installed")
        else:
            details.append("no_fallback")
        if self.output is not None:
            if self.output.enabled and self.output.describe() == "none":
                details.append("no_audio_player")
        elif find_player() is None:
            details.append("no_audio_player")
        self._details = tuple(details)

    def _synthesise(self, text: str, path: str, voice: str) -> tuple[str, int]:
        """Write `text` to `path`; return (engine used, attempts). Retries, then falls back."""
        engines = [self._pyttsx3] * (1 + self.retries) if self._pyttsx3 else []
        if self._espeak.available and self.engine_name != "none":
            engines.append(self._espeak)
        last: DeviceError | None = None
        for attempt, engine in enumerate(engines, start=1):
            try:
                if os.path.exists(path):
                    os.remove(path)
                engine.synth(text, path, voice, self.timeout)
                if os.path.getsize(path) >= MIN_WAV_BYTES:
                    return engine.name, attempt
                last = DeviceError(f"{engine.name} wrote an empty file", device=self.device_id)
            except DeviceError as err:
                last = err
            except OSError as err:
                last = DeviceError(f"{engine.name} wrote no file: {err}", device=self.device_id)
            log.warning("speech attempt %d with %s failed: %s", attempt, engine.name, last)
            self.counters.increment("retries")
        raise last or DeviceUnavailable("speech is off or no engine is usable", device=self.device_id)

    def _speak(self, text: str, wav_path: str | None, lang: str) -> Utterance:
        return self._deliver(wav_path, lambda path: self._synthesise(text, path, self.voices[lang]), text, lang)

    def _chime(self, wav_path: str | None) -> Utterance:
        def write(path: str) -> tuple[str, int]:
            write_wav(path, chime_samples())
            return "chime", 1
        return self._deliver(wav_path, write, "", "")

    def _deliver(self, wav_path: str | None, produce: Callable[[str], tuple[str, int]],
                 text: str, lang: str) -> Utterance:
        if wav_path is None:
            fd, path = tempfile.mkstemp(prefix="speech-", suffix=".wav")
            os.close(fd)
        else:
            path = wav_path
        try:
            engine, attempts = produce(path)
            scale_wav(path, self.volume)
            info = wav_info(path)
            if self.output is not None:
                playback = self.output.play(path, timeout=info.duration_s + self.timeout)
            else:
                playback = "file" if wav_path else play_wav(path, timeout=info.duration_s + self.timeout)
        finally:
            if wav_path is None and os.path.exists(path):
                os.remove(path)
        self.counters.increment("chimes" if engine == "chime" else "utterances")
        if playback not in ("file", "played", "no_loudspeaker"):
            self.counters.increment("playback_failures")
            self._details = tuple(sorted(set(self._details) | {playback}))
            self._set_status(self._probe_status())
        log.info("%s: %.2f s via %s (%s)", self.device_id, info.duration_s, engine, playback)
        return Utterance(text, lang, wav_path, info.duration_s, info.rms, engine, attempts, playback)
