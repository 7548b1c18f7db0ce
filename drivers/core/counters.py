"""Per-device counters (reads, prints, cuts, faults) that survive a restart.

Stored as one small JSON file per device, replaced atomically, mode 0600 in a 0700
directory (privacy.files), under the state directory ($HALL_STATE_DIR, default
~/.local/state/hall-suite).
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from privacy import write_private


def state_dir() -> Path:
    base = os.environ.get("HALL_STATE_DIR") or os.path.join(
        os.environ.get("XDG_STATE_HOME", os.path.expanduser("~/.local/state")), "hall-suite")
    return Path(base)


class Counters:
    """A dict of named integer counters persisted per device id."""

    def __init__(self, device_id: str, directory: Path | None = None) -> None:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in device_id)
        self.path = (directory or state_dir() / "counters") / f"{safe}.json"
        self._lock = threading.Lock()
        self._values: dict[str, int] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                self._values = {str(k): int(v) for k, v in data.items()}
            except (ValueError, TypeError, AttributeError):
                # A damaged counter file must not stop a device: start again from zero.
                self._values = {}

    def increment(self, name: str, by: int = 1) -> int:
        with self._lock:
            self._values[name] = self._values.get(name, 0) + by
            self._save()
            return self._values[name]

    def get(self, name: str) -> int:
        with self._lock:
            return self._values.get(name, 0)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._values)

    def _save(self) -> None:
        write_private(self.path, json.dumps(self._values, sort_keys=True))
