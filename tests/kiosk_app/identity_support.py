"""Drive the kiosk's identification end to end: the idcard sim (in-process emulator behind
the real reader and its polling thread), the camera sim showing an ORL person, the real
face models. Nothing of ours is mocked; the clock is a FakeClock so time limits are
reached by advancing it, never by waiting."""
from __future__ import annotations

import random
import threading
import uuid

from config.schema import KioskConfig
from drivers.core.clock import FakeClock
from drivers.idcard.sim import sim_emulator
from kiosk_app.flows.identity import IdentityView
from kiosk_app.identity_setup import IdentityService

PERSON = 12     # the ORL person on the card (drivers.face.actor)


class Harness:
    def __init__(self, camera: str = f"person={PERSON}", *, seed: int = 1, face: dict | None = None,
                 accept: bool | None = None, camera_url: str | None = None) -> None:
        self.name = f"identity-{uuid.uuid4().hex[:8]}"
        self.clock = FakeClock()
        self.config = KioskConfig(
            id="kiosk-01", hall="demo-hall", idcard_url=f"sim://idcard?name={self.name}&face=orl:{PERSON}",
            camera_url=camera_url if camera_url is not None else f"sim://camera?pattern=face&{camera}",
            face=face or {}, accept_emulator_reference=accept)
        self.faults: list[tuple[str, str]] = []
        self.service = IdentityService(self.config, self.clock, lambda d, m: self.faults.append((d, m)),
                                       rng=random.Random(seed))
        if self.service.worker is not None:
            self.service.worker.max_fps = 0     # the sim has no frame rate; do not pace
        self.flow = self.service.flow
        self.views: list[IdentityView] = []
        self.view_threads: set[int] = set()
        self._changed = threading.Condition()
        self.flow.listeners.append(self._on_view)
        self.frames = 0
        self.flow.frame_listeners.append(self._on_frame)

    def _on_view(self, view: IdentityView) -> None:
        with self._changed:
            self.views.append(view)
            self.view_threads.add(threading.get_ident())
            self._changed.notify_all()

    def _on_frame(self, frame) -> None:
        with self._changed:
            self.frames += 1
            self._changed.notify_all()

    def wait(self, predicate, timeout: float = 60.0) -> IdentityView:
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.flow.view), timeout):
                raise AssertionError(f"timed out; last view {self.flow.view}")
        return self.flow.view

    def wait_state(self, *states: str, timeout: float = 60.0) -> IdentityView:
        return self.wait(lambda v: v.state in states, timeout)

    def identify(self, card: str = "resident") -> None:
        self.flow.begin()
        self.emulator.place(card)

    @property
    def card(self):
        return self.emulator.card.card

    def __enter__(self) -> "Harness":
        self.service.start()                     # opens the reader: the emulator exists from here
        self.emulator = sim_emulator(self.name)
        return self

    def __exit__(self, *exc) -> None:
        self.service.stop()
