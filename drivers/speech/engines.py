"""Two ways to turn text into a WAV file, both checked for the voice they really use.

Pyttsx3Engine drives pyttsx3 (espeak-ng underneath) one utterance per runAndWait, with a
watchdog that ends a loop that never finishes. EspeakCli runs `espeak-ng -v VOICE -w OUT`
and is the fallback. pyttsx3 ignores an unknown voice silently, so the voice is read back
after it is set; `espeak-ng -x` prints "(en)" when it reads Chinese text as English.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from drivers.core.errors import DeviceTimeout, DeviceUnavailable

log = logging.getLogger(__name__)

SAMPLE_ZH = "请到窗口办理"
SAMPLE_EN = "Please go to window one"

# pyttsx3's espeak driver is one process-wide espeak instance: one user at a time.
PYTTSX3_LOCK = threading.Lock()


class _DropSavedNotice(io.TextIOBase):
    """pyttsx3 prints "Audio saved to ..." on stdout; keep everything else."""

    def __init__(self, target) -> None:
        self._target = target

    def write(self, text: str) -> int:
        if not text.startswith("Audio saved to") and text != "\n":
            self._target.write(text)
        return len(text)

    def flush(self) -> None:
        self._target.flush()


class Pyttsx3Engine:
    name = "pyttsx3"

    def __init__(self, driver: str = "espeak") -> None:
        self.driver = driver
        self._engine = None
        self._voice_ids: dict[str, str] = {}

    def open(self) -> None:
        try:
            import pyttsx3
            self._engine = pyttsx3.init(self.driver)
            voices = self._engine.getProperty("voices")
        except Exception as err:  # pyttsx3 raises anything from ImportError to RuntimeError
            raise DeviceUnavailable(f"pyttsx3 driver {self.driver!r} cannot start: {err!r}") from err
        self._voice_ids = {v.id: v.id for v in voices}
        for v in voices:  # espeak ids look like "sit/cmn-latn-pinyin": also accept the short name
            self._voice_ids.setdefault(v.id.rsplit("/", 1)[-1], v.id)

    def check_voice(self, voice: str) -> str:
        """Speak a probe in `voice` and read the voice back: fail loudly if pyttsx3 used another.

        espeak reports the voice of the last synthesis, so the read-back follows a probe.
        """
        fd, probe = tempfile.mkstemp(prefix="voice-probe-", suffix=".wav")
        os.close(fd)
        try:
            self.synth(SAMPLE_EN, probe, voice, timeout=10.0)
        finally:
            os.remove(probe)
        return self._voice_ids[voice.lower()]

    def _resolve(self, voice: str) -> str:
        wanted = self._voice_ids.get(voice.lower())
        if wanted is None:
            raise DeviceUnavailable(f"pyttsx3 has no voice {voice!r}")
        return wanted

    def synth(self, text: str, path: str, voice: str, timeout: float) -> None:
        """Write one utterance to `path` (the caller checks the file) and verify the voice used."""
        wanted = self._resolve(voice)
        engine = self._engine
        timed_out = threading.Event()

        def abort() -> None:
            timed_out.set()
            with contextlib.suppress(RuntimeError, ReferenceError):
                engine.endLoop()

        with PYTTSX3_LOCK:
            watchdog = threading.Timer(timeout, abort)
            watchdog.daemon = True
            watchdog.start()
            try:
                with contextlib.redirect_stdout(_DropSavedNotice(sys.stdout)):
                    engine.setProperty("voice", wanted)
                    engine.save_to_file(text, path)
                    engine.runAndWait()
                got = engine.getProperty("voice")
            except (RuntimeError, ValueError) as err:
                raise DeviceUnavailable(f"pyttsx3 failed: {err}") from err
            finally:
                watchdog.cancel()
        if timed_out.is_set():
            raise DeviceTimeout(f"pyttsx3 did not finish within {timeout:.1f} s")
        if got != wanted:
            raise DeviceUnavailable(f"pyttsx3 was asked for voice {wanted!r} but used {got!r}")


class EspeakCli:
    name = "espeak-ng"

    def __init__(self, executable: str = "espeak-ng") -> None:
        self.executable = shutil.which(executable)

    @property
    def available(self) -> bool:
        return self.executable is not None

    def _run(self, args: list[str], timeout: float) -> subprocess.CompletedProcess:
        if not self.executable:
            raise DeviceUnavailable("espeak-ng is not installed (Debian package espeak-ng)")
        try:
            return subprocess.run([self.executable, *args], capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise DeviceTimeout(f"espeak-ng did not finish within {timeout:.1f} s") from err
        except OSError as err:
            raise DeviceUnavailable(f"espeak-ng cannot run: {err}") from err

    def check_voice(self, voice: str, sample: str, timeout: float = 10.0) -> str:
        """Phonemes of `sample` in `voice`; DeviceUnavailable if the voice is missing or falls back to English."""
        done = self._run(["-v", voice, "-q", "-x", sample], timeout)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode != 0 or not out.strip():
            raise DeviceUnavailable(f"espeak-ng has no usable voice {voice!r}: {err or 'no output'}")
        if "(en)" in out and sample != SAMPLE_EN:
            raise DeviceUnavailable(f"espeak-ng voice {voice!r} reads {sample!r} as English: {out.strip()[:60]}")
        return out.strip()

    def synth(self, text: str, path: str, voice: str, timeout: float) -> None:
        done = self._run(["-v", voice, "-w", path, "--", text], timeout)
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace").strip()
            raise DeviceUnavailable(f"espeak-ng failed ({done.returncode}): {err}")
