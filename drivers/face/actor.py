"""A simulated citizen in front of the kiosk camera, made from the ORL faces (sim and tests).

`FaceActor(person)` shows one ORL photograph of that person in a 640x480 frame with a
little sensor noise and hand shake. When cued with the liveness challenge (what the
screen asks), the head turns or nods: the photograph is re-projected as if painted on an
ellipsoid head with a protruding nose and rotated (`turn_image`). YuNet's landmarks then
show a real yaw/pitch change (about 0.25 at 30 degrees); it is a 2-D warp of one photo, not
a 3-D head, and it is exactly the "photo bent around the nose" attack docs/face.md admits
liveness does not stop. The ID card of the same person carries another ORL photograph of
them, degraded like a chip photo (`card_photo_png`).

Attacks: "photo" holds a still print (identical frames, never turns); "screen" replays a
video of the person turning on a phone held up to the camera (bezel, pixel-grid moire).
"""
from __future__ import annotations

import functools
import random

import cv2
import numpy as np

from drivers.face.orl import IMAGES, PEOPLE, camera_frame, chip_photo, orl_gray
from drivers.face.quality import Pose, estimate_pose

ATTACKS = ("photo", "screen")
CARD_IMAGE = 1          # the ORL photograph on the card
LIVE_IMAGE = 2          # the photograph the camera shows (another sitting of the same person)
TURN_ANGLES = (25.0, 30.0, 35.0, 40.0, 45.0)   # tried in turn until YuNet sees the turn clearly
TURN_YAW = 0.27         # wanted yaw change: the default turn_delta (0.20) plus a margin
MAX_ROLL = 6.0          # degrees of tilt the warp may add (liveness ignores frames beyond 10)
NOD_DEGREES = 25.0
# frames after a cue: look at the screen, turn over three frames, hold, come back
TIMELINE = (0.0, 0.0, 0.0, 1 / 3, 2 / 3, 1.0, 1.0, 1.0, 1.0, 2 / 3, 1 / 3)
UNCUED = ("turn_left", "turn_right")


def impostor_of(person: int) -> int:
    """A fixed other ORL person, for the sim's impostor option."""
    return (person + PEOPLE // 2 - 1) % PEOPLE + 1


def check_person(person: int, image: int = 1) -> None:
    if not (1 <= person <= PEOPLE and 1 <= image <= IMAGES):
        raise ValueError(f"ORL person must be 1-{PEOPLE} and image 1-{IMAGES}, got {person}/{image}")


def card_photo_png(person: int, image: int = CARD_IMAGE) -> bytes:
    """The card photo of ORL person `person` (102x126, blurred, JPEG 15) as PNG bytes."""
    check_person(person, image)
    ok, data = cv2.imencode(".png", chip_photo(orl_gray(person, image)))
    if not ok:
        raise ValueError("PNG encoding failed")
    return data.tobytes()


@functools.lru_cache(maxsize=1)
def _engine():
    from drivers.face.engine import FaceEngine
    return FaceEngine()


@functools.lru_cache(maxsize=64)
def _landmarks(person: int, image: int) -> np.ndarray:
    """Five landmarks of the ORL photograph in its own 92x112 pixels (YuNet, once per image)."""
    gray = orl_gray(person, image)
    faces = _engine().detect(camera_frame(gray))
    if not faces:
        raise ValueError(f"no face found in ORL s{person}/{image}")
    h, w = gray.shape
    return (faces[0].landmarks - [(640 - 2 * w) // 2, (480 - 2 * h) // 2]) / 2.0


def turn_image(gray: np.ndarray, landmarks: np.ndarray, yaw_deg: float = 0.0, pitch_deg: float = 0.0) -> np.ndarray:
    """Re-project a frontal face photo as if the head turned (yaw, + = the person's left
    in an unmirrored camera image) or nodded (pitch, + = looking down). The warp is done
    with the eyes levelled, so the turn does not also tilt the head (roll)."""
    if not yaw_deg and not pitch_deg:
        return gray.copy()
    h, w = gray.shape
    eyes = (landmarks[0] + landmarks[1]) / 2
    axis = landmarks[1] - landmarks[0]
    roll = float(np.degrees(np.arctan2(axis[1], axis[0])))
    level = cv2.getRotationMatrix2D((float(eyes[0]), float(eyes[1])), roll, 1.0)
    back = cv2.invertAffineTransform(level)
    flat = cv2.warpAffine(gray, level, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    points = np.hstack([landmarks, np.ones((5, 1))]) @ level.T
    out = _warp_levelled(flat.astype(np.float64), points, yaw_deg, pitch_deg)
    out = cv2.warpAffine(out, back, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.clip(out, 0, 255).astype(np.uint8)


def _warp_levelled(image: np.ndarray, landmarks: np.ndarray, yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """The photo painted on an ellipsoid head with a protruding nose, rotated and projected."""
    h, w = image.shape
    eye_dist = float(np.linalg.norm(landmarks[0] - landmarks[1]))
    cx = float(landmarks[:2, 0].mean())
    cy = float((landmarks[:2, 1].mean() + landmarks[3:, 1].mean()) / 2)
    rx, ry = 1.25 * eye_dist, 1.9 * eye_dist
    nose = landmarks[2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    inside = np.clip(1 - ((xs - cx) / rx) ** 2 - ((ys - cy) / ry) ** 2, 0, None)
    depth = rx * np.sqrt(inside) + 0.45 * eye_dist * np.exp(
        -((xs - nose[0]) ** 2 / (2 * (0.25 * eye_dist) ** 2) + (ys - nose[1] + 0.2 * eye_dist) ** 2
          / (2 * (0.45 * eye_dist) ** 2)))
    weight = np.clip(inside * 4, 0, 1)      # the background does not move
    out = image
    if yaw_deg:
        t = np.radians(yaw_deg)
        forward = weight * (cx + (xs - cx) * np.cos(t) + depth * np.sin(t)) + (1 - weight) * xs
        out = _inverse_rows(out, forward)
    if pitch_deg:
        t = np.radians(pitch_deg)
        forward = weight * (cy + (ys - cy) * np.cos(t) + depth * np.sin(t)) + (1 - weight) * ys
        out = _inverse_rows(out.T, forward.T).T
    return out


def _inverse_rows(image: np.ndarray, forward: np.ndarray) -> np.ndarray:
    """Resample each row so the pixel at x lands at forward[x]; hidden parts are occluded."""
    n = image.shape[1]
    xs = np.arange(n, dtype=np.float64)
    out = np.empty_like(image)
    for row in range(image.shape[0]):
        landing = np.maximum.accumulate(forward[row]) + xs * 1e-6
        out[row] = np.interp(xs, landing, image[row])
    return out


class FaceActor:
    """Frames of one person (or an attack) for the sim camera; `cue(challenge)` is what the
    kiosk screen asks, which a simulated person obeys at once."""

    def __init__(self, person: int, *, image: int = LIVE_IMAGE, attack: str | None = None,
                 size: tuple[int, int] = (640, 480), seed: int = 0) -> None:
        check_person(person, image)
        if attack is not None and attack not in ATTACKS:
            raise ValueError(f"face sim attack must be one of {', '.join(ATTACKS)}, got {attack!r}")
        self.person, self.image, self.attack, self.size = person, image, attack, size
        self._rng = np.random.default_rng(seed)
        self._challenge: str | None = None
        self._step = 0
        self._uncued = 0

    def cue(self, challenge: str | None) -> None:
        """The screen shows a new challenge (or none): start the movement from the front."""
        self._challenge, self._step = challenge, 0

    def frame(self) -> np.ndarray:
        if self.attack == "photo":
            return self._render(0.0, 0.0, shake=False)
        challenge, amount = self._pose()
        image, yaw, pitch = self.image, 0.0, NOD_DEGREES * amount if challenge == "nod" else 0.0
        direction = {"turn_left": 1, "turn_right": -1}.get(challenge, 0)
        if direction and amount >= 1.0:
            image, yaw = turn_pose(self.person, self.image, direction)
        elif direction:
            yaw = direction * TURN_ANGLES[0] * amount     # on the way: a small warp of the front photo
        frame = self._render(yaw, pitch, shake=True, image=image)
        return screen_replay(frame, self._rng) if self.attack == "screen" else frame

    def _pose(self) -> tuple[str | None, float]:
        if self._challenge is None:      # nobody told us anything: look around, left then right
            cycle, self._uncued = self._uncued, self._uncued + 1
            turn = UNCUED[(cycle // len(TIMELINE)) % len(UNCUED)]
            return turn, TIMELINE[cycle % len(TIMELINE)]
        step, self._step = self._step, self._step + 1
        return self._challenge, TIMELINE[step] if step < len(TIMELINE) else 0.0

    def _render(self, yaw: float, pitch: float, *, shake: bool, image: int | None = None) -> np.ndarray:
        face = _posed(self.person, image or self.image, round(yaw, 1), round(pitch, 1))
        offset = tuple(int(v) for v in self._rng.integers(-3, 4, 2)) if shake else (0, 0)
        frame = camera_frame(face, self.size, offset=offset)
        if shake:
            noise = self._rng.normal(0, 1.5, frame.shape)
            frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
        return frame


@functools.lru_cache(maxsize=128)
def turn_pose(person: int, image: int, direction: int) -> tuple[int, float]:
    """(ORL image, warp angle) of this person's head turned in `direction` (+1 the person's
    left): YuNet must see a yaw change of TURN_YAW from `image` without a tilt beyond
    MAX_ROLL. Real photos of the person in another pose are preferred, then small warps;
    the warp alone is not equally convincing on every face."""
    def pose(img: int, angle: float) -> Pose | None:
        faces = _engine().detect(camera_frame(_posed(person, img, angle, 0.0)))
        return estimate_pose(faces[0]) if faces else None
    base = pose(image, 0.0)
    best, best_yaw = (image, direction * TURN_ANGLES[0]), -1.0
    for angle in (0.0,) + TURN_ANGLES:
        for img in [image] + [i for i in range(1, IMAGES + 1) if i not in (image, CARD_IMAGE)]:
            turned = pose(img, direction * angle)
            if base is None or turned is None or abs(turned.roll - base.roll) > MAX_ROLL:
                continue
            change = direction * (turned.yaw - base.yaw)
            if change >= TURN_YAW:
                return img, direction * angle
            if change > best_yaw:
                best, best_yaw = (img, direction * angle), change
    return best


@functools.lru_cache(maxsize=256)
def _posed(person: int, image: int, yaw: float, pitch: float) -> np.ndarray:
    return turn_image(orl_gray(person, image), _landmarks(person, image), yaw, pitch)


def screen_replay(frame: np.ndarray, rng: np.random.Generator | random.Random | None = None, *,
                  pixel_pitch: int = 3, grid_level: float = 0.7, bezel_px: int = 14, scale: float = 0.8,
                  angle: float = 2.0) -> np.ndarray:
    """`frame` as a camera sees it shown on a phone held up to it: the picture on a pixel
    grid (gaps every `pixel_pitch` px at `grid_level` brightness), resampled by the camera at a slight scale and
    angle (which aliases the grid into moire), inside a black bezel, on a textured room."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        rng.randrange(2**32) if rng else 0)
    h, w = frame.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    shown = frame.astype(np.float64)
    if pixel_pitch:          # 0: a screen whose grid the camera cannot resolve (no moire)
        shown *= np.where((xs % pixel_pitch == 0) | (ys % pixel_pitch == 0), grid_level, 1.0)[..., None]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    screen = cv2.warpAffine(shown, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    room = cv2.GaussianBlur(rng.uniform(60, 200, (h // 8, w // 8)), (0, 0), 1.5)
    room = cv2.resize(room, (w, h), interpolation=cv2.INTER_CUBIC)[..., None].repeat(3, axis=2)
    # the phone: screen area plus a bezel around it, both rotated like the picture
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    inner = np.hstack([corners, np.ones((4, 1))]) @ matrix.T
    centre = inner.mean(axis=0)
    outer = centre + (inner - centre) * (1 + 2 * bezel_px / min(w * scale, h * scale))
    out = room.copy()
    if bezel_px:             # 0: a borderless picture (no bezel)
        cv2.fillConvexPoly(out, np.round(outer).astype(np.int32), (18, 18, 18))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.round(inner).astype(np.int32), 1)
    out[mask == 1] = screen[mask == 1]
    return np.clip(out, 0, 255).astype(np.uint8)
