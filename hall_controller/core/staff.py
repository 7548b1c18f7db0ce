"""Staff at the windows: PINs kept as salted scrypt hashes (hashlib, the standard library's
binding of OpenSSL's scrypt), and who is signed in at a window (the window's clerk, when it is
a member of the hall's staff list)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from hall_controller.core.queue import HallQueue

# scrypt cost: 2^14 x 8 x 1 (about 16 MB and 50 ms per check: slow for a guesser, quick for a clerk)
N, R, P, DKLEN = 2 ** 14, 8, 1, 32


def hash_pin(pin: str, *, salt: bytes | None = None, n: int = N) -> str:
    """"scrypt$n$r$p$salt$hash" (base64) of a PIN, for the hall file's `pin_hash`."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValueError("a PIN is 4 to 8 digits")
    salt = salt or os.urandom(16)
    key = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=R, p=P, dklen=DKLEN, maxmem=64 * 1024 * 1024)
    return f"scrypt${n}${R}${P}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches the stored hash (in constant time); False for a malformed hash."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def signed_in(q: HallQueue, window: int) -> str | None:
    """The staff number of the clerk signed in at `window`, or None."""
    row = q.windows.get(window)
    if row is None or not row.known or not row.clerk:
        return None
    return row.clerk if q.hall.staff_member(row.clerk) is not None else None
