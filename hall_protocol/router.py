"""One request router for every request topic of the contract.

A route is a row of a table: topic (contract.Topic, with its payload model) -> authorizer ->
handler, optionally run on an executor (so a slow platform never holds the MQTT thread).
For each message the router finds the hall and the requesting client in the topic, reads
the payload as the topic's model, asks the authorizer, runs the handler and answers through
`reply`, the one function that publishes answers: every answer echoes the request's
correlation data as `transaction`, and goes only to a reply topic (`reply/...`, bounded in
depth and length, no wildcards), never to a hall topic a client names.

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
class Route:
    topic: Topic
    handler: Handler
    kind: str                                   # for logs and counters: ticket, window, backend, ...
    authorize: Authorizer | None = None
    executor: Callable[[], Executor | None] | None = None
    halls: list[str] = field(default_factory=list)
    on_refused: Callable[[str], None] | None = None  # the feature's own count of refusals, by code


def transaction_of(msg) -> str | None:
    corr = getattr(msg.properties, "CorrelationData", None) if msg.properties else None
    return corr.hex() if corr else None


def reply_topic_of(msg, client: str) -> str | None:
    """The requester's Response Topic when it is one we may answer on: under `reply/`, no
    wildcards, bounded in length and depth. Otherwise None."""
    topic = getattr(msg.properties, "ResponseTopic", None) if msg.properties else None
    if not topic or len(topic) > MAX_REPLY_TOPIC or "+" in topic or "#" in topic:
        return None
    if not topic.startswith("reply/") or topic.count("/") > MAX_REPLY_LEVELS - 1:
        return None
    # Issue 16 narrows this to the requester's own `reply/<client id>/` (today a test probe with
    # a wide ACL must still hear the controller's refusal); the rule lives only here.
    return topic


def parse(payload: bytes, model: type[BaseModel]) -> BaseModel:
    """The payload as `model`: a JSON object with exactly the model's fields."""
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError) as err:
        raise BadRequest(f"payload is not JSON: {str(err)[:200]}") from err
    if not isinstance(data, dict):
        raise BadRequest("payload must be a JSON object")
    return model.model_validate(data)


class Router:
    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.routes: list[Route] = []
        self.handled = 0
        self.rejected: Counter[str] = Counter()
        self._lock = threading.Lock()

    # -- the table -----------------------------------------------------------------------
    def add(self, topic: Topic, handler: Handler, *, kind: str, halls: list[str],
            authorize: Authorizer | None = None, executor: Callable[[], Executor | None] | None = None,
            on_refused: Callable[[str], None] | None = None) -> Route:
        """Route `topic` (with {hall} and {client}) of each hall to `handler`. Subscribes at
        once; the endpoint renews subscriptions after every reconnect. `on_refused(code)` is
        told of every refusal on this route (a feature that keeps its own counters)."""
        route = Route(topic, handler, kind, authorize, executor, list(halls), on_refused)
        self.routes.append(route)
        for hall in halls:
            self.endpoint.subscribe(topic.format(hall=hall, client="+"), lambda msg, r=route: self._on_message(r, msg))
        return route

    def _on_message(self, route: Route, msg) -> None:
        executor = route.executor() if route.executor else None
        if executor is None:
            self.dispatch(route, msg)
            return
        try:
            executor.submit(self.dispatch, route, msg)
        except RuntimeError:  # shutting down: the requester retries with the same request id
            log.info("%s request on %s dropped: shutting down", route.kind, msg.topic)

    # -- one request ---------------------------------------------------------------------
    def dispatch(self, route: Route, msg) -> None:
        parts = route.topic.match(msg.topic) or {}
        hall, client = parts.get("hall", ""), parts.get("client", "")
        try:
            req = Request(msg, hall, client, parse(msg.payload, route.topic.model), transaction_of(msg))
            if route.authorize is not None:
                route.authorize(req)
            result = route.handler(req)
        except Refused as err:
            self._refused(route, msg, client, err.code, str(err))
            return
        except ValidationError as err:
            self._refused(route, msg, client, "bad_request", describe(err))
            return
        except Exception:  # noqa: BLE001 - a handler's bug must not end the endpoint, nor go unanswered
            log.exception("%s request on %s failed", route.kind, msg.topic)
            self.refuse(msg, client, "internal_error", "the controller could not handle this request; "
                        "it was logged", route.kind)
            return
        answer = result if isinstance(result, Answer) else Answer(result)
        with self._lock:
            self.handled += 1
        data = answer.data.model_dump(mode="json") if isinstance(answer.data, BaseModel) else answer.data
        self.reply(msg, client, Response(status="ok", data=data, transaction=transaction_of(msg)))
        if answer.then is not None:
            answer.then()

    def _refused(self, route: Route, msg, client: str, code: str, text: str) -> None:
        if route.on_refused is not None:
            route.on_refused(code)
        self.refuse(msg, client, code, text, route.kind)

    def refuse(self, msg, client: str, code: str, text: str, kind: str) -> None:
        """Count, log (bounded) and answer a refused request."""
        text = text[:MAX_ERROR_TEXT]
        with self._lock:
            self.rejected[code] += 1
        log.warning("rejected %s request on %s: %s %s", kind, msg.topic[:MAX_REPLY_TOPIC], code, text)
        self.reply(msg, client, Response(status="error", error=text, code=code, transaction=transaction_of(msg)))

    def reply(self, msg, client: str, response: Response) -> bool:
        """The one place answers are published: only to the requester's own reply topic, with
        the request's correlation data. False when the request named no such topic."""
        topic = reply_topic_of(msg, client)
        if topic is None:
            given = getattr(msg.properties, "ResponseTopic", None) if msg.properties else None
            if given:
                with self._lock:
                    self.rejected["reply_topic"] += 1
                log.warning("no answer to %s: its response topic is not a bounded reply/ topic (%r)",
                            msg.topic[:MAX_REPLY_TOPIC], str(given)[:80])
            return False
        if response.transaction is None:
            response = response.model_copy(update={"transaction": transaction_of(msg)})
        return self.endpoint.respond(msg, encode(response), topic=topic)
