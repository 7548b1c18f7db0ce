"""The hall's kiosk-facing configuration, retained per hall (`hall/<hall>/state/config`,
hall_protocol/hall_config.py, made by config/kiosk_view.py): kiosks learn their services,
names, hours, notices and timeouts here instead of holding a copy of the hall file (which holds
the platform's secret and the staff's PIN hashes).

Published after every (re)connect (a restarted broker may have lost it) and after a reload
(SIGHUP) when what the kiosks see changed; a reload that changed nothing the kiosks see sends
nothing. A service removed from the file leaves the kiosks at once, although the running queue
keeps it until a restart (core/reconfig.py: today's tickets may name it).
"""
from __future__ import annotations

import logging
import threading

from config.kiosk_view import kiosk_view
from config.schema import HallConfig, HallSuiteConfig
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import encode

log = logging.getLogger(__name__)


class HallConfigPublisher(Feature):

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._sent: dict[str, bytes] = {}   # hall -> the payload last published
        self._offered: dict[str, set[str]] = {}   # hall -> the services of the file last read (after a reload)
        self._lock = threading.Lock()

    def file_read(self, config: HallSuiteConfig) -> None:
        """The hall file as read again (before the on_reload hooks): its services are the ones
        offered, even where the running configuration keeps a removed one until a restart."""
        with self._lock:
            self._offered = {h.id: {s.code for s in h.services} for h in config.halls}

    def view(self, hall: HallConfig):
        offered = self._offered.get(hall.id)
        if offered is not None:
            hall = hall.model_copy(update={"services": [s for s in hall.services if s.code in offered]})
        return kiosk_view(hall)

    def start(self) -> None:
        self.ctx.on_connect.append(lambda: self.publish_all(force=True))
        self.ctx.on_reload.append(self.publish_all)

    def publish_all(self, force: bool = False) -> list[str]:
        """Publish each hall's view (every hall of the file: the view is the file's, whichever
        controller process owns the hall's queue); returns the halls sent."""
        sent = []
        with self._lock:
            for hall in self.ctx.config.halls:
                payload = encode(self.view(hall))
                if not force and self._sent.get(hall.id) == payload:
                    continue
                self.ctx.endpoint.publish(contract.HALL_CONFIG.format(hall=hall.id), payload, retain=True)
                self._sent[hall.id] = payload
                sent.append(hall.id)
        if sent and not force:
            log.info("the kiosks' configuration of %s changed; published", ", ".join(sent))
        return sent
