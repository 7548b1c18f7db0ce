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
from hall_apps.words import NO_ANSWER, refusal
from hall_protocol import contract
from hall_protocol.contract import WindowCommand, WindowView
from hall_protocol.help import HelpAck, HelpBoard, HelpCall
from hall_protocol.mqtt import Endpoint, MqttError
from hall_protocol.staff import StaffCard, StaffSignIn

log = logging.getLogger(__name__)

class CallerError(HallAppError):
    """The controller refused a window command (`code` from the contract)."""


def describe(err: Exception, lang: str = "zh") -> str:
    """An error in words for the clerk (hall_apps/words.py): what went wrong, and what to do."""
    if isinstance(err, CallerError):
        return refusal(err.code, str(err), lang)
    return NO_ANSWER[0 if lang == "zh" else 1]


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

    def _ask(self, topic: str, payload: dict) -> dict:
        for attempt in range(self.attempts):
            try:
                answer = self.endpoint.request(topic, payload, timeout=self.timeout)
                break
            except MqttError:
                if attempt + 1 == self.attempts:
                    raise
        if answer.get("status") != "ok":
            raise CallerError(answer.get("error") or "refused", answer.get("code"))
        return answer["data"]

    def sign(self, action: str, staff_id: str | None = None, pin: str | None = None) -> dict:
        """Sign a clerk in (staff number and PIN) or out at this window; the answer's clerk card."""
        body = StaffSignIn(action=action, window=self.window, staff_id=staff_id, pin=pin,
                           request_id=uuid.uuid4().hex).model_dump(exclude_none=True)
        data = self._ask(contract.STAFF_REQUEST.format(hall=self.hall, client=self.endpoint.client_id), body)
        self.clerk = data.get("staff_id")
        return data

    def acknowledge_help(self, help_id: str) -> dict:
        body = HelpAck(help_id=help_id, request_id=uuid.uuid4().hex, clerk=self.clerk).model_dump(exclude_none=True)
        return self._ask(contract.HELP_ACK.format(hall=self.hall, client=self.endpoint.client_id), body)

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

    def check_in(self, number: str) -> dict:
        """A clerk confirms that the holder of remote ticket `number` is here: it joins the calling
        order (hall_protocol/phone.py CheckInRequest); the answer is the ticket as its phone shows it."""
        topic = contract.CHECKIN_REQUEST.format(hall=self.hall, client=self.endpoint.client_id)
        answer = self.endpoint.request(topic, {"request_id": uuid.uuid4().hex, "number": number.upper()},
                                       timeout=self.timeout)
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
        self.card: StaffCard | None = None  # who is signed in here (the hall signs clerks in when it sends one)
        self.help: HelpBoard | None = None  # the hall's help calls from kiosks
        self._board = None
        self._view: WindowView | None = None

    # -- wiring ---------------------------------------------------------------------------
    def attach(self, endpoint: Endpoint) -> None:
        endpoint.subscribe(contract.BOARD.format(hall=self.client.hall), self.on_board)
        endpoint.subscribe(contract.WINDOW_STATE.format(hall=self.client.hall, window=self.client.window),
                           self.on_window)
        endpoint.subscribe(contract.CLERK.format(hall=self.client.hall, window=self.client.window), self.on_clerk)
        endpoint.subscribe(contract.HELP_BOARD.format(hall=self.client.hall), self.on_help)
        super().attach(endpoint)

    def on_clerk(self, msg) -> None:
        card = contract.read(msg, StaffCard) if msg.payload else None
        if card is not None and card.window == self.client.window:
            self.card = card
            self.client.clerk = card.staff_id
            self._notify()

    def on_help(self, msg) -> None:
        board = contract.read(msg, HelpBoard) if msg.payload else None
        if board is not None:
            self.help = board
            self._notify()

    # -- sign-in and help ---------------------------------------------------------------------
    @property
    def needs_sign_in(self) -> bool:
        """The hall signs clerks in (it sent this window's card) and nobody is signed in here."""
        return self.card is not None and self.card.staff_id is None

    def open_help(self) -> list[HelpCall]:
        return [c for c in (self.help.calls if self.help else []) if c.state == "open"]

    def _try(self, what: str, fn) -> bool:
        try:
            fn()
        except (CallerError, MqttError) as err:
            self.error = describe(err, self.lang)
            log.info("window %s %s failed: %s", self.client.window, what, err)
            self._notify()
            return False
        self.error = None
        self._notify()
        return True

    def sign_in(self, staff_id: str, pin: str) -> bool:
        return self._try("sign-in", lambda: self._signed(self.client.sign("sign_in", staff_id, pin)))

    def sign_out(self) -> bool:
        return self._try("sign-out", lambda: self._signed(self.client.sign("sign_out")))

    def _signed(self, data: dict) -> None:
        self.card = StaffCard.model_validate({**data, "photo_jpeg_b64": None})

    def acknowledge(self, help_id: str) -> bool:
        return self._try("help", lambda: self.client.acknowledge_help(help_id))

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
        if not self.connected or self.needs_sign_in:
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
