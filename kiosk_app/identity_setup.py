"""Assemble the kiosk's identification from its configuration, once, at start-up.

idcard_url -> IdCardReader (polling); camera_url -> Camera + FaceEngine + Verifier +
FaceWorker; [face] -> FaceConfig. A missing model, an unknown [face] key or a camera URL
that cannot be a camera is a `StartupError` here, before the first citizen.
"""
from __future__ import annotations

import logging
import random
from typing import Callable

from config.schema import KioskConfig
from drivers.camera import Camera
from drivers.core.clock import Clock
from drivers.core.errors import DeviceError
from drivers.core.url import UrlError, parse_url
from drivers.face import FaceConfig, FaceConfigError, FaceEngine, Verifier
from drivers.idcard.reader import IdCardReader
from kiosk_app.devices.face_worker import FaceWorker
from kiosk_app.errors import KioskError
from kiosk_app.flows.identity import IdentityFlow

log = logging.getLogger(__name__)


class StartupError(KioskError):
    """The kiosk cannot start identification; the message names the key or the file."""


def accepts_emulator_reference(config: KioskConfig) -> bool:
    """Explicit flag, else only when the card reader itself is the in-process emulator."""
    if config.accept_emulator_reference is not None:
        return config.accept_emulator_reference
    return bool(config.idcard_url) and config.idcard_url.startswith("sim://")


def face_worker(config: KioskConfig, clock: Clock, rng: random.Random | None = None) -> FaceWorker | None:
    if not config.camera_url:
        return None
    try:
        face_config = FaceConfig.from_mapping(config.face, source=f"kiosk {config.id} [face]")
        engine = FaceEngine(face_config)
        camera = Camera(config.camera_url, device_id=f"{config.id}-camera", clock=clock)
    except FaceConfigError as err:
        raise StartupError(str(err)) from err
    except UrlError as err:
        raise StartupError(f"camera_url: {err}") from err
    except DeviceError as err:
        raise StartupError(f"face verification cannot start: {err}") from err
    return FaceWorker(Verifier(engine, clock=clock, rng=rng or random.Random()), camera)


class IdentityService:
    """The reader, the worker and the flow of one kiosk; `start()` starts card polling."""

    def __init__(self, config: KioskConfig, clock: Clock, report_fault: Callable[[str, str], None],
                 *, rng: random.Random | None = None) -> None:
        if not config.idcard_url:
            raise StartupError("identification needs idcard_url")
        try:
            parse_url(config.idcard_url)
            self.reader = IdCardReader(config.idcard_url, device_id=f"{config.id}-idcard", clock=clock)
        except (UrlError, ValueError) as err:
            raise StartupError(f"idcard_url: {err}") from err
        self.report_fault = report_fault
        self.worker = face_worker(config, clock, rng)
        self.flow = IdentityFlow(clock, self.worker, accept_emulator_reference=accepts_emulator_reference(config),
                                 idle_timeout_s=config.idle_timeout_s, report_fault=report_fault)
        self.reader.subscribe_cards(self.flow.on_card_event)

    def start(self) -> None:
        try:
            self.reader.start()
        except DeviceError as err:   # polling reopens it with backoff; the kiosk keeps ticketing
            self.report_fault("idcard", str(err))
        self.reader.start_polling()

    def stop(self) -> None:
        self.flow.wipe()
        self.reader.close()
