"""What a calling screen knows, without Qt: the newest board, whether the controller is
reachable, and which call is new enough to flash. Fed from MQTT; a board older than the one
shown is ignored. Time comes from an injected clock (monotonic seconds)."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from hall_protocol import contract
from hall_protocol.contract import Board, CallInfo, Presence, WindowView
from hall_protocol.mqtt import Endpoint
from hall_protocol.staff import StaffCard

log = logging.getLogger(__name__)

FLASH_SECONDS = 6.0


class ControllerLink:
    """Whether the hall's controller can be reached: our broker connection and the retained
    presence of the controller process that owns the hall (its last will says "offline" when
    it dies; the board names the owner, which changes when another process takes the hall
    over). Shared by the screens and the window caller; listeners are called on every change
    (from the MQTT thread)."""

    def __init__(self, controller_id: str = "hall-controller") -> None:
        self.controller_id = controller_id
        self.broker_up = False
        self.presence: dict[str, bool] = {}
        self.listeners: list[Callable[[], None]] = []
        self._endpoint: Endpoint | None = None

    @property
    def controller_up(self) -> bool:
        return self.presence.get(self.controller_id, False)

    @controller_up.setter
    def controller_up(self, up: bool) -> None:
        self.presence[self.controller_id] = up

    @property
    def connected(self) -> bool:
        return self.broker_up and self.controller_up

    def follow(self, controller_id: str) -> None:
        """The hall is owned by `controller_id` now (from the board): watch its presence."""
        if not controller_id or controller_id == self.controller_id:
            return
        self.controller_id = controller_id
        if self._endpoint is not None and controller_id not in self.presence:
            self.presence[controller_id] = False
            self._endpoint.subscribe(contract.PRESENCE.format(client=controller_id), self.on_presence)

    def attach(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint
        self.presence.setdefault(self.controller_id, False)
        endpoint.subscribe(contract.PRESENCE.format(client=self.controller_id), self.on_presence)
        previous = endpoint.on_connection_change

        def changed(up: bool) -> None:
            if previous:
                previous(up)
            self.on_broker(up)
        endpoint.on_connection_change = changed
        if endpoint.connected.is_set():
            self.broker_up = True

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except RuntimeError:  # the widget behind it is gone (Qt deleted it)
                self.listeners.remove(listener)

    def on_broker(self, up: bool) -> None:
        self.broker_up = up
        if not up:  # we cannot know; the retained presence comes back on reconnect
            self.presence = dict.fromkeys(self.presence, False)
        self._notify()

    def on_presence(self, msg) -> None:
        presence = contract.read(msg, Presence)
        if presence is None:
            return
        self.presence[msg.topic.split("/", 1)[1]] = presence.state == "online"
        self._notify()


def parse_board(msg) -> Board | None:
    return contract.read(msg, Board)


class ScreenModel(ControllerLink):
    def __init__(self, hall: str, controller_id: str = "hall-controller", *,
                 monotonic: Callable[[], float] = time.monotonic, flash_seconds: float = FLASH_SECONDS,
                 window: int | None = None) -> None:
        """`window`: a window screen's window; it also follows who serves there (the clerk card)."""
        super().__init__(controller_id)
        self.hall, self.window = hall, window
        self.board: Board | None = None
        self.clerk: StaffCard | None = None
        self.view: WindowView | None = None  # a window screen's window: its state and waiting list
        self.monotonic, self.flash_seconds = monotonic, flash_seconds
        self._flash_until = 0.0
        self._lock = threading.Lock()

    @property
    def status(self) -> str:
        """"ok", "connecting" (never had a board), "no_broker" or "no_controller"."""
        if self.connected:
            return "ok"
        if self.board is None and not self.broker_up:
            return "connecting"
        return "no_broker" if not self.broker_up else "no_controller"

    def flashing(self) -> bool:
        """True for a few seconds after a new call or a recall appeared on the board."""
        return self.monotonic() < self._flash_until

    def attach(self, endpoint: Endpoint) -> None:
        endpoint.subscribe(contract.BOARD.format(hall=self.hall), self.on_board)
        if self.window is not None:
            endpoint.subscribe(contract.CLERK.format(hall=self.hall, window=self.window), self.on_clerk)
            endpoint.subscribe(contract.WINDOW_STATE.format(hall=self.hall, window=self.window), self.on_window)
        super().attach(endpoint)

    def on_window(self, msg) -> None:
        view = contract.read(msg, WindowView)
        if view is not None and view.window == self.window and view.is_newer_than(self.view):
            self.view = view
            self._notify()

    def on_clerk(self, msg) -> None:
        card = contract.read(msg, StaffCard) if msg.payload else None
        if card is not None and card.window == self.window:
            self.clerk = card if card.staff_id else None
            self._notify()

    def on_board(self, msg) -> None:
        board = parse_board(msg)
        if board is not None and self.accept(board):
            self.follow(board.controller)
            self._notify()

    def accept(self, board: Board) -> bool:
        """Take a board unless it is older than the one shown; flash when its newest call is new."""
        with self._lock:
            old = self.board
            if not board.is_newer_than(old):
                return False
            self.board = board
            if old is not None and board.recent and _call_key(board.recent[0]) != (
                    _call_key(old.recent[0]) if old.recent else None):
                self._flash_until = self.monotonic() + self.flash_seconds
        return True


def _call_key(c: CallInfo) -> tuple:
    return c.ticket, c.window, c.at
