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
from kiosk_app.devices.social_card import SocialCardService
from kiosk_app.errors import KioskError
from kiosk_app.flows.identity import WAIT_CARD, IdentityFlow

log = logging.getLogger(__name__)


class StartupError(KioskError):
    """The kiosk cannot start identification; the message names the key or the file."""


def accepts_emulator_reference(config: KioskConfig) -> bool:
    """Explicit flag, else only when the card reader itself is the in-process emulator."""
    if config.accept_emulator_reference is not None:
        return config.accept_emulator_reference
    return bool(config.idcard_url) and config.idcard_url.startswith("sim://")


def kiosk_camera(config: KioskConfig, clock: Clock) -> Camera | None:
    """The kiosk's one camera (face verification and the booking QR scanner share it)."""
    if not config.camera_url:
        return None
    try:
        return Camera(config.camera_url, device_id=f"{config.id}-camera", clock=clock)
    except UrlError as err:
        raise StartupError(f"camera_url: {err}") from err


def face_worker(config: KioskConfig, clock: Clock, rng: random.Random | None = None,
                camera: Camera | None = None) -> FaceWorker | None:
    if not config.camera_url:
        return None
    try:
        face_config = FaceConfig.from_mapping(config.face, source=f"kiosk {config.id} [face]")
        engine = FaceEngine(face_config)
        camera = camera or Camera(config.camera_url, device_id=f"{config.id}-camera", clock=clock)
    except FaceConfigError as err:
        raise StartupError(str(err)) from err
    except UrlError as err:
        raise StartupError(f"camera_url: {err}") from err
    except DeviceError as err:
        raise StartupError(f"face verification cannot start: {err}") from err
    return FaceWorker(Verifier(engine, clock=clock, rng=rng or random.Random()), camera)


class IdentityService:
    """The card readers, the worker and the flow of one kiosk; `start()` starts them: the ID card
    reader (SAM, polled) and/or the social security card reader (PC/SC, events)."""

    def __init__(self, config: KioskConfig, clock: Clock, report_fault: Callable[[str, str], None],
                 *, rng: random.Random | None = None, camera: Camera | None = None) -> None:
        if not (config.idcard_url or config.smartcard_url):
            raise StartupError("identification needs idcard_url or smartcard_url")
        self.reader: IdCardReader | None = None
        if config.idcard_url:
            try:
                parse_url(config.idcard_url)
                self.reader = IdCardReader(config.idcard_url, device_id=f"{config.id}-idcard", clock=clock)
            except (UrlError, ValueError) as err:
                raise StartupError(f"idcard_url: {err}") from err
        self.report_fault = report_fault
        self.worker = face_worker(config, clock, rng, camera)
        self.flow = IdentityFlow(clock, self.worker, accept_emulator_reference=accepts_emulator_reference(config),
                                 idle_timeout_s=config.idle_timeout_s, report_fault=report_fault)
        if self.reader is not None:
            self.reader.subscribe_cards(self.flow.on_card_event)
            # the identify page waits for a card: ask the reader back to back (placement to
            # identity at wire speed, bench/bench_idcard.py); otherwise every poll_interval
            reader = self.reader
            self.flow.listeners.append(lambda view: reader.poll_fast(view.state == WAIT_CARD))
        self.social: SocialCardService | None = None
        if config.smartcard_url:
            try:
                self.social = SocialCardService(config.smartcard_url, self.flow, clock=clock,
                                                report_fault=report_fault)
            except UrlError as err:
                raise StartupError(f"smartcard_url: {err}") from err

    def start(self) -> None:
        if self.reader is not None:
            try:
                self.reader.start()
            except DeviceError as err:   # polling reopens it with backoff; the kiosk keeps ticketing
                self.report_fault("idcard", str(err))
            self.reader.start_polling()
        if self.social is not None:
            self.social.start()

    def stop(self) -> None:
        self.flow.wipe()
        if self.reader is not None:
            self.reader.close()
        if self.social is not None:
            self.social.stop()
