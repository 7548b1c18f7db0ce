"""The kiosk identifies a citizen: ID card, then 1:1 face verification, then an outcome.

A plain state machine (no Qt, clock injected), fed by the ID card reader's events (its
polling thread), by the face worker's callbacks (its thread) and by the citizen's
intents (the UI thread):

    idle -> wait_card -> (card read) -> verifying -> identified | retry | failed
                      -> card_error                    retry -> verifying

`identity` is the outcome other kiosk features take (progress of applications, licence
printing): who the card says, whether the face matched, and the audit record. `wipe()`
forgets everything personal (card photo, frames, embedding, name, ID number) and is
called at the end of the session, on cancel, and on idle timeout (`tick`).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from drivers.core.clock import Clock
from drivers.core.errors import DeviceError, UserError
from drivers.face import AuditRecord, Decision, FrameFeedback, Reason, VerificationResult, decode_image
from drivers.idcard.idnumber import mask_id
from drivers.idcard.photo import SOURCE_EMULATOR
from drivers.idcard.reader import CARD_ERROR, CARD_PLACED, CardEvent
from kiosk_app.devices.face_worker import FaceWorker
from kiosk_app.flows.activity import Activity, left, quiet_for

log = logging.getLogger(__name__)

# This page's words (id_*, ss_*) are in kiosk_app/translations/kiosk_*.ts.

IDLE, WAIT_CARD, CARD_ERROR_PAGE = "idle", "wait_card", "card_error"
VERIFYING, RETRY, IDENTIFIED, FAILED = "verifying", "retry", "identified", "failed"
PIN = "pin"            # a social security card wants its PIN (kiosk_app/devices/social_card.py)
PIN_LENGTH = 6


@dataclass(repr=False, eq=False)
class Identity:
    """Who is at the kiosk. Never printed whole: repr and `masked_id` show the first 6 and
    last 4 characters of the ID number only. `wipe()` blanks it for every holder."""

    card_type: str
    id_number: str
    name: str
    birth_date: date | None
    face_verified: bool = False
    audit: AuditRecord | None = None

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    def wipe(self) -> None:
        self.id_number = self.name = ""
        self.birth_date = None
        self.face_verified = False

    def __repr__(self) -> str:
        return f"Identity({self.card_type}, {self.masked_id}, face_verified={self.face_verified})"


@dataclass(frozen=True)
class IdentityView:
    """What the identify page shows; the masked ID only, never the name or the photo."""

    state: str = IDLE
    prompt_zh: str = ""
    prompt_en: str = ""
    message: str = ""                  # an i18n key (kiosk_app.i18n)
    accepted_frames: int = 0
    needed_frames: int = 0
    masked_id: str = ""
    face_verified: bool = False
    reasons: tuple[Reason, ...] = ()
    attempt: int = 0
    since: float = 0.0
    pin_digits: int = 0                # PIN: how many digits are typed (never the digits)
    tries_left: int | None = None      # PIN: after a wrong PIN
    social: bool = False               # this kiosk also reads social security cards


class IdentityFlow:
    def __init__(self, clock: Clock, worker: FaceWorker | None, *, accept_emulator_reference: bool = False,
                 idle_timeout_s: float = 60.0, report_fault: Callable[[str, str], None] | None = None) -> None:
        self.clock, self.worker = clock, worker
        self.activity: Activity | None = None   # the citizen's last touch (kiosk_app/flows/activity.py)
        self.accept_emulator_reference = accept_emulator_reference
        self.idle_timeout_s = idle_timeout_s
        self.report_fault = report_fault or (lambda device, message: None)
        self.view = IdentityView(since=clock.monotonic())
        self.identity: Identity | None = None
        self.listeners: list[Callable[[IdentityView], None]] = []
        self.outcome_listeners: list[Callable[[Identity], None]] = []
        self.frame_listeners: list[Callable] = []       # the live preview; frames are not kept
        self._lock = threading.RLock()
        # The social security card (kiosk_app/devices/social_card.py): told when the citizen
        # chose to identify (a card already in the reader is read), and given the typed PIN.
        self.begin_listeners: list[Callable[[], None]] = []
        self.submit_pin: Callable[[str], None] | None = None
        self._pin = ""

    # -- state ------------------------------------------------------------------------
    def _show(self, **changes) -> IdentityView:
        with self._lock:
            self.view = replace(self.view, since=self.clock.monotonic(), **changes)
            view = self.view
        for listener in list(self.listeners):
            try:
                listener(view)
            except RuntimeError:  # its window is gone
                self.listeners.remove(listener)
        return view

    def _outcome(self, state: str, message: str, reasons: tuple[Reason, ...] = ()) -> IdentityView:
        identity = self.identity
        view = self._show(state=state, message=message, reasons=reasons, prompt_zh="", prompt_en="",
                          face_verified=bool(identity and identity.face_verified))
        if identity is not None:
            log.info("identity %s: %s face_verified=%s reasons=%s", identity.masked_id, state,
                     identity.face_verified, ",".join(r.value for r in reasons))
            for listener in list(self.outcome_listeners):
                listener(identity)
        return view

    # -- intents ----------------------------------------------------------------------
    def begin(self) -> IdentityView:
        """The citizen chose to identify: ask for the card."""
        self.wipe()
        self._show(state=WAIT_CARD, message="id_place_any_card" if self.view.social else "id_place_card")
        for listener in list(self.begin_listeners):
            listener()          # a social security card already in its reader is read now
        return self.view

    def retry(self) -> IdentityView:
        with self._lock:
            if self.view.state != RETRY or self.worker is None:
                return self.view
            try:
                self.worker.retry()
            except UserError:
                return self._outcome(FAILED, "id_face_staff", (Reason.ATTEMPTS_EXHAUSTED,))
            return self._show(state=VERIFYING, message="id_face_look", reasons=(), accepted_frames=0,
                              attempt=self.view.attempt + 1)

    def cancel(self) -> IdentityView:
        return self.wipe()

    def wipe(self) -> IdentityView:
        """Forget everything personal: the worker's session and photo, the identity, the screen."""
        if self.worker is not None:
            self.worker.cancel()
        with self._lock:
            if self.identity is not None:
                self.identity.wipe()
            self.identity = None
            self._pin = ""
        return self._show(state=IDLE, prompt_zh="", prompt_en="", message="", accepted_frames=0,
                          needed_frames=0, masked_id="", face_verified=False, reasons=(), attempt=0,
                          pin_digits=0, tries_left=None)

    def touch(self) -> None:
        """The identified citizen is still busy (kiosk_app/flows/citizen.py): restart the idle time."""
        if self.view.state == IDENTIFIED:
            with self._lock:
                self.view = replace(self.view, since=self.clock.monotonic())

    @property
    def active(self) -> bool:
        """A card is awaited, read or verified, or a citizen is identified."""
        return self.view.state != IDLE

    def remaining(self, limit: float | None = None) -> float | None:
        """Seconds before this session is wiped (None: nothing to wipe now)."""
        view = self.view
        if view.state in (IDLE, VERIFYING):
            return None
        return left(self.clock, self.activity, view.since, limit or self.idle_timeout_s)

    def tick(self, limit: float | None = None) -> IdentityView:
        """Called periodically: a page left alone (no touch) for `limit` seconds (the elderly mode's
        longer time, given by the window; `idle_timeout_s` when not given) is wiped."""
        view = self.view
        limit = limit or self.idle_timeout_s
        if view.state not in (IDLE, VERIFYING) and quiet_for(self.clock, self.activity, view.since) >= limit:
            log.info("identity session idle for %.0f s: wiped", limit)
            return self.wipe()
        return view

    # -- the card reader (its polling thread) -----------------------------------------
    def on_card_event(self, event: CardEvent) -> None:
        with self._lock:
            if self.view.state != WAIT_CARD:
                return        # a card placed outside the identify page starts nothing
            if event.kind == CARD_ERROR:
                self._show(state=CARD_ERROR_PAGE, message="id_card_error")
                return
            if event.kind != CARD_PLACED or event.card is None:
                return
            card, photo = event.card, event.card.photo
            self.identity = Identity(card.card_type.value, card.id_number, card.name, card.birth_date)
            self._show(masked_id=self.identity.masked_id)
            if self.worker is None:
                self._outcome(IDENTIFIED, "id_card_only")
                return
            if photo is None or photo.image is None:
                self._outcome(FAILED, "id_face_staff", (Reason.NO_REFERENCE_FACE,))
                return
            if photo.source == SOURCE_EMULATOR and not self.accept_emulator_reference:
                log.warning("card photo from the emulator refused (accept_emulator_reference is off)")
                self._outcome(FAILED, "id_face_staff", (Reason.REFERENCE_REFUSED,))
                return
            try:
                reference = decode_image(photo.image)
            except UserError:
                self._outcome(FAILED, "id_face_staff", (Reason.NO_REFERENCE_FACE,))
                return
            self._show(state=VERIFYING, message="id_face_look", accepted_frames=0, attempt=1,
                       needed_frames=self.worker.verifier.config.min_frames)
            self.worker.start(reference, photo.source or "unknown", self)

    # -- the social security card (its monitor thread; the PIN from the UI) -------------
    def on_social_card(self, card) -> None:
        """A social security card read through PC/SC (drivers.smartcard): identified by the
        card's holder records (name, ID number, birth date); the card has no photo to verify a
        face against. The PIN, when the card asked for it, is forgotten now."""
        with self._lock:
            if self.view.state not in (WAIT_CARD, PIN):
                return
            self._pin = ""
            if not card.id_number:
                self._show(state=CARD_ERROR_PAGE, message="ss_card_error", pin_digits=0)
                return
            self.identity = Identity("social_security", card.id_number, card.name, card.birth_date)
            self._show(masked_id=self.identity.masked_id, pin_digits=0, tries_left=None)
            self._outcome(IDENTIFIED, "ss_card_read")

    def social_pin_needed(self, tries_left: int | None, blocked: bool = False) -> None:
        with self._lock:
            if self.view.state not in (WAIT_CARD, PIN):
                return
            self._pin = ""
            if blocked:
                self._show(state=FAILED, message="ss_pin_blocked", pin_digits=0, tries_left=0)
                return
            wrong = self.view.state == PIN and tries_left is not None
            self._show(state=PIN, message="ss_pin_wrong" if wrong else "ss_pin", pin_digits=0, tries_left=tries_left)

    def social_card_error(self, message: str) -> None:
        with self._lock:
            if self.view.state in (WAIT_CARD, PIN):
                self._pin = ""
                self._show(state=CARD_ERROR_PAGE, message=message, pin_digits=0)

    def pin_key(self, digit: str) -> IdentityView:
        with self._lock:
            if self.view.state != PIN or len(digit) != 1 or not digit.isdigit() or len(self._pin) >= PIN_LENGTH:
                return self.view
            self._pin += digit
            return self._show(pin_digits=len(self._pin))

    def pin_backspace(self) -> IdentityView:
        with self._lock:
            self._pin = self._pin[:-1]
            return self._show(pin_digits=len(self._pin)) if self.view.state == PIN else self.view

    def pin_submit(self) -> IdentityView:
        """Read the card again with the typed PIN (on the caller's thread: an intent)."""
        with self._lock:
            if self.view.state != PIN or len(self._pin) < 4 or self.submit_pin is None:
                return self.view
            pin, self._pin = self._pin, ""
            self._show(message="ss_reading", pin_digits=0)
        self.submit_pin(pin)
        return self.view

    # -- the face worker (its thread) --------------------------------------------------
    def face_prompt(self, zh: str, en: str) -> None:
        if self.view.state == VERIFYING:
            self._show(prompt_zh=zh, prompt_en=en)

    def face_feedback(self, feedback: FrameFeedback, accepted: int) -> None:
        with self._lock:
            if self.view.state != VERIFYING:
                return
            reasons = feedback.reasons
            if reasons != self.view.reasons or accepted != self.view.accepted_frames:
                self._show(reasons=reasons, accepted_frames=accepted)

    def face_frame(self, frame) -> None:
        """Frames are for the live preview only; the flow never keeps one."""
        for listener in list(self.frame_listeners):
            listener(frame)

    def face_result(self, result: VerificationResult) -> None:
        with self._lock:
            if self.view.state != VERIFYING or self.identity is None:
                return
            self.identity.audit = result.audit(self.clock.now())
            if result.decision is Decision.MATCH:
                self.identity.face_verified = True
                self._outcome(IDENTIFIED, "id_face_passed")
            elif result.retry_allowed:
                self._show(state=RETRY, message="id_face_retry", reasons=result.reasons)
            else:
                self._outcome(FAILED, "id_face_staff", result.reasons)

    def face_error(self, error: DeviceError) -> None:
        with self._lock:
            if self.view.state != VERIFYING:
                return
            self.report_fault("camera", f"{type(error).__name__}: {error} (action: {error.action.value})")
            self._outcome(FAILED, "id_camera_down")
