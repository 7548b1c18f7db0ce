"""A durable outbox for what must reach the platform even when it is down: ratings and
ticket events. Items are committed on `enqueue`, delivered in order, each exactly once
(the idempotency key is kept across retries and restarts; the server dedups on it and on
each ticket event's `event_id`), and survive a crash of the process.

Works on SQLite and PostgreSQL; its tables live on its own MetaData (optionally in a schema
and with a table prefix). Only one deliverer at a time per database: a lease row decides.

The lease names its holder by a stable identity (the controller's id), so a controller that
crashed and restarts takes its own lease back at once instead of waiting for it to run out. The
lease is short (`lease_s`, longer than two platform calls) and renewed before every batch, so
another controller process sharing the database takes over within `lease_s` of the holder's
death, never while the holder is alive and sending; a holder that finds its lease taken stops.
(Two processes started with the same identity count as one holder: do not do that. The
platform's idempotency keys would still make a duplicate delivery harmless.)

While the platform is unreachable the loop backs off (up to `max_backoff_s`) but asks the
platform's health every `probe_s`: once it answers again, delivery resumes at once.

Once delivered, an item's payload is masked (`privacy.mask_text` on every string): the rating
comment, which the platform receives as the citizen wrote it, is kept as written only while it
waits.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (Column, Engine, Float, Index, Integer, MetaData, String, Table, Text, bindparam, func, insert,
                        or_, select, update)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from drivers.core.clock import Clock, SystemClock
from hall_protocol import platform as m
from privacy import mask_text

from .client import BackendClient
from .errors import BackendError, BackendRefused

log = logging.getLogger(__name__)
KINDS = {"rating": m.Rating, "ticket_event": m.TicketEvent, "sms": m.SmsRequest}
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


class DuplicateItem(BackendError):
    """An item with this idempotency key is already in the outbox."""


class Outbox:
    def __init__(self, engine: Engine, client: BackendClient | None, clock: Clock | None = None, *,
                 schema: str | None = None, table_prefix: str = "", batch_size: int = 100,
                 min_backoff_s: float = 0.5, max_backoff_s: float = 60.0, idle_poll_s: float = 2.0,
                 lease_s: float = 20.0, holder: str | None = None, probe_s: float = 2.0) -> None:
        """`holder`: the deliverer's stable identity (the controller id); None = a random one."""
        self.engine, self.client, self.clock = engine, client, clock or SystemClock()
        self.batch_size, self.lease_s, self.idle_poll_s = batch_size, lease_s, idle_poll_s
        self.min_backoff_s, self.max_backoff_s, self.probe_s = min_backoff_s, max_backoff_s, probe_s
        self.metadata = MetaData(schema=schema)
        self.items = Table(
            f"{table_prefix}backend_outbox", self.metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("kind", String(32), nullable=False),
            Column("idem_key", String(64), nullable=False, unique=True),
            Column("payload", Text, nullable=False),
            Column("state", String(16), nullable=False, default=PENDING),
            Column("created_at", Float, nullable=False),
            Column("attempts", Integer, nullable=False, default=0),
            Column("delivered_at", Float),
            Column("last_error", Text),
            Index(f"ix_{table_prefix}backend_outbox_state", "state", "id"),
        )
        self.lease = Table(
            f"{table_prefix}backend_outbox_lease", self.metadata,
            Column("name", String(32), primary_key=True),
            Column("holder", String(64), nullable=False),
            Column("expires_at", Float, nullable=False),
        )
        self.metadata.create_all(engine)
        self.holder = holder or uuid.uuid4().hex
        self.last_error: str | None = None
        self.settled = False  # a delivery round ran (or found another holder) since this process started
        self._deliver_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _now(self) -> float:
        return self.clock.now().timestamp()

    # --- producers --------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict | Any, *, key: str | None = None,
                conn: Connection | None = None) -> str:
        """Validate and commit one item; returns its idempotency key.

        `key` fixes the idempotency key (unique: a second item with it raises `DuplicateItem`);
        with `conn` the item is written in the caller's transaction and committed with it."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}; expected one of {sorted(KINDS)}")
        key = key or uuid.uuid4().hex
        data = payload.model_dump(mode="json") if hasattr(payload, "model_dump") else dict(payload)
        if kind == "ticket_event":
            data.setdefault("event_id", key)
        try:
            data = KINDS[kind].model_validate(data).model_dump(mode="json")
        except ValidationError as err:
            raise ValueError(f"invalid {kind}: {err.error_count()} error(s)") from err
        row = dict(kind=kind, idem_key=key, state=PENDING, payload=json.dumps(data, ensure_ascii=False),
                   created_at=self._now(), attempts=0)
        if conn is not None:
            conn.execute(insert(self.items).values(**row))
        else:
            try:
                with self.engine.begin() as c:
                    c.execute(insert(self.items).values(**row))
            except IntegrityError as err:
                raise DuplicateItem(f"outbox already holds an item with key {key}") from err
            self._wake.set()
        return key

    def wake(self) -> None:
        """Deliver soon (after items were enqueued in a caller's transaction)."""
        self._wake.set()

    def get(self, key: str) -> dict | None:
        """The payload and state of one item by its idempotency key."""
        i = self.items.c
        with self.engine.connect() as c:
            row = c.execute(select(i.kind, i.payload, i.state).where(i.idem_key == key)).first()
        return None if row is None else {"kind": row.kind, "payload": json.loads(row.payload),
                                         "state": row.state}

    def payloads(self, kind: str, since: float) -> list[tuple[str, dict]]:
        """(idempotency key, payload) of the items of `kind` created at or after `since` (epoch
        seconds), in order, delivered or not (a delivered one is kept masked)."""
        i = self.items.c
        with self.engine.connect() as c:
            rows = c.execute(select(i.idem_key, i.payload).where(i.kind == kind, i.created_at >= since)
                             .order_by(i.id)).all()
        return [(r.idem_key, json.loads(r.payload)) for r in rows]

    # --- delivery ---------------------------------------------------------------------
    def deliver_once(self) -> int:
        """Send pending items in order until none is left or the backend fails.

        Returns how many were delivered; `last_error` tells why it stopped early."""
        if self.client is None or not self._deliver_lock.acquire(blocking=False):
            return 0
        try:
            if not self._take_lease():
                self.settled = True  # another live holder delivers
                return 0
            try:
                return self._drain()
            finally:
                self.settled = True
        except SQLAlchemyError as err:
            self.last_error = f"database: {type(err).__name__}"
            log.error("outbox database error: %s", err)
            return 0
        finally:
            self._deliver_lock.release()

    def _drain(self) -> int:
        delivered, limit = 0, self.batch_size
        self.last_error = None
        while True:
            rows = self._head(limit)
            if not rows:
                return delivered
            try:
                self._send(rows)
            except BackendRefused as err:
                if err.status in (401, 403):  # our credentials or clock, not the item: wait
                    self.last_error = str(err)
                    self._mark(rows, PENDING, error=str(err))
                    log.error("outbox: backend refuses our credentials: %s", err)
                    return delivered
                if len(rows) > 1:
                    limit = 1  # find the refused one: send one by one
                    continue
                self._mark(rows, DEAD, error=str(err))
                log.error("outbox item %s refused, dead-lettered: %s", rows[0].idem_key, err)
                continue
            except BackendError as err:
                self.last_error = str(err)
                self._mark(rows, PENDING, error=str(err))
                log.warning("outbox: backend failed, %d item(s) wait: %s", len(rows), err)
                return delivered
            self._mark(rows, DELIVERED)
            delivered += len(rows)
            limit = self.batch_size
            if not self._take_lease():  # renewed before every batch; taken meanwhile: stop
                log.warning("outbox: lease lost to another deliverer; stopping")
                return delivered

    def _head(self, limit: int) -> list[Any]:
        """The oldest pending item; if it is a ticket event, the consecutive ones after it."""
        with self.engine.connect() as c:
            rows = c.execute(select(self.items).where(self.items.c.state == PENDING)
                             .order_by(self.items.c.id).limit(limit)).fetchall()
        if not rows or rows[0].kind != "ticket_event":
            return rows[:1]
        batch = []
        for row in rows:
            if row.kind != "ticket_event":
                break
            batch.append(row)
        return batch

    def _send(self, rows: list[Any]) -> None:
        head = rows[0]
        if head.kind == "rating":
            self.client.submit_rating(json.loads(head.payload), head.idem_key)
        elif head.kind == "sms":
            self.client.send_sms(json.loads(head.payload), head.idem_key)
        else:
            # a batch's key is stable for the same rows; the server also dedups on event_id
            key = head.idem_key if len(rows) == 1 else f"{head.idem_key}-{len(rows)}"
            self.client.send_ticket_events([json.loads(r.payload) for r in rows], key)

    def _mark(self, rows: list[Any], state: str, error: str | None = None) -> None:
        ids = [r.id for r in rows]
        values: dict[str, Any] = {"state": state, "attempts": self.items.c.attempts + 1,
                                  "last_error": error}
        with self.engine.begin() as c:
            if state != DELIVERED:
                c.execute(update(self.items).where(self.items.c.id.in_(ids)).values(**values))
                return
            # the platform has them now: keep no personal data as written
            c.execute(update(self.items).where(self.items.c.id == bindparam("row_id")).values(
                **values, delivered_at=self._now(), payload=bindparam("masked")),
                [{"row_id": r.id, "masked": _masked_payload(r.payload)} for r in rows])

    def _take_lease(self) -> bool:
        now, t = self._now(), self.lease
        with self.engine.begin() as c:
            got = c.execute(update(t).where(t.c.name == "deliver", or_(
                t.c.holder == self.holder, t.c.expires_at < now)).values(
                holder=self.holder, expires_at=now + self.lease_s)).rowcount
        if got:
            return True
        try:
            with self.engine.begin() as c:
                c.execute(insert(t).values(name="deliver", holder=self.holder,
                                           expires_at=now + self.lease_s))
            return True
        except IntegrityError:
            return False

    def _release_lease(self) -> None:
        with self.engine.begin() as c:
            c.execute(update(self.lease).where(self.lease.c.holder == self.holder)
                      .values(expires_at=0.0))

    # --- background loop --------------------------------------------------------------
    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="backend-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None
        try:
            self._release_lease()
        except SQLAlchemyError as err:
            log.warning("outbox: could not release the lease: %s", err)

    def _run(self) -> None:
        backoff = self.min_backoff_s
        while not self._stop.is_set():
            try:
                self.deliver_once()
            except Exception:  # the loop must outlive any surprise; it is logged
                log.exception("outbox delivery loop")
                self.last_error = "internal error"
            if self.last_error:
                self._back_off(backoff)  # backend down: do not hammer it, even on enqueue
                backoff = min(self.max_backoff_s, backoff * 2)
            else:
                backoff = self.min_backoff_s
                self._wake.wait(self.idle_poll_s)
                self._wake.clear()

    def _back_off(self, seconds: float) -> None:
        """Wait `seconds`, asking the platform's health every `probe_s` meanwhile: when it
        failed to answer and answers again, stop waiting (the outage is over). When it answers
        at the first probe the platform is up and delivery itself failed: wait the full time."""
        deadline = time.monotonic() + seconds
        unreachable = False
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.wait(min(left, self.probe_s)) or time.monotonic() >= deadline:
                return
            if self.client is None:
                continue
            try:
                self.client.health()
            except BackendError:
                unreachable = True
                continue
            if unreachable:
                log.info("outbox: the platform answers again; delivering")
                return
            self._stop.wait(max(0.0, deadline - time.monotonic()))
            return

    # --- supervision ------------------------------------------------------------------
    def backlog(self) -> dict[str, Any]:
        i = self.items.c
        with self.engine.connect() as c:
            count, oldest = c.execute(select(func.count(), func.min(i.created_at))
                                      .where(i.state == PENDING)).one()
            dead = c.execute(select(func.count()).where(i.state == DEAD)).scalar_one()
        age = max(0.0, self._now() - oldest) if oldest is not None else 0.0
        return {"count": int(count), "oldest_age_s": round(age, 3), "dead": int(dead),
                "last_error": self.last_error}

    def dead_letters(self) -> list[dict[str, Any]]:
        i = self.items.c
        with self.engine.connect() as c:
            rows = c.execute(select(i.id, i.kind, i.idem_key, i.last_error, i.created_at)
                             .where(i.state == DEAD).order_by(i.id)).fetchall()
        return [dict(r._mapping) for r in rows]


def masked(value: Any) -> Any:
    """`value` with every string in it masked (`privacy.mask_text`), as a delivered item keeps it."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    return value


def _masked_payload(payload: str) -> str:
    """A delivered item's JSON with every string masked (numbers and keys left as they are)."""
    try:
        return json.dumps(masked(json.loads(payload)), ensure_ascii=False)
    except ValueError:
        return mask_text(payload)
