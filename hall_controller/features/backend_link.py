"""The controller's link to the platform: the clients, the durable outbox (ratings and ticket
events), the event feed, the MQTT gateway for kiosks, and the retained health per hall.

Without a configured backend URL the hall still works: ratings are stored in the outbox
(to be delivered once a platform is configured), ticket events stay in `events`, and every
kiosk request for a platform function is answered `backend_unavailable`.

The health's `backend` is never `ok` while something waits undelivered longer than
`delayed_after_s`: `unavailable` when the platform's last answer was a failure, `delayed` when
no failure is known (yet) but items wait: right after a (re)start until the outbox has tried
to deliver, or while another controller process holds the delivery lease without delivering.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.backend import BackendClient, BackendError
from hall_controller.backend.feed import EventFeed
from hall_controller.backend.outbox import Outbox
from hall_controller.features.gateway import BackendGateway
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import Health, OutboxBacklog, encode

log = logging.getLogger(__name__)


class BackendLink(Feature):

    def __init__(self, ctx: Context, *, tick_s: float = 1.0, health_every_s: float = 5.0,
                 delayed_after_s: float = 10.0) -> None:
        cfg = ctx.config.backend
        engine = ctx.engine
        self.ctx, self.tick_s, self.health_every_s = ctx, tick_s, health_every_s
        self.delayed_after_s = delayed_after_s
        self.configured = bool(cfg.url)
        timeout = (3.05, cfg.timeout_s)

        def client(retries: int) -> BackendClient | None:
            if not cfg.url:
                return None
            return BackendClient(cfg.url, cfg.app_key or "", cfg.app_secret or "", timeout=timeout,
                                 clock=ctx.clock, retries=retries)

        # Kiosks wait for the gateway: one quick retry. The outbox backs off by itself; its lease
        # is held by this controller's identity (a restart takes it back at once) and outlasts two
        # platform calls (connect + read timeout), so it never runs out under a live sender.
        self.outbox = Outbox(engine, client(0), ctx.clock, holder=ctx.config.controller_id,
                             lease_s=max(20.0, 2 * (timeout[0] + cfg.timeout_s)))
        self.feed = EventFeed(engine, self.outbox, {h.id: h.timezone for h in ctx.config.halls}, clock=ctx.clock)
        self.gateway = BackendGateway(ctx, client(1), self.outbox)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown: dict[str, bytes] = {}   # hall -> the health it shows (without its time)
        self._common: bytes | None = None    # what every hall showed last time, but for its id

    def start(self) -> None:
        """Before the endpoint starts: the gateway subscribes; then delivery and health run."""
        self.gateway.start()
        self.ctx.on_connect.append(self._shown.clear)  # a restarted broker may have lost them
        if self.configured:
            self.outbox.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="backend-link", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.gateway.stop()
        self.outbox.stop()
        for c in (self.outbox.client, self.gateway.client):
            if c is not None:
                c.close()

    def _run(self) -> None:
        since_health = self.health_every_s
        while not self._stop.is_set():
            try:
                if self.configured:
                    self.feed.pump()
                if since_health >= self.health_every_s and self.ctx.endpoint.connected.is_set():
                    self._probe()
                    self.publish_health()
                    since_health = 0.0
            except SQLAlchemyError as err:
                log.error("backend link: database error: %s", err)
            except Exception:  # the loop must outlive any surprise; it is logged
                log.exception("backend link loop")
            since_health += self.tick_s
            self._stop.wait(self.tick_s)

    # -- health --------------------------------------------------------------------------
    def _probe(self) -> None:
        """After a kiosk request found the platform down, ask it until it answers again, so
        the health does not stay "unavailable" until the next kiosk request."""
        client = self.gateway.client
        if client is None or not self.gateway.last_error:
            return
        try:
            client.health()
        except BackendError as err:
            self.gateway.last_error = str(err)
            return
        self.gateway.last_error = None
        log.info("backend platform reachable again")

    def health(self, hall: str, backlog: dict | None = None, pending: int | None = None) -> Health:
        b = backlog if backlog is not None else self.outbox.backlog()
        if pending is None:
            pending = self.feed.pending() if self.configured else 0
        count = b["count"] + pending
        error = b["last_error"] or self.gateway.last_error
        if not self.configured:
            state = "not_configured"
        elif error:
            state = "unavailable"
        elif b["count"] and (b["oldest_age_s"] > self.delayed_after_s or not self.outbox.settled):
            state = "delayed"  # waiting too long, or not tried yet since this process started
        else:
            state = "ok"
        return Health(hall=hall, controller=self.ctx.config.controller_id,
                      at=self.ctx.clock.now().isoformat(), backend=state, backend_error=error,
                      outbox=OutboxBacklog(count=count, oldest_age_s=b["oldest_age_s"], dead=b["dead"],
                                           last_error=b["last_error"]))

    @staticmethod
    def _shown_as(h: Health) -> bytes:
        """What a health shows, without its time and with the backlog's age rounded to 10 s."""
        return encode(h.model_copy(update={"at": "", "outbox": h.outbox.model_copy(
            update={"oldest_age_s": round(h.outbox.oldest_age_s, -1)})}))

    def publish_health(self, force: bool = False) -> None:
        """Every hall's health from one reading of the backlog (the outbox is the controller's,
        not a hall's); a hall's retained health is published again only when it changed (the
        backlog's age rounded to 10 s), so an idle city sends nothing; and when what every hall
        would show is what it showed last time, no hall's health is made at all."""
        backlog = self.outbox.backlog()
        pending = self.feed.pending() if self.configured else 0
        halls = list(self.ctx.queues)
        for gone in self._shown.keys() - set(halls):   # no longer ours: its next owner publishes it
            del self._shown[gone]
        common = self._shown_as(self.health("", backlog, pending))
        if not force and common == self._common and all(h in self._shown for h in halls):
            return
        self._common = common
        for hall in halls:
            h = self.health(hall, backlog, pending)
            shown = self._shown_as(h)
            if not force and self._shown.get(hall) == shown:
                continue
            self._shown[hall] = shown
            self.ctx.endpoint.publish(contract.HEALTH.format(hall=hall), encode(h), qos=1, retain=True)
