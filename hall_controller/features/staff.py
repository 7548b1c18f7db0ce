"""Staff sign-in at the window callers (hall_protocol/staff.py) and the clerk card of every window.

A caller signs its clerk in with the staff number and PIN of the hall file's staff list; the
PIN is checked against its scrypt hash on a thread of this feature (never the MQTT thread nor
the request worker), five wrong PINs lock the staff number for five minutes and ten wrong PINs
lock the caller, each answered with how long. Signed in, the window's clerk is that staff
number: the Windows feature puts it on every event of the window (stored with the window, so
a restart keeps it). Signing out closes the window. After every change, and after every
(re)connect, the window's clerk card (name, title, photo) goes out retained for the window
screen and the rating pad; a window nobody is signed in at gets a card without a clerk.
"""
from __future__ import annotations

import base64
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from config.schema import HallConfig, StaffMember
from hall_controller.core.queue import HallQueue
from hall_controller.core.staff import signed_in, verify_pin
from hall_controller.errors import Conflict, Forbidden, HallError, NotFound
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import encode
from hall_protocol.router import Request
from hall_protocol.staff import StaffCard, StaffSignIn

log = logging.getLogger(__name__)
MAX_PHOTO = 200 * 1024
TRIES, DEVICE_TRIES, LOCK_S = 5, 10, 300.0


class WrongPin(HallError):
    code = "wrong_pin"


class Locked(HallError):
    code = "locked"


def load_photo(path: str | None) -> str | None:
    """A staff photo as base64, or None (logged) when it is missing, too large or not JPEG/PNG."""
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        log.warning("staff photo %s cannot be read: %s", path, err)
        return None
    if len(data) > MAX_PHOTO or not (data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n"):
        log.warning("staff photo %s is not a JPEG or PNG of at most %d KB; not shown", path, MAX_PHOTO // 1024)
        return None
    return base64.b64encode(data).decode()


class Staff(Feature):

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._pool: ThreadPoolExecutor | None = None
        self._photos: dict[tuple[str, str], str | None] = {}
        self._fails: dict[str, list[float]] = {}  # "staff:<hall>:<id>" or "device:<id>" -> times of wrong PINs
        self._since: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        halls = [h for h in self.ctx.config.halls if h.staff and h.id in self.ctx.queues]
        for h in halls:
            for m in h.staff:
                self._photos[(h.id, m.id)] = load_photo(m.photo)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="staff-pin")
        self.ctx.router.add(contract.STAFF_REQUEST, self.handle, kind="staff", halls=self.ctx.halls,
                            authorize=self.authorize, executor=lambda: self._pool)
        self.ctx.on_connect.append(self.publish_all)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def authorize(self, req: Request) -> None:
        r: StaffSignIn = req.payload
        hall = self.ctx.queues[req.hall].hall
        window = next((d.window for d in hall.devices if d.id == req.client and d.role == "caller"), None)
        if window != r.window:
            raise Forbidden(f"{req.client} may not sign in at window {r.window}")
        if not hall.staff:
            raise NotFound(f"hall {req.hall} has no staff list: clerks do not sign in")

    # -- on this feature's thread -----------------------------------------------------------
    def handle(self, req: Request) -> StaffCard:
        r: StaffSignIn = req.payload
        q = self.ctx.queues[req.hall]
        if r.action == "sign_in":
            member = q.hall.staff_member(r.staff_id)
            self._check_pin(req, member, r)
            staff_id = member.id if member else None
        else:
            staff_id = None
        self.ctx.worker.call(lambda: self._apply(q, r.window, staff_id))
        card = self.card(q.hall, r.window, staff_id)
        self.publish(q.hall.id, card)
        log.info("window %s of %s: %s", r.window, req.hall, f"clerk {staff_id} signed in" if staff_id else "signed out")
        return card.model_copy(update={"photo_jpeg_b64": None})

    def _check_pin(self, req: Request, member: StaffMember | None, r: StaffSignIn) -> None:
        keys = (f"staff:{req.hall}:{r.staff_id}", f"device:{req.client}")
        now = time.monotonic()
        with self._lock:
            for key, limit in zip(keys, (TRIES, DEVICE_TRIES)):
                recent = [t for t in self._fails.get(key, []) if now - t < LOCK_S]
                self._fails[key] = recent
                if len(recent) >= limit:
                    wait = int(LOCK_S - (now - recent[0])) + 1
                    raise Locked(f"too many wrong PINs: sign-in is locked for {wait} s", code="locked")
        if member is not None and verify_pin(r.pin or "", member.pin_hash):
            with self._lock:
                self._fails.pop(keys[0], None)
            return
        with self._lock:
            for key in keys:
                self._fails.setdefault(key, []).append(now)
            left = TRIES - len(self._fails[keys[0]])
        log.warning("wrong staff number or PIN at %s (window %s)", req.client, r.window)
        raise WrongPin(f"wrong staff number or PIN; {max(0, left)} tries left", code="wrong_pin")

    # -- on the request worker ----------------------------------------------------------------
    def _apply(self, q: HallQueue, window: int, staff_id: str | None) -> None:
        with q.unit():
            row, current = q.windows[window], q.current(window)
            if staff_id is None:
                if current is not None:
                    raise Conflict(f"window {window} still has ticket {current.number}: finish or transfer it first")
                before = signed_in(q, window)
                q.set_window(window, "closed", None, clerk=None)
                q.event("signed_out", None, q.now(), window, before)
            else:
                state = row.state if row.known and row.state != "closed" else "idle"
                q.set_window(window, state, current, reason=row.reason if state == "paused" else None, clerk=staff_id)
                q.event("signed_in", None, q.now(), window, staff_id)
            self._since[(q.hall.id, window)] = q.iso(q.now())
        self.ctx.hall.changed(q)

    # -- the clerk cards -------------------------------------------------------------------------
    def card(self, hall: HallConfig, window: int, staff_id: str | None) -> StaffCard:
        m = hall.staff_member(staff_id)
        if m is None:
            return StaffCard(hall=hall.id, window=window)
        return StaffCard(hall=hall.id, window=window, staff_id=m.id, name=m.name, name_en=m.name_en, title=m.title,
                         title_en=m.title_en, photo_jpeg_b64=self._photos.get((hall.id, m.id)),
                         since=self._since.get((hall.id, window)))

    def publish(self, hall: str, card: StaffCard) -> None:
        self.ctx.endpoint.publish(contract.CLERK.format(hall=hall, window=card.window), encode(card), qos=1,
                                  retain=True)

    def publish_all(self) -> None:
        for hall_id, q in list(self.ctx.queues.items()):
            if q.hall.staff:
                for w in q.hall.windows:
                    self.publish(hall_id, self.card(q.hall, w.number, signed_in(q, w.number)))
