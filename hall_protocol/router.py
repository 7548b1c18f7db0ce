"""One request router for every request topic of the contract.

A route is a row of a table: topic (contract.Topic, with its payload model) -> authorizer ->
handler, optionally run on an executor (so a slow platform never holds the MQTT thread).
For each message the router finds the hall and the requesting client in the topic (the
broker lets a client publish only under its own id, which is bound to its credentials),
checks that the request names a Response Topic of the requester's own (`reply/<client>/...`,
bounded in depth and length, no wildcards: anything else, or none, is refused and counted,
and the request is not executed: no publish of the controller can be steered by a client),
bounds its size and its sender's rate, reads the payload as the topic's model, asks the
authorizer, runs the handler and answers through `reply`, the one function that publishes
answers: every answer echoes the request's correlation data as `transaction`.

A route may hand its messages to a worker (`worker.put(client, route, msg)`: the controller's
request worker, fair between clients and committing many requests at once), which then
calls `handle` and, once what the handlers changed is stored, `send`.

Handlers return the answer's data (a model or a dict), or an `Answer` whose `then` runs
after the reply is out (publishing the board, announcing a call). They refuse with
hall_protocol.errors.Refused (or a subclass: the code reaches the requester); a payload that
is not the model is answered `bad_request` with what is wrong and where; anything else is
logged and answered `internal_error`, and the endpoint goes on.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from hall_protocol.contract import Response, Topic, describe, encode
from hall_protocol.errors import BadRequest, Refused
from hall_protocol.mqtt import Endpoint

log = logging.getLogger(__name__)

MAX_REPLY_TOPIC = 200       # characters of a Response Topic we will publish to
MAX_REPLY_LEVELS = 8        # reply/<client>/<at most 6 more levels>
MAX_ERROR_TEXT = 500        # characters of an error's text in an answer
MAX_PAYLOAD = 16 * 1024     # bytes of a request (the broker refuses far larger packets first)
MAX_ERRORS_LISTED = 5       # field errors named in a bad_request answer
RATE_PER_S, RATE_BURST = 20.0, 40.0  # requests per client and route kind, before they are dropped


@dataclass
class Request:
    """One request as a handler sees it."""

    msg: Any                 # the paho message
    hall: str
    client: str              # the requesting client's id, from the topic (the broker enforces it)
    payload: BaseModel
    transaction: str | None  # the correlation data, hex

    @property
    def topic(self) -> str:
        return self.msg.topic


@dataclass
class Answer:
    data: BaseModel | dict | None = None
    then: Callable[[], None] | None = None  # after the reply is published


Handler = Callable[[Request], "Answer | BaseModel | dict | None"]
Authorizer = Callable[[Request], None]


@dataclass
class Reply:
    """An answer ready to be published (and what runs after it)."""

    msg: Any
    client: str
    response: Response
    then: Callable[[], None] | None = None
    changed: bool = False   # the handler ran and answered ok (its changes wait to be stored)


class _Bucket:
    __slots__ = ("tokens", "at")

    def __init__(self, now: float) -> None:
        self.tokens, self.at = RATE_BURST, now


@dataclass
class Route:
    topic: Topic
    handler: Handler
    kind: str                                   # for logs and counters: ticket, window, backend, ...
    authorize: Authorizer | None = None
    executor: Callable[[], Executor | None] | None = None
    halls: list[str] = field(default_factory=list)
    on_refused: Callable[[str], None] | None = None  # the feature's own count of refusals, by code
    worker: Any = None                          # .put(client, route, msg): handled in batches


def transaction_of(msg) -> str | None:
    corr = getattr(msg.properties, "CorrelationData", None) if msg.properties else None
    return corr.hex() if corr else None


def reply_topic_of(msg, client: str) -> str | None:
    """The requester's Response Topic when it is one we may answer on: under the requester's
    own `reply/<client>/`, no wildcards, bounded in length and depth. Otherwise None."""
    topic = getattr(msg.properties, "ResponseTopic", None) if msg.properties else None
    if not topic or not client or len(topic) > MAX_REPLY_TOPIC or "+" in topic or "#" in topic:
        return None
    if not topic.startswith(f"reply/{client}/") or topic.count("/") > MAX_REPLY_LEVELS - 1:
        return None
    return topic


def parse(payload: bytes, model: type[BaseModel]) -> BaseModel:
    """The payload as `model`: a JSON object with exactly the model's fields, of text that can
    be stored (no lone surrogates)."""
    if len(payload) > MAX_PAYLOAD:
        raise BadRequest(f"payload of {len(payload)} bytes is larger than {MAX_PAYLOAD}")
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError) as err:
        raise BadRequest(f"payload is not JSON: {str(err)[:200]}") from err
    if not isinstance(data, dict):
        raise BadRequest("payload must be a JSON object")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as err:
        raise BadRequest(f"payload holds text that is not valid Unicode ({err.reason} at {err.start})") from err
    except RecursionError as err:
        raise BadRequest("payload is nested too deeply") from err
    return model.model_validate(data)


class Router:
    def __init__(self, endpoint: Endpoint, *, clock: Callable[[], float] = time.monotonic,
                 rate_per_s: float = RATE_PER_S, burst: float = RATE_BURST) -> None:
        self.endpoint = endpoint
        self.routes: list[Route] = []
        self.handled = 0
        self.rejected: Counter[str] = Counter()
        self.clock, self.rate_per_s, self.burst = clock, rate_per_s, burst
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._dropped_logged: dict[str, float] = {}
        self._lock = threading.Lock()

    # -- the table -----------------------------------------------------------------------
    def add(self, topic: Topic, handler: Handler, *, kind: str, halls: list[str],
            authorize: Authorizer | None = None, executor: Callable[[], Executor | None] | None = None,
            on_refused: Callable[[str], None] | None = None, worker: Any = None) -> Route:
        """Route `topic` (with {hall} and {client}) of each hall to `handler`. Subscribes at
        once; the endpoint renews subscriptions after every reconnect. `on_refused(code)` is
        told of every refusal on this route (a feature that keeps its own counters)."""
        route = Route(topic, handler, kind, authorize, executor, [], on_refused, worker)
        self.routes.append(route)
        self.open_halls(list(halls), [route])
        return route

    def open_halls(self, halls: list[str], routes: list[Route] | None = None) -> None:
        """Take requests of these halls too (a controller that took them over)."""
        for route in routes or self.routes:
            new = [h for h in halls if h not in route.halls]
            route.halls.extend(new)
            self.endpoint.subscribe_many([route.topic.format(hall=h, client="+") for h in new],
                                         lambda msg, r=route: self._on_message(r, msg))

    def close_halls(self, halls: list[str]) -> None:
        """No more requests of these halls (a controller that lost or gave them up)."""
        for route in self.routes:
            gone = [h for h in halls if h in route.halls]
            route.halls[:] = [h for h in route.halls if h not in gone]
            self.endpoint.unsubscribe_many([route.topic.format(hall=h, client="+") for h in gone])

    def _on_message(self, route: Route, msg) -> None:
        """On the MQTT thread: cheap checks, then the request goes where the route says."""
        parts = route.topic.match(msg.topic) or {}
        hall, client = parts.get("hall", ""), parts.get("client", "")
        if hall not in route.halls:
            return  # a hall this process no longer owns: its new owner answers the retry
        if reply_topic_of(msg, client) is None:
            self._no_reply_topic(route, msg)
            return
        if not self._allowed(client, route.kind):
            return
        if route.worker is not None:
            route.worker.put(client, route, msg)
            return
        executor = route.executor() if route.executor else None
        if executor is None:
            self.dispatch(route, msg)
            return
        try:
            executor.submit(self.dispatch, route, msg)
        except RuntimeError:  # shutting down: the requester retries with the same request id
            log.info("%s request on %s dropped: shutting down", route.kind, msg.topic[:MAX_REPLY_TOPIC])

    def _no_reply_topic(self, route: Route, msg) -> None:
        given = getattr(msg.properties, "ResponseTopic", None) if msg.properties else None
        with self._lock:
            self.rejected["reply_topic"] += 1
        if route.on_refused is not None:
            route.on_refused("reply_topic")
        log.warning("refused %s request on %s: %s", route.kind, msg.topic[:MAX_REPLY_TOPIC],
                    f"its response topic {str(given)[:80]!r} is not under the requester's own reply/<id>/"
                    if given else "it names no response topic (nobody would hear the answer)")

    def _allowed(self, client: str, kind: str) -> bool:
        """A token bucket per client and route kind: a flooding device is slowed down to its
        share, and what it sends beyond is dropped (counted, logged once a minute)."""
        now = self.clock()
        with self._lock:
            b = self._buckets.get((client, kind))
            if b is None:
                b = self._buckets[(client, kind)] = _Bucket(now)
                b.tokens = self.burst
            b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate_per_s)
            b.at = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return True
            self.rejected["rate_limited"] += 1
            last = self._dropped_logged.get(client, -1e9)
            if now - last >= 60.0:
                self._dropped_logged[client] = now
                log.warning("%s sends more than %.0f %s requests per second: the excess is dropped", client,
                            self.rate_per_s, kind)
        return False

    # -- one request ---------------------------------------------------------------------
    def handle(self, route: Route, msg) -> Reply | None:
        """Parse, authorize and run one request; the answer, not yet published. None for a
        request of a hall this process gave up meanwhile (its new owner answers the retry)."""
        parts = route.topic.match(msg.topic) or {}
        hall, client = parts.get("hall", ""), parts.get("client", "")
        if hall not in route.halls:
            return None
        corr = transaction_of(msg)
        try:
            req = Request(msg, hall, client, parse(msg.payload, route.topic.model), corr)
            if route.authorize is not None:
                route.authorize(req)
            result = route.handler(req)
        except Refused as err:
            return self._refused(route, msg, client, err.code, str(err))
        except ValidationError as err:
            return self._refused(route, msg, client, "bad_request", describe(err, limit=MAX_ERRORS_LISTED)[:MAX_ERROR_TEXT])
        except Exception:  # noqa: BLE001 - a handler's bug must not end the endpoint, nor go unanswered
            log.exception("%s request on %s failed", route.kind, msg.topic[:MAX_REPLY_TOPIC])
            return self._refused(route, msg, client, "internal_error", "the controller could not handle this "
                                 "request; it was logged")
        answer = result if isinstance(result, Answer) else Answer(result)
        with self._lock:
            self.handled += 1
        data = answer.data.model_dump(mode="json") if isinstance(answer.data, BaseModel) else answer.data
        return Reply(msg, client, Response(status="ok", data=data, transaction=corr), answer.then, True)

    def dispatch(self, route: Route, msg) -> None:
        """Handle one request and publish its answer at once."""
        reply = self.handle(route, msg)
        if reply is not None:
            self.send(reply)

    def send(self, reply: Reply) -> None:
        self.reply(reply.msg, reply.client, reply.response)
        if reply.then is not None:
            reply.then()

    def _refused(self, route: Route, msg, client: str, code: str, text: str) -> Reply:
        if route.on_refused is not None:
            route.on_refused(code)
        return Reply(msg, client, self.refusal(msg, code, text, route.kind))

    def refusal(self, msg, code: str, text: str, kind: str) -> Response:
        """Count and log (bounded) a refused request; its answer."""
        text = text[:MAX_ERROR_TEXT]
        with self._lock:
            self.rejected[code] += 1
        log.warning("rejected %s request on %s: %s %s", kind, msg.topic[:MAX_REPLY_TOPIC], code, text)
        return Response(status="error", error=text, code=code, transaction=transaction_of(msg))

    def refuse(self, msg, client: str, code: str, text: str, kind: str) -> None:
        """Count, log (bounded) and answer a refused request."""
        self.reply(msg, client, self.refusal(msg, code, text, kind))

    def reply(self, msg, client: str, response: Response) -> bool:
        """The one place answers are published: only to the requester's own reply topic, with
        the request's correlation data. False when the request named no such topic."""
        topic = reply_topic_of(msg, client)
        if topic is None:
            return False
        if response.transaction is None:
            response = response.model_copy(update={"transaction": transaction_of(msg)})
        return self.endpoint.respond(msg, encode(response), topic=topic)
