"""The window caller's side of the contract, without Qt (also used by the CLI and tests).

`CallerClient` sends one command and returns the answer's data or raises `CallerError` with
the controller's words. `CallerModel` is what the caller window shows: the current ticket with
its timers, the waiting list in the order this window would call it, which operations make
sense now, whether the controller can be reached, and the last error in words.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Callable

from hall_apps.errors import HallAppError
from hall_apps.screen_model import ControllerLink, parse_board
from hall_protocol import contract
from hall_protocol.contract import WindowCommand
from hall_protocol.mqtt import Endpoint, MqttError

log = logging.getLogger(__name__)

# The words a clerk reads for each error code of the contract (the controller's detail follows).
ERROR_WORDS = {
    "conflict": ("无法执行", "Not possible now"),
    "not_found": ("找不到", "Not found"),
    "bad_request": ("请求有误", "Bad request"),
    "forbidden": ("无权操作此窗口", "Not allowed for this window"),
    "limit_reached": ("已达上限", "Limit reached"),
    "unavailable": ("叫号服务器暂时不可用，请稍后重试", "The queue controller is unavailable, try again"),
    None: ("操作失败", "Failed"),
}
NO_ANSWER = ("叫号服务器没有应答", "The queue controller did not answer")


class CallerError(HallAppError):
    """The controller refused a window command (`code` from the contract)."""


def describe(err: Exception, lang: str = "zh") -> str:
    """An error in words for the clerk: what went wrong first, the controller's detail after."""
    i = 0 if lang == "zh" else 1
    if isinstance(err, CallerError):
        words = ERROR_WORDS.get(err.code, ERROR_WORDS[None])
        return f"{words[i]}：{err}" if lang == "zh" else f"{words[i]}: {err}"
    return f"{NO_ANSWER[i]}（{err}）" if lang == "zh" else f"{NO_ANSWER[i]} ({err})"


class CallerClient:
    def __init__(self, endpoint: Endpoint, hall: str, window: int, clerk: str | None = None) -> None:
        self.endpoint, self.hall, self.window, self.clerk = endpoint, hall, window, clerk
        self.topic = contract.WINDOW_REQUEST.format(hall=hall, client=endpoint.client_id)

    def command(self, action: str, **kw) -> dict:
        cmd = WindowCommand(window=self.window, action=action, clerk=self.clerk, **kw)
        answer = self.endpoint.request(self.topic, cmd.model_dump(exclude_none=True))
        if answer.get("status") != "ok":
            raise CallerError(answer.get("error") or "refused", answer.get("code"))
        return answer["data"]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CallerModel(ControllerLink):
    """The state of one window caller. Board changes (from the MQTT thread) ask a worker
    thread to refresh the status, since a request cannot wait inside the MQTT thread."""

    def __init__(self, client: CallerClient, controller_id: str = "hall-controller", *,
                 now: Callable[[], datetime] = _utcnow) -> None:
        super().__init__(controller_id)
        self.client, self.now = client, now
        self.ticket: dict | None = None
        self.window_state: dict = {"state": "idle"}
        self.waiting: list[dict] = []
        self.services: dict[str, str] = {}
        self.windows: list[int] = []
        self.error: str | None = None
        self.lang = "zh"
        self.refreshes = 0
        self._commands = 0  # completed commands: a status answer older than one is stale
        self._board = None
        self._wanted = threading.Event()
        self._closed = False
        self._worker: threading.Thread | None = None

    # -- wiring ---------------------------------------------------------------------------
    def attach(self, endpoint: Endpoint) -> None:
        endpoint.subscribe(contract.BOARD.format(hall=self.client.hall), self.on_board)
        super().attach(endpoint)
        self._worker = threading.Thread(target=self._refresh_loop, name="caller-refresh", daemon=True)
        self._worker.start()

    def close(self) -> None:
        self._closed = True
        self._wanted.set()

    def on_board(self, msg) -> None:
        board = parse_board(msg)
        if board is None or not board.is_newer_than(self._board):
            return
        self._board = board
        self.services = dict(board.services)
        self.windows = [w.window for w in board.windows]
        self._wanted.set()

    def on_presence(self, msg) -> None:
        super().on_presence(msg)
        if self.controller_up:
            self._wanted.set()

    def on_broker(self, up: bool) -> None:
        super().on_broker(up)
        if up:
            self._wanted.set()

    def _refresh_loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._closed:
                return
            self._wanted.clear()
            if not self.broker_up:
                continue
            try:
                self.refresh()
            except (CallerError, MqttError) as err:
                self.error = describe(err, self.lang)
                self._notify()

    # -- operations -----------------------------------------------------------------------
    def refresh(self) -> None:
        before = self._commands
        data = self.client.command("status")
        if self._commands != before:  # a command answered meanwhile: this status may be older
            self._wanted.set()
            return
        self._apply(data)
        self.refreshes += 1
        self._notify()

    def run(self, action: str, **kw) -> bool:
        """Send one command; False (with self.error in words) when it failed."""
        try:
            data = self.client.command(action, **kw)
        except (CallerError, MqttError) as err:
            self.error = describe(err, self.lang)
            log.info("window %s %s failed: %s", self.client.window, action, err)
            self._notify()
            return False
        self.error = None
        self._commands += 1
        if action == "cancel":  # the answer's ticket is the cancelled one, not ours
            self.window_state = data.get("window_state") or self.window_state
            self.waiting = [w for w in self.waiting if w["number"] != kw.get("ticket")]
        else:
            self._apply(data)
        self._notify()
        return True

    def _apply(self, data: dict) -> None:
        t = data.get("ticket")
        self.ticket = t if t and t.get("state") in ("called", "serving") else None
        self.window_state = data.get("window_state") or {"state": "idle"}
        if "waiting" in data:
            self.waiting = data["waiting"]

    # -- what the window shows --------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.window_state.get("state") or "idle"

    def can(self, action: str, ticket: str | None = None) -> bool:
        """Whether an operation makes sense now (the buttons are enabled by this)."""
        if not self.connected:
            return False
        paused = self.state == "paused"
        cur = self.ticket["state"] if self.ticket else None
        return {
            "call_next": not paused,
            "call": not paused and bool(ticket),
            "recall": cur == "called",
            "start": cur == "called",
            "no_show": cur == "called",
            "finish": cur is not None,
            "transfer": cur is not None,
            "pause": not paused and cur is None,
            "resume": paused,
            "open": self.state == "closed",
            "close": cur is None and self.state != "closed",
            "cancel": bool(ticket),
        }.get(action, True)

    def timers(self) -> tuple[int | None, int | None]:
        """Seconds since the current ticket was called, and since its service started."""
        if not self.ticket:
            return None, None
        now = self.now()

        def since(key: str) -> int | None:
            at = self.ticket.get(key)
            return None if not at else max(0, int((now - datetime.fromisoformat(at)).total_seconds()))
        return since("called_at"), since("started_at") if self.ticket["state"] == "serving" else None
