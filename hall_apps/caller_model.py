"""The window caller's side of the contract, without Qt (also used by the CLI and tests).

`CallerClient` sends one command (with a request id, retried on a lost answer) and returns
the answer's data or raises `CallerError` with the controller's words. `CallerModel` is what
the caller window shows, from the window's retained state: the current ticket with its
timers, the waiting list in the order this window would call it, which operations make sense
now, whether the controller can be reached, and the last error in words.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from typing import Callable

from hall_apps.errors import HallAppError
from hall_apps.screen_model import ControllerLink, parse_board
from hall_protocol import contract
from hall_protocol.contract import WindowCommand, WindowView
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
    """Sends one window command and returns the answer's data. Every command that changes
    the window carries a request id, kept for its retries: when an answer is lost (a broker
    restart, a controller taking over the hall) the command is sent again with the same id,
    and the controller answers with what the first one did instead of calling a second
    citizen."""

    def __init__(self, endpoint: Endpoint, hall: str, window: int, clerk: str | None = None, *,
                 timeout: float = 5.0, attempts: int = 3) -> None:
        self.endpoint, self.hall, self.window, self.clerk = endpoint, hall, window, clerk
        self.timeout, self.attempts = timeout, attempts
        self.topic = contract.WINDOW_REQUEST.format(hall=hall, client=endpoint.client_id)

    def command(self, action: str, **kw) -> dict:
        rid = None if action == "status" else uuid.uuid4().hex
        cmd = WindowCommand(window=self.window, action=action, clerk=self.clerk, request_id=rid, **kw)
        payload = cmd.model_dump(exclude_none=True)
        for attempt in range(self.attempts):
            try:
                answer = self.endpoint.request(self.topic, payload, timeout=self.timeout)
                break
            except MqttError:
                if attempt + 1 == self.attempts:
                    raise
                log.info("window %s %s: no answer, retrying with the same request id", self.window, action)
        if answer.get("status") != "ok":
            raise CallerError(answer.get("error") or "refused", answer.get("code"))
        return answer["data"]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CallerModel(ControllerLink):
    """The state of one window caller: what the controller's retained state of this window
    says (hall/<hall>/state/window/<n>: current ticket, the next tickets in calling order),
    the answers of its own commands, whether the controller can be reached. It never has to
    ask: the retained state comes on every (re)connect and after every change in the hall."""

    def __init__(self, client: CallerClient, controller_id: str = "hall-controller", *,
                 now: Callable[[], datetime] = _utcnow) -> None:
        super().__init__(controller_id)
        self.client, self.now = client, now
        self.ticket: dict | None = None
        self.window_state: dict = {"state": "idle"}
        self.waiting: list[dict] = []
        self.waiting_total = 0
        self.services: dict[str, str] = {}
        self.windows: list[int] = []
        self.error: str | None = None
        self.lang = "zh"
        self.refreshes = 0  # window states taken
        self._board = None
        self._view: WindowView | None = None

    # -- wiring ---------------------------------------------------------------------------
    def attach(self, endpoint: Endpoint) -> None:
        endpoint.subscribe(contract.BOARD.format(hall=self.client.hall), self.on_board)
        endpoint.subscribe(contract.WINDOW_STATE.format(hall=self.client.hall, window=self.client.window),
                           self.on_window)
        super().attach(endpoint)

    def close(self) -> None:
        pass

    def on_board(self, msg) -> None:
        """The board gives the hall's services and windows (for transfers) and the controller's id."""
        board = parse_board(msg)
        if board is None or not board.is_newer_than(self._board):
            return
        self._board = board
        self.services = dict(board.services)
        self.windows = [w.window for w in board.windows]
        self.follow(board.controller)
        self._notify()

    def on_window(self, msg) -> None:
        view = contract.read(msg, WindowView)
        if view is None or view.window != self.client.window or not view.is_newer_than(self._view):
            return
        self._view = view
        self.ticket = view.ticket.model_dump() if view.ticket is not None else None
        ws = view.state.model_dump()
        ws["clerk"] = view.clerk
        self.window_state = ws
        self.waiting = [{"number": t.number, "service": t.service, "priority": t.priority,
                         "waited_min": self._waited(t.issued_at)} for t in view.waiting]
        self.waiting_total = view.waiting_total
        self.refreshes += 1
        self._notify()

    def _waited(self, issued_at: str) -> float:
        return round(max(0.0, (self.now() - datetime.fromisoformat(issued_at)).total_seconds()) / 60, 1)

    # -- operations -----------------------------------------------------------------------
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
        if action == "cancel":  # the answer's ticket is the cancelled one, not ours
            self.window_state = data.get("window_state") or self.window_state
            self.waiting = [w for w in self.waiting if w["number"] != kw.get("ticket")]
        elif self._view is None or data.get("version", 0) >= self._view.version:  # not older than the state
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
