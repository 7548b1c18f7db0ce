"""Window LED displays driven from the hall's calls, through the display drivers of `drivers/`.

Each display device of a hall with a `url` (role "display", a window, kind "text" or
"modbus") gets a worker thread that owns the serial line. The board and the call events come
over MQTT, like for any screen, so the same service can also run on a small box next to the
displays. What a display should show is a pure function of the window's state
(`wanted_for`); the worker only applies the newest wish, retries with backoff when the line
fails, and publishes the display's presence (online/offline) for the supervisor. A display
that fails never stops the controller or the other displays.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import paho.mqtt.client as paho

from config.schema import DeviceConfig
from drivers.core.device import Lifecycle
from drivers.core.errors import DeviceError, DeviceUnavailable
from drivers.display import open_display
from drivers.display.segments import segment_patterns
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import Board, CallEvent, Presence, WindowState, encode
from hall_protocol.health import HealthPublisher
from hall_protocol.mqtt import Endpoint

log = logging.getLogger(__name__)

TEXTS = {"paused": "暂停服务", "closed": "窗口已关闭"}


@dataclass(frozen=True)
class Wanted:
    """What one window display should show: a call, a text, or its window number."""

    kind: str            # "call", "text", "idle"
    window: int
    ticket: str | None = None
    text: str = ""


def wanted_for(state: WindowState) -> Wanted:
    if state.state in ("calling", "serving") and state.ticket:
        return Wanted("call", state.window, ticket=state.ticket)
    if state.state in TEXTS:
        return Wanted("text", state.window, text=TEXTS[state.state])
    return Wanted("idle", state.window)


class DisplayWorker:
    """One display on one line: applies the newest wish, reconnects with backoff."""

    RETRY_MIN_S, RETRY_MAX_S = 1.0, 30.0

    def __init__(self, device: DeviceConfig, on_presence) -> None:
        self.config = device
        self.display = open_display(device.url, device.kind, device_id=device.id)
        self.on_presence = on_presence
        self.wanted: Wanted | None = None
        self.blink = False
        self.applied: Wanted | None = None
        self.online: bool | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=f"display-{device.id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(5)
        try:
            self.display.close()
        except DeviceError as err:
            log.info("display %s did not close cleanly: %s", self.config.id, err)

    def want(self, wanted: Wanted, blink: bool = False) -> None:
        with self._cond:
            self.wanted = wanted
            self.blink = self.blink or blink
            self._cond.notify()

    def _run(self) -> None:
        delay = self.RETRY_MIN_S
        while True:
            with self._cond:
                while not self._stop and (self.wanted is None or (self.wanted == self.applied and not self.blink)):
                    self._cond.wait()
                if self._stop:
                    return
                wanted, blink = self.wanted, self.blink
                self.blink = False
            try:
                self._apply(wanted, blink)
            except (DeviceError, ValueError) as err:
                log.warning("display %s (window %s): %s; retrying in %.0f s", self.config.id, wanted.window,
                            err, delay)
                self._presence(False)
                self.applied = None
                if isinstance(err, DeviceUnavailable):  # the line itself is gone: reopen it next time
                    self.display.close()
                with self._cond:
                    self.blink = self.blink or blink
                    self._cond.wait(delay)
                delay = min(delay * 2, self.RETRY_MAX_S)
                continue
            delay = self.RETRY_MIN_S
            self.applied = wanted
            self._presence(True)

    def _apply(self, wanted: Wanted, blink: bool) -> None:
        d = self.display
        if d.lifecycle is not Lifecycle.ENABLED:
            d.start()
        if self.config.kind == "modbus":
            label = wanted.ticket if wanted.kind == "call" else ("----" if wanted.kind == "text" else str(wanted.window))
            d.show_segments(segment_patterns(label, d.digits))
            return
        if wanted.kind == "call":
            d.show_call(wanted.window, wanted.ticket)
            if blink:
                d.blink(5)
        elif wanted.kind == "text":
            d.show_text(wanted.text)
        else:
            d.show_text(f"{wanted.window}号窗口")

    def _presence(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.on_presence(self.config, online)


class WindowDisplays(Feature):
    """The window displays of the halls, fed from the boards and call events."""


    def __init__(self, endpoint: Endpoint, devices: dict[str, list[DeviceConfig]]) -> None:
        """`devices`: hall id -> its display devices that have a URL."""
        self.endpoint = endpoint
        self.workers: dict[tuple[str, int], list[DisplayWorker]] = {}
        self._boards: dict[str, Board] = {}
        self.health: list[HealthPublisher] = []  # each display's retained health, for the supervisor
        for hall, devs in devices.items():
            for dev in devs:
                worker = DisplayWorker(dev, self._publish_presence)
                self.workers.setdefault((hall, dev.window), []).append(worker)
                self.health.append(HealthPublisher.on_endpoint(endpoint, hall, dev.id, "display"))
                self.health[-1].watch("display", worker.display)

    @classmethod
    def from_context(cls, ctx: Context) -> "WindowDisplays":
        """Every display device of the halls that has a URL (none: a feature that does nothing)."""
        return cls(ctx.endpoint, {h.id: [d for d in h.devices if d.role == "display" and d.url]
                                  for h in ctx.config.halls})

    def start(self) -> None:
        for health in self.health:
            health.publish()
        for workers in self.workers.values():
            for w in workers:
                w.start()
        for hall in {h for h, _ in self.workers}:
            self.endpoint.subscribe(contract.BOARD.format(hall=hall), self._on_board)
            self.endpoint.subscribe(contract.CALL_EVENT.format(hall=hall), self._on_call)

    def stop(self) -> None:
        for workers in self.workers.values():
            for w in workers:
                w.stop()

    def _publish_presence(self, device: DeviceConfig, online: bool) -> None:
        self.endpoint.publish(contract.PRESENCE.format(client=device.id), encode(Presence(
            state="online" if online else "offline", role="display")), retain=True)

    def _on_board(self, msg: paho.MQTTMessage) -> None:
        board = contract.read(msg, Board)
        if board is None:
            return
        if not board.is_newer_than(self._boards.get(board.hall)):
            return  # an older board, delivered late
        self._boards[board.hall] = board
        for ws in board.windows:
            for w in self.workers.get((board.hall, ws.window), []):
                w.want(wanted_for(ws))

    def _on_call(self, msg: paho.MQTTMessage) -> None:
        ev = contract.read(msg, CallEvent)
        if ev is None:
            return
        for w in self.workers.get((ev.hall, ev.call.window), []):
            w.want(Wanted("call", ev.call.window, ticket=ev.call.ticket), blink=True)
