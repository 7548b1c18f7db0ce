"""Voice announcements: every call event becomes a chime and a spoken call naming the
ticket and the window, queued in one speech worker so that no announcement is cut off.
The chime plays even when speech is turned off; a recall is announced again."""
from __future__ import annotations

import logging
import threading
from collections import deque
from pathlib import Path

import paho.mqtt.client as paho

from drivers.speech.numbers import ticket_en, ticket_zh, window_en, window_zh
from drivers.speech.worker import SpeechWorker
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import CallEvent
from hall_protocol.mqtt import Endpoint
from hall_protocol.phrasing import call_text

log = logging.getLogger(__name__)


class Announcer(Feature):

    def __init__(self, endpoint: Endpoint, halls: dict[str, tuple[list[str], bool]],
                 out_dir: Path | None = None, worker: SpeechWorker | None = None) -> None:
        """`halls`: hall id -> (languages to speak, speech enabled); `out_dir`: WAV files there
        instead of the speaker."""
        self.endpoint, self.halls, self.out_dir = endpoint, halls, out_dir
        self.worker = worker or SpeechWorker()
        self.count = 0
        self.done: list = []  # futures of every queued utterance, in order
        self._lock = threading.Lock()
        self._seen: deque = deque(maxlen=256)  # recent calls, to drop a duplicate delivery

    @classmethod
    def from_context(cls, ctx: Context, out_dir: Path | None = None) -> "Announcer":
        """Each hall's languages and whether it speaks, from the hall file (`voice_lang`,
        `speech_enabled`)."""
        return cls(ctx.endpoint, {h.id: (list(h.voice_lang), h.speech_enabled) for h in ctx.config.halls}, out_dir)

    def start(self) -> None:
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self.worker.start()
        for hall in self.halls:
            self.endpoint.subscribe(contract.CALL_EVENT.format(hall=hall), self._on_call)

    def stop(self) -> None:
        for fut in list(self.done):
            try:
                fut.result(timeout=30)
            except Exception:  # noqa: BLE001 - reported by the worker's status already
                pass
        self.worker.close()

    def _path(self, n: int, ev: CallEvent, part: str) -> str | None:
        if not self.out_dir:
            return None
        return str(self.out_dir / f"call-{n:04d}-{ev.call.ticket}-w{ev.call.window}-{part}.wav")

    def _on_call(self, msg: paho.MQTTMessage) -> None:
        ev = contract.read(msg, CallEvent)
        if ev is None:
            return
        langs, speech_on = self.halls.get(ev.hall, (["zh"], True))
        key = (ev.hall, ev.call.ticket, ev.call.window, ev.call.recall, ev.call.at)
        with self._lock:
            if key in self._seen:  # QoS 1 may deliver a call twice (after a reconnect): say it once
                log.info("call event %s at window %s delivered again; not repeated", ev.call.ticket, ev.call.window)
                return
            self._seen.append(key)
            self.count += 1
            n = self.count
            self.done.append(self.worker.chime(self._path(n, ev, "chime")))
            if speech_on:
                if "zh" in langs:
                    self.done.append(self.worker.say(call_text(ev.call.ticket, ev.call.window, "zh",
                                                               spoken=(ticket_zh, window_zh)),
                                                     self._path(n, ev, "zh"), lang="zh"))
                if "en" in langs:
                    self.done.append(self.worker.say(call_text(ev.call.ticket, ev.call.window, "en",
                                                               spoken=(ticket_en, window_en)),
                                                     self._path(n, ev, "en"), lang="en"))
        log.info("announcing %s at window %s%s", ev.call.ticket, ev.call.window,
                 " (recall)" if ev.call.recall else "")
