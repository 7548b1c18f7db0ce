"""Voice announcements: every call becomes a chime and a spoken call naming the ticket and the
window, heard from the hall's loudspeakers.

Each hall has a loudspeaker for windows in no zone (`[halls.audio] sink`) and one per zone
(`[[halls.audio.zones]]`: a floor, an area); a call is played in the zone of its window only.
Every loudspeaker has a speech worker (a thread) of its own: its announcements queue and are
never cut off, and a zone's announcement never waits for another zone's. The chime plays even
when speech is turned off; a recall is announced again; volume and languages come from the
hall file. With `out_dir` every announcement is also kept as a WAV file (the demo, tests): an
extra sink, not instead of the loudspeaker.

Inside the controller the announcer follows the calls where they are made (a call hook of the
hall's publisher): a broker restart cannot lose one. `subscribe` follows the call events over
MQTT instead, for a loudspeaker PC of its own.

Each loudspeaker's speech part has its retained health (contract.DEVICE_HEALTH, device
`speech-<hall>-<zone>`, role `speaker`): the engine checked at start (a missing espeak-ng voice
is a technician's visit; the calls go on, that loudspeaker silent, and a check retries it), every
utterance that fails, and a check on a schedule (`check_s`) that the speech thread still runs.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho

from config.schema import HallConfig
from drivers.core.errors import DeviceError
from drivers.core.watch import DeviceWatch
from drivers.speech.numbers import ticket_en, ticket_zh, window_en, window_zh
from drivers.speech.output import AudioOutput
from drivers.speech.worker import SpeechWorker
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import CallEvent
from hall_protocol.health import HealthPublisher
from hall_protocol.mqtt import Endpoint
from hall_protocol.phrasing import call_text

log = logging.getLogger(__name__)
SPELL = {"zh": (ticket_zh, window_zh), "en": (ticket_en, window_en)}
SPEECH_CHECK_S = 60.0  # how often each loudspeaker's speech part is checked


@dataclass(frozen=True)
class Speaker:
    """One loudspeaker of a hall: its default one (zone None: windows in no zone) or a zone's."""

    hall: str
    zone: str | None
    url: str
    volume: int
    langs: tuple[str, ...]
    speech: bool
    windows: frozenset[int] = frozenset()  # a zone's windows; empty for the hall's default

    @property
    def name(self) -> str:
        return f"{self.hall}/{self.zone or 'hall'}"


def speakers_of(hall: HallConfig, *, loudspeaker: bool = True) -> list[Speaker]:
    """The hall's loudspeakers from its file; `loudspeaker` False: none plays (WAV files only)."""
    langs, audio = tuple(hall.voice_lang), hall.audio
    out = [Speaker(hall.id, None, audio.sink if loudspeaker else "none", audio.volume, langs, hall.speech_enabled)]
    for z in audio.zones:
        out.append(Speaker(hall.id, z.id, z.sink if loudspeaker else "none",
                           audio.volume if z.volume is None else z.volume, langs, hall.speech_enabled,
                           frozenset(z.windows)))
    return out


class Announcer(Feature):

    def __init__(self, speakers: list[Speaker], out_dir: Path | None = None, *, env: dict | None = None,
                 engine: str = "pyttsx3", voice: str = "cmn-latn-pinyin", check_s: float = SPEECH_CHECK_S) -> None:
        """`env`: the players' environment (PULSE_SERVER, ...); `out_dir`: also a WAV file of
        every announcement there; `voice`: the Mandarin voice (espeak-ng's); `check_s`: how
        often each speech part is checked."""
        self.speakers, self.out_dir = list(speakers), out_dir
        self.workers: dict[Speaker, SpeechWorker] = {
            s: SpeechWorker(voice, engine=engine, device_id=f"speech-{s.hall}-{s.zone or 'hall'}",
                            output=AudioOutput(s.url, env), volume=s.volume) for s in self.speakers}
        self.watch = DeviceWatch()
        for worker in self.workers.values():
            self.watch.add("speech", worker, check_s)
        self.health: dict[Speaker, HealthPublisher] = {}
        self._health_endpoint: Endpoint | None = None
        self.count = 0
        self.done: list = []  # futures of every queued utterance, in order
        self.heard: dict[str, list] = {s.name: [] for s in self.speakers}  # per loudspeaker, in order
        self._lock = threading.Lock()
        self._seen: deque = deque(maxlen=256)  # recent calls, to drop a duplicate delivery
        self._endpoint: Endpoint | None = None

    @classmethod
    def from_context(cls, ctx: Context, out_dir: Path | None = None, *, loudspeaker: bool = True) -> "Announcer":
        """Each hall's loudspeakers, volume, languages and whether it speaks, from the hall file;
        the announcer follows the calls of the halls this process owns."""
        ann = cls([s for h in ctx.config.halls for s in speakers_of(h, loudspeaker=loudspeaker)], out_dir)
        ctx.hall.call_hooks.append(ann.on_hall_call)
        ann._health_endpoint = ctx.endpoint
        return ann

    def subscribe(self, endpoint: Endpoint) -> "Announcer":
        """Follow the halls' call events over MQTT (a loudspeaker PC of its own)."""
        self._endpoint = self._health_endpoint = endpoint
        return self

    def start(self) -> None:
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        if self._health_endpoint is not None:
            for s, worker in self.workers.items():
                self.health[s] = HealthPublisher.on_endpoint(self._health_endpoint, s.hall, worker.device_id, "speaker")
                self.health[s].watch("speech", worker)
        for s, worker in self.workers.items():
            try:
                worker.start()
            except DeviceError as err:  # the calls go on without this loudspeaker; its health says why
                log.error("loudspeaker %s cannot speak: %s", s.name, err)
        for health in self.health.values():
            health.publish()
        self.watch.start()
        if self._endpoint is not None:
            for hall in sorted({s.hall for s in self.speakers}):
                self._endpoint.subscribe(contract.CALL_EVENT.format(hall=hall), self._on_call)

    def stop(self) -> None:
        self.watch.stop()
        for fut in list(self.done):
            try:
                fut.result(timeout=60)
            except Exception:  # noqa: BLE001 - reported by the worker's status already
                pass
        for worker in self.workers.values():
            worker.close()

    def speaker_for(self, hall: str, window: int) -> Speaker | None:
        default = None
        for s in self.speakers:
            if s.hall != hall:
                continue
            if window in s.windows:
                return s
            if s.zone is None:
                default = s
        return default

    # -- where calls come from ---------------------------------------------------------------
    def on_hall_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        """A call hook of the hall's publisher: returns at once (the workers play)."""
        self.announce(q.hall.id, t.number, window, t.recalls, q.iso(t.called_at) or "")

    def _on_call(self, msg: paho.MQTTMessage) -> None:
        ev = contract.read(msg, CallEvent)
        if ev is not None:
            self.announce(ev.hall, ev.call.ticket, ev.call.window, ev.call.recall, ev.call.at)

    def announce(self, hall: str, ticket: str, window: int, recall: int = 0, at: str = "") -> bool:
        """Queue the chime and the spoken call on the window's loudspeaker; False when it is a
        duplicate delivery (QoS 1 after a reconnect) or the hall has no loudspeaker here."""
        speaker = self.speaker_for(hall, window)
        if speaker is None:
            return False
        worker = self.workers[speaker]
        key = (hall, ticket, window, recall, at)
        with self._lock:
            if key in self._seen:
                log.info("call %s at window %s delivered again; not repeated", ticket, window)
                return False
            self._seen.append(key)
            self.count += 1
            n = self.count
            try:
                texts = [(lang, call_text(ticket, window, lang, spoken=SPELL[lang]))
                         for lang in (speaker.langs if speaker.speech else ())]
            except ValueError as err:  # not a ticket number a hall issues: the chime alone
                log.warning("call %r at window %s cannot be spoken: %s", ticket, window, err)
                texts = []
            try:
                queued = [worker.chime(self._path(n, speaker, ticket, window, "chime"))]
                queued += [worker.say(text, self._path(n, speaker, ticket, window, lang), lang=lang)
                           for lang, text in texts]
            except DeviceError as err:  # its worker did not start (its health says why)
                log.warning("call %s at window %s not announced on %s: %s", ticket, window, speaker.name, err)
                return False
            self.done += queued
            self.heard[speaker.name] += queued
        log.info("announcing %s at window %s on %s%s", ticket, window, speaker.name, " (recall)" if recall else "")
        return True

    def _path(self, n: int, s: Speaker, ticket: str, window: int, part: str) -> str | None:
        if not self.out_dir:
            return None
        zone, ticket = re.sub(r"[^a-z0-9-]", "", s.zone or "hall"), re.sub(r"[^A-Za-z0-9]", "", ticket)[:8]
        return str(self.out_dir / f"call-{n:04d}-{zone}-{ticket}-w{window}-{part}.wav")
