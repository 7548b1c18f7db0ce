"""What a calling screen knows, without Qt: the newest board and whether the controller is
reachable. Fed from MQTT; a board older than the one shown is ignored."""
from __future__ import annotations

import json
import threading
from typing import Callable

from pydantic import ValidationError

from hall_controller import contract
from hall_controller.contract import Board, Presence
from hall_controller.mqtt import Endpoint


class ScreenModel:
    def __init__(self, hall: str, controller_id: str = "hall-controller") -> None:
        self.hall, self.controller_id = hall, controller_id
        self.board: Board | None = None
        self.broker_up = False
        self.controller_up = False
        self.listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return self.broker_up and self.controller_up

    def attach(self, endpoint: Endpoint) -> None:
        endpoint.subscribe(contract.BOARD.format(hall=self.hall), self.on_board)
        endpoint.subscribe(contract.PRESENCE.format(client=self.controller_id), self.on_presence)
        previous = endpoint.on_connection_change

        def changed(up: bool) -> None:
            if previous:
                previous(up)
            self.on_broker(up)
        endpoint.on_connection_change = changed

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except RuntimeError:  # the widget behind it is gone (Qt deleted it)
                self.listeners.remove(listener)

    def on_broker(self, up: bool) -> None:
        self.broker_up = up
        if not up:
            self.controller_up = False
        self._notify()

    def on_presence(self, msg) -> None:
        try:
            self.controller_up = Presence.model_validate(json.loads(msg.payload)).state == "online"
        except (ValueError, ValidationError):
            return
        self._notify()

    def on_board(self, msg) -> None:
        try:
            board = Board.model_validate(json.loads(msg.payload))
        except (ValueError, ValidationError):
            return
        with self._lock:
            if self.board is not None and board.seq <= self.board.seq and board.day == self.board.day:
                return
            self.board = board
        self._notify()
