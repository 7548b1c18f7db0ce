"""Faults an emulator injects, switched on from configuration: "no_ack:2,bad_crc" means the
next two requests get no answer and every answer after that has a bad CRC."""
from __future__ import annotations

import threading

from drivers.core.url import UrlError


class Faults:
    def __init__(self, spec: str = "", known: tuple[str, ...] = ()) -> None:
        self._left: dict[str, int | None] = {}
        self._lock = threading.Lock()
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, _, count = item.partition(":")
            if known and name not in known:
                raise UrlError(f"unknown fault {name!r} (known: {', '.join(known)})")
            try:
                self._left[name] = int(count) if count else None
            except ValueError as err:
                raise UrlError(f"fault {name!r}: count must be a whole number, got {count!r}") from err

    def set(self, name: str, count: int | None = None) -> None:
        with self._lock:
            self._left[name] = count

    def clear(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._left.clear()
            else:
                self._left.pop(name, None)

    def active(self, name: str) -> bool:
        with self._lock:
            return name in self._left

    def take(self, name: str) -> bool:
        """True if the fault applies to this request (and use up one of its count)."""
        with self._lock:
            if name not in self._left:
                return False
            left = self._left[name]
            if left is not None:
                if left <= 1:
                    del self._left[name]
                else:
                    self._left[name] = left - 1
            return True
