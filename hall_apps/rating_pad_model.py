"""The rating pad at a window (好差评 评价器), without Qt: what it shows and what it sends.

It follows its window's pad state (`hall/<hall>/state/pad/<window>`) and clerk card; when the
controller invites a rating of a finished ticket, the citizen taps one of the five levels, and
for a low one (不满意, 非常不满意) may pick reasons; the rating goes to the controller
(`request/rating/<pad>`) with a request id kept for its retries, until it is stored (the
controller keeps it durably and delivers it to the platform once). The citizen is thanked at
once; an invitation nobody answers ends politely after `timeout_s`. Time comes from `monotonic`.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Callable

from hall_apps.screen_model import ControllerLink
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint, MqttError, Tls
from hall_protocol.presence import PresenceAnnouncer
from hall_protocol.rating_pad import PadRating, PadState
from hall_protocol.staff import StaffCard

log = logging.getLogger(__name__)
LOW = 2           # a score of this or less asks for reasons
TIMEOUT_S = 60.0  # an invitation (or the reasons) nobody answers
THANKS_S = 4.0
PROMPT = ("请您对本次服务进行评价", "Please rate our service")


def pad_endpoint(cid: str, hall: str, host: str, port: int, password: str | None, tls: Tls | None = None) -> Endpoint:
    """The pad's MQTT identity, with its retained presence and a last will (offline)."""
    presence = PresenceAnnouncer(cid, "ratingpad", [hall])
    ep = Endpoint(cid, host, port, username=cid, password=password, will=presence.will(), tls=tls)
    presence.attach(ep)
    return ep


class RatingPadModel(ControllerLink):
    def __init__(self, hall: str, window: int, controller_id: str = "hall-controller", *,
                 monotonic: Callable[[], float] = time.monotonic, timeout_s: float = TIMEOUT_S) -> None:
        super().__init__(controller_id)
        self.hall, self.window, self.monotonic, self.timeout_s = hall, window, monotonic, timeout_s
        self.pad: PadState | None = None
        self.card: StaffCard | None = None
        self.phase = "welcome"  # welcome, serving, rate, reasons, thanks, paused, closed
        self.ticket: str | None = None  # the ticket being rated
        self.score: int | None = None
        self.reasons: list[str] = []
        self.rated: set[str] = set()  # tickets rated here (an invitation seen again is not asked twice)
        self.pending: list[dict] = []  # ratings not yet stored by the controller, oldest first
        self.sent = 0
        self.prompts = 0  # how often the spoken prompt was asked for
        self.on_prompt: Callable[[str], None] | None = None
        self._until = 0.0
        self._endpoint: Endpoint | None = None
        self._lock = threading.Lock()
        self._delivering = threading.Lock()

    def attach(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint
        endpoint.subscribe(contract.PAD_STATE.format(hall=self.hall, window=self.window), self.on_pad)
        endpoint.subscribe(contract.CLERK.format(hall=self.hall, window=self.window), self.on_clerk)
        super().attach(endpoint)

    def on_broker(self, up: bool) -> None:
        super().on_broker(up)
        if up and self.pending:  # ratings made while the network was down go out now
            threading.Thread(target=self.deliver, name="pad-rating", daemon=True).start()

    # -- from MQTT -------------------------------------------------------------------------------
    def on_clerk(self, msg) -> None:
        card = contract.read(msg, StaffCard) if msg.payload else None
        if card is not None and card.window == self.window:
            self.card = card if card.staff_id else None
            self._notify()

    def on_pad(self, msg) -> None:
        pad = contract.read(msg, PadState) if msg.payload else None
        if pad is not None and pad.window == self.window:
            self.take(pad)

    def take(self, pad: PadState) -> None:
        with self._lock:
            if self.pad is not None and pad.seq <= self.pad.seq:
                return
            self.pad = pad
            if pad.state == "rate" and pad.ticket and pad.ticket not in self.rated:
                self.phase, self.ticket, self.score, self.reasons = "rate", pad.ticket, None, []
                self._until = self.monotonic() + self.timeout_s
                self.prompts += 1
                prompt = True
            else:
                prompt = False
                if self.phase not in ("rate", "reasons", "thanks"):
                    self.phase = {"serving": "serving", "paused": "paused", "closed": "closed"}.get(pad.state, "welcome")
        if prompt and self.on_prompt:
            self.on_prompt(PROMPT[0])
        self._notify()

    # -- the citizen's taps ------------------------------------------------------------------------
    def tap(self, score: int) -> None:
        if self.phase != "rate" or not 1 <= score <= 5:
            return
        self.score = score
        if score <= LOW:
            self.phase = "reasons"
            self._until = self.monotonic() + self.timeout_s
            self._notify()
        else:
            self.submit()

    def toggle(self, reason: str) -> None:
        if self.phase == "reasons":
            self.reasons = [r for r in self.reasons if r != reason] if reason in self.reasons else self.reasons + [reason]
            self._until = self.monotonic() + self.timeout_s
            self._notify()

    def submit(self) -> None:
        """The chosen level (and reasons) goes out; the citizen is thanked at once."""
        if self.score is None or self.ticket is None:
            return
        with self._lock:
            self.pending.append({"request_id": uuid.uuid4().hex, "ticket": self.ticket, "score": self.score,
                                 "reasons": list(self.reasons)})
            self.rated.add(self.ticket)
            self.phase, self._until = "thanks", self.monotonic() + THANKS_S
        self._notify()
        threading.Thread(target=self.deliver, name="pad-rating", daemon=True).start()

    def tick(self) -> None:
        """Every second: an unanswered invitation ends politely; thanks give way to the window's state."""
        now = self.monotonic()
        if self.phase == "reasons" and now >= self._until:
            self.submit()  # the level was chosen: it counts without reasons
        elif self.phase == "rate" and now >= self._until:
            self.rated.add(self.ticket or "")
            self.phase, self._until = "thanks", now + THANKS_S
            self._notify()
        elif self.phase == "thanks" and now >= self._until:
            state = self.pad.state if self.pad else "idle"
            self.phase = {"serving": "serving", "paused": "paused", "closed": "closed"}.get(state, "welcome")
            self._notify()

    # -- delivery ------------------------------------------------------------------------------------
    def deliver(self, attempts: int = 6, timeout: float = 5.0) -> None:
        """Send the waiting ratings, oldest first, each with its own request id on every retry.
        One delivery at a time: a rating given while another is on its way joins the same run
        (two runs would both send the oldest and both take it off the list)."""
        while self._endpoint is not None and self.pending:
            if not self._delivering.acquire(blocking=False):
                return  # the running delivery sends it: it looks at the list again before it stops
            try:
                stalled = not self._deliver_pending(attempts, timeout)
            finally:
                self._delivering.release()
            if stalled:
                break
        self._notify()

    def _deliver_pending(self, attempts: int, timeout: float) -> bool:
        """Send until the list is empty (True) or the controller does not answer (False)."""
        while self.pending and self._endpoint is not None:
            item = self.pending[0]
            topic = contract.RATING_REQUEST.format(hall=self.hall, client=self._endpoint.client_id)
            body = PadRating.model_validate(item).model_dump()
            answer = None
            for _ in range(attempts):
                try:
                    answer = self._endpoint.request(topic, body, timeout=timeout)
                    break
                except MqttError as err:
                    log.info("rating of %s not answered yet (%s); retrying", item["ticket"], err)
            if answer is None:
                return False  # still pending: the next rating or reconnect sends it again
            if answer.get("status") != "ok":
                log.warning("rating of %s refused: %s %s", item["ticket"], answer.get("code"), answer.get("error"))
            with self._lock:
                if self.pending and self.pending[0] is item:
                    self.pending.pop(0)
                self.sent += 1
        return True
