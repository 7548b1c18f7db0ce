"""Help on every kiosk page, as a plain state machine (no Qt): the citizen presses 求助 / Help,
the kiosk sends a help call (which page, the error code on screen, elderly mode, language) and
shows "已通知工作人员 / Staff notified"; when a clerk acknowledges it (the controller's retained
help board), it shows and says "工作人员马上就到 / Staff are on the way". When the hall has a guide
robot, the robot is asked to come and greet the citizen too.

The help state outlives the ticket session (a citizen waiting for staff is not sent home by a
page timeout): "coming" is shown for `coming_s`, a failure for `failed_s`, a call nobody
acknowledged for `open_s`.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from typing import Callable, Protocol

from drivers.core.clock import Clock
from hall_protocol.help import HelpBoard, HelpRequest
from kiosk_app.clients.help import HelpUnavailable

log = logging.getLogger(__name__)


class HelpSource(Protocol):
    def ask(self, request: HelpRequest) -> str: ...

    def robot(self, request_id: str) -> dict: ...


@dataclass(frozen=True)
class HelpState:
    status: str = "idle"          # idle, sending, notified, coming, failed
    help_id: str | None = None
    robot: str | None = None      # None (no robot in the hall), coming, unavailable
    lang: str = "zh"
    since: float = 0.0

    @property
    def message_key(self) -> str | None:
        """The i18n key of what the kiosk shows (and says) about the call."""
        return {"sending": "help_sending", "notified": "help_notified", "coming": "help_coming",
                "failed": "help_failed"}.get(self.status)


class HelpFlow:
    def __init__(self, client: HelpSource, clock: Clock, *, robot: bool = False, coming_s: float = 120,
                 failed_s: float = 30, open_s: float = 600) -> None:
        self.client, self.clock, self.robot = client, clock, robot
        self.limits = {"coming": coming_s, "failed": failed_s, "notified": open_s}
        self.state = HelpState(since=clock.monotonic())
        self.board: HelpBoard | None = None
        self.listeners: list[Callable[[HelpState], None]] = []

    def _show(self, **changes) -> HelpState:
        self.state = replace(self.state, since=self.clock.monotonic(), **changes)
        for listener in list(self.listeners):
            try:
                listener(self.state)
            except RuntimeError:  # its window is gone
                self.listeners.remove(listener)
        return self.state

    def press(self, page: str, problem: str | None = None, *, elderly: bool = False, lang: str = "zh") -> HelpState:
        """One press of the help button (blocking: call it off the UI thread)."""
        request = HelpRequest(request_id=uuid.uuid4().hex, page=page, problem=problem, elderly=elderly,
                              lang=lang if lang in ("zh", "en") else "zh")
        self._show(status="sending", lang=request.lang, robot=self.state.robot if self.state.status != "idle" else None)
        try:
            help_id = self.client.ask(request)
        except HelpUnavailable as err:
            log.warning("help call from page %s not taken: %s", page, err)
            return self._show(status="failed", help_id=None)
        robot = self.state.robot if self.state.robot == "coming" else None
        if self.robot and robot is None:   # pressed again while the robot is on its way: it is not sent twice
            try:
                self.client.robot(request.request_id)
                robot = "coming"
            except HelpUnavailable as err:
                log.info("the guide robot cannot come: %s", err)
                robot = "unavailable"
        self._show(status="notified", help_id=help_id, robot=robot)
        if self.board is not None:   # a quick clerk: acknowledged before the answer came
            self.on_board(self.board)
        return self.state

    def on_board(self, board: HelpBoard) -> None:
        """The retained help board (any thread): "coming" once our call is acknowledged."""
        self.board = board
        s = self.state
        if s.status == "notified" and any(c.id == s.help_id and c.state == "acknowledged" for c in board.calls):
            self._show(status="coming")

    def tick(self) -> HelpState:
        s = self.state
        limit = self.limits.get(s.status)
        if limit is not None and self.clock.monotonic() - s.since >= limit:
            return self._show(status="idle", help_id=None, robot=None)
        return s
