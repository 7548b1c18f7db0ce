"""The hall as this kiosk knows it now: learned from the controller's retained configuration
(`hall/<hall>/state/config`, hall_protocol/hall_config.py), replaced while the kiosk runs.

Every flow and page holds the one `LiveHall` and reads it when it needs it (services, names,
hours, ages), so a new configuration shows on the next page drawn; a session in progress keeps
its own state (the ticket it shows, the citizen it identified). Until the first configuration
arrives the kiosk is not `ready`: it shows "正在连接 / Connecting" and offers no service.
A malformed message is refused with its reason logged and the last good configuration stays.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from config.kiosk_view import ViewError, hall_from_view, phone_page_url
from config.schema import HallConfig
from hall_protocol import contract
from hall_protocol.hall_config import HallKioskConfig

log = logging.getLogger(__name__)


class LiveHall:
    """Reads like the `HallConfig` it holds now (`hall.services`, `hall.name`, `hall.service(code)`)."""

    def __init__(self, hall_id: str, hall: HallConfig | None = None) -> None:
        self.id = hall_id
        self._hall = hall if hall is not None else HallConfig(id=hall_id, name="", services=[], windows=[])
        self._robot = hall is not None and hall.robot is not None
        self.view: HallKioskConfig | None = None
        self.ready = hall is not None
        self.refused: list[str] = []   # why messages were refused (newest last, at most 20)
        self.listeners: list[Callable[["LiveHall"], None]] = []
        self._lock = threading.Lock()

    @property
    def current(self) -> HallConfig:
        return self._hall

    @property
    def phone_page(self) -> str | None:
        """The hall's phone queue page (the attract screen's QR), as the controller says it."""
        return self.view.phone_page if self.view is not None else phone_page_url(self._hall)

    @property
    def robot(self) -> bool | None:
        """Truthy when the hall has a guide robot (the kiosk only asks whether there is one)."""
        return True if self._robot else None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._hall, name)

    def on_message(self, msg) -> None:
        """A retained configuration (MQTT thread): read, checked, applied; else refused and logged."""
        view = contract.read(msg, HallKioskConfig)   # logs topic and what is wrong
        if view is None:
            self._refuse(f"{msg.topic}: not a hall configuration")
            return
        self.apply(view, source=msg.topic)

    def apply(self, view: HallKioskConfig, source: str = "") -> bool:
        """Run with `view` from now on; False (logged) when it cannot be this kiosk's hall."""
        if view.hall != self.id:
            self._refuse(f"{source}: configuration of hall {view.hall!r}, this kiosk belongs to {self.id!r}")
            return False
        try:
            hall = hall_from_view(view)
        except ViewError as err:
            self._refuse(f"{source}: {err}")
            return False
        with self._lock:
            if self.ready and view == self.view:
                return True    # the same again (a reconnect): nothing to redraw
            self._hall, self._robot, self.view, self.ready = hall, view.robot, view, True
        log.info("hall %s: configuration applied (%d services: %s)", self.id, len(hall.services),
                 " ".join(s.code for s in hall.services))
        for listener in list(self.listeners):
            try:
                listener(self)
            except RuntimeError:   # its window is gone
                self.listeners.remove(listener)
        return True

    def _refuse(self, reason: str) -> None:
        reason = reason[:500]
        log.warning("kiosk: refused a hall configuration (the last good one stays): %s", reason)
        self.refused = [*self.refused[-19:], reason]
