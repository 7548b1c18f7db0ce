"""Verifier: a 1:1 decision over several camera frames against the ID card photo.

A session holds the reference embedding (never the photo) for its lifetime only, scores
each usable frame, runs the liveness challenge, allows retries and stops at an overall
time limit read from the injected Clock. The result and its audit record carry no image.
"""
from __future__ import annotations

import logging
import random
import statistics
import threading
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Iterable

import numpy as np

from drivers.core.clock import Clock
from drivers.core.errors import Action, UserError
from drivers.face.config import FaceConfig
from drivers.face.engine import FaceEngine
from drivers.face.liveness import Challenge, LivenessChecker, LivenessReport, choose_challenge
from drivers.face.quality import Reason

log = logging.getLogger(__name__)


class Decision(str, Enum):
    MATCH = "match"
    NO_MATCH = "no_match"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class AuditRecord:
    """What the verification record keeps: never an image, an embedding or a name."""

    time: datetime
    decision: Decision
    score: float | None
    threshold: float
    reasons: tuple[Reason, ...]
    reference_source: str
    frames_used: int
    attempt: int

    def to_dict(self) -> dict:
        return {"time": self.time.isoformat(), "decision": self.decision.value,
                "score": None if self.score is None else round(self.score, 4), "threshold": self.threshold,
                "reasons": [r.value for r in self.reasons], "reference_source": self.reference_source,
                "frames_used": self.frames_used, "attempt": self.attempt}


@dataclass(frozen=True)
class VerificationResult:
    decision: Decision
    score: float | None          # median cosine similarity of the usable frames
    threshold: float
    reasons: tuple[Reason, ...]
    frames_used: int
    reference_source: str        # "vendor_decoder", "emulator_reference", ...
    attempt: int = 1
    retry_allowed: bool = False
    liveness: LivenessReport | None = None

    @property
    def matched(self) -> bool:
        return self.decision is Decision.MATCH

    def audit(self, when: datetime) -> AuditRecord:
        return AuditRecord(when, self.decision, self.score, self.threshold, self.reasons,
                           self.reference_source, self.frames_used, self.attempt)

    def to_dict(self) -> dict:
        return {"decision": self.decision.value, "match": self.matched,
                "score": None if self.score is None else round(self.score, 4), "threshold": self.threshold,
                "reasons": [r.value for r in self.reasons], "prompts": [r.prompt_zh for r in self.reasons],
                "frames_used": self.frames_used, "reference_source": self.reference_source,
                "attempt": self.attempt, "retry_allowed": self.retry_allowed,
                "liveness": None if self.liveness is None else {
                    "challenge": self.liveness.challenge.value, "passed": self.liveness.passed,
                    "movement": round(self.liveness.movement, 3)}}


@dataclass(frozen=True)
class FrameFeedback:
    """What the kiosk shows after each frame: accepted or the reason to fix first."""

    accepted: bool
    reasons: tuple[Reason, ...]

    @property
    def prompt_zh(self) -> str:
        return self.reasons[0].prompt_zh if self.reasons else ""


class VerificationSession:
    """One citizen, one card photo; feed frames with `submit`, read `result()`."""

    def __init__(self, verifier: "Verifier", reference: np.ndarray | None, reference_source: str,
                 liveness: bool, min_frames: int) -> None:
        self._v = verifier
        self._reference = reference
        self.reference_source = reference_source
        self.liveness_required = liveness
        self.min_frames = min_frames
        self.attempt = 1
        self._started = verifier.clock.monotonic()
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        cfg = self._v.config
        self.challenge: Challenge | None = (choose_challenge(self._v.rng, cfg.challenges)
                                            if self.liveness_required else None)
        self._checker = LivenessChecker(self.challenge, cfg) if self.challenge else None
        self._scores: list[float] = []
        self._seen: list[Reason] = []

    @property
    def expired(self) -> bool:
        return self._v.clock.monotonic() - self._started > self._v.config.time_limit_s

    @property
    def finished(self) -> bool:
        """No point feeding more frames: decided, out of time, or no face on the card photo."""
        result = self.result()
        return result.decision is not Decision.UNDECIDED or Reason.TIMEOUT in result.reasons \
            or Reason.NO_REFERENCE_FACE in result.reasons

    def submit(self, frame: np.ndarray) -> FrameFeedback:
        if self._reference is None or self.expired:
            return FrameFeedback(False, (Reason.NO_REFERENCE_FACE if self._reference is None else Reason.TIMEOUT,))
        analysis = self._v.engine.analyse(frame)
        score = None
        if analysis.usable:
            score = self._v.engine.compare(self._reference, self._v.engine.embed_aligned(analysis.aligned))
        with self._lock:
            if self._checker is not None and analysis.face is not None:
                self._checker.observe(analysis.face, analysis.gray)
            if score is not None:
                self._scores.append(score)
            self._seen.extend(analysis.reasons)
        return FrameFeedback(analysis.usable, analysis.reasons)

    def result(self) -> VerificationResult:
        with self._lock:
            scores, seen = list(self._scores), list(self._seen)
            live = self._checker.report() if self._checker is not None else None
        threshold = self._v.config.match_threshold
        retry = self.attempt < self._v.config.max_attempts and not self.expired
        if self._reference is None:
            return self._result(Decision.UNDECIDED, None, (Reason.NO_REFERENCE_FACE,), 0, False, live)
        score = statistics.median(scores) if scores else None
        reasons: list[Reason] = []
        if len(scores) < self.min_frames:
            reasons.append(Reason.TOO_FEW_FRAMES)
            reasons.extend(r for r in dict.fromkeys(seen))
            decision = Decision.UNDECIDED
        elif score < threshold:
            reasons.append(Reason.LOW_SCORE)
            decision = Decision.NO_MATCH
        elif live is not None and not live.passed:
            reasons.extend(live.reasons)
            decision = Decision.UNDECIDED
        else:
            decision = Decision.MATCH
        if decision is not Decision.MATCH and self.expired:
            reasons.append(Reason.TIMEOUT)
        if decision is not Decision.MATCH and not retry:
            reasons.append(Reason.ATTEMPTS_EXHAUSTED)
        return self._result(decision, score, tuple(reasons), len(scores),
                            retry and decision is not Decision.MATCH, live)

    def _result(self, decision: Decision, score: float | None, reasons: tuple[Reason, ...], used: int,
                retry: bool, live: LivenessReport | None) -> VerificationResult:
        return VerificationResult(decision, score, self._v.config.match_threshold, reasons, used,
                                  self.reference_source, self.attempt, retry, live)

    def retry(self) -> None:
        """Start the next attempt (new challenge, frames forgotten), within the same time limit."""
        with self._lock:
            if self.attempt >= self._v.config.max_attempts or self.expired:
                raise UserError("no face verification retry left; use the staff-assisted path",
                                action=Action.STAFF, device="face")
            self.attempt += 1
            self._reset()

    def close(self) -> None:
        """Forget the reference embedding (end of the citizen's session)."""
        with self._lock:
            self._reference = None
            self._scores.clear()


class Verifier:
    """Makes sessions; thread-safe (the kiosk runs it in a worker, off the UI thread)."""

    def __init__(self, engine: FaceEngine, *, clock: Clock, rng: random.Random | None = None,
                 config: FaceConfig | None = None) -> None:
        self.engine = engine
        self.config = config or engine.config
        self.clock = clock
        self.rng = rng or random.Random()

    def begin(self, reference: np.ndarray, reference_source: str, *, liveness: bool | None = None,
              min_frames: int | None = None) -> VerificationSession:
        embedding = self.engine.reference_embedding(reference)
        return VerificationSession(self, embedding, reference_source,
                                   self.config.liveness if liveness is None else liveness,
                                   self.config.min_frames if min_frames is None else min_frames)

    def verify(self, reference: np.ndarray, frames: Iterable[np.ndarray], reference_source: str, *,
               liveness: bool | None = None, min_frames: int | None = None) -> VerificationResult:
        """One attempt over the given frames (the CLI, batch checks)."""
        session = self.begin(reference, reference_source, liveness=liveness, min_frames=min_frames)
        try:
            for frame in frames:
                session.submit(frame)
            result = session.result()
        finally:
            session.close()
        log.info("face verification %s score=%s threshold=%.3f reasons=%s frames=%d source=%s",
                 result.decision.value, "-" if result.score is None else f"{result.score:.3f}",
                 result.threshold, ",".join(r.value for r in result.reasons), result.frames_used,
                 result.reference_source)
        return result
