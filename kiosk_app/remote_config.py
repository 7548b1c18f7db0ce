"""A technician's `hall-ops push-config` for a kiosk (hall_protocol/ops.py, op `config`): only the
keys of the kiosk's own file that are safe to change from afar, validated as the kiosk validates
its file at start, written atomically (the file's mode kept), applied at once where the running
kiosk can take them, else answered "needs restart".

Device URLs, the broker, the identity and the paths to credentials are not among them: a pushed
URL could point a kiosk's printer or camera anywhere; those change on the kiosk's own file.
"""
from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Callable

from config import ConfigError, KioskConfig
from config.load import parse_config
from hall_protocol.ops import ConfigRefused
from hall_protocol.opsmsg import OpsConfigResult

# key (table.key for a table) -> applied at once (True) or after a restart (False)
SAFE_KEYS: dict[str, bool] = {
    "idle_timeout_s": True,
    "elderly_idle_timeout_s": True,
    "language": False,
    "voice.volume": False,
}


def _value(raw: str) -> object:
    """The TOML value a technician typed: an integer, a number, true/false, else text."""
    for parse in (int, float):
        try:
            return parse(raw)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(raw, raw)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_key(text: str, key: str, value: object) -> str:
    """`text` (a TOML file) with `key` (top level, or `table.key`) set to `value`; comments and
    everything else kept as written."""
    table, _, name = key.rpartition(".")
    lines = text.splitlines(keepends=True)
    header = re.compile(r"^\s*\[")
    start, end = 0, len(lines)
    if table:
        start = next((i + 1 for i, line in enumerate(lines) if re.match(rf"^\s*\[{re.escape(table)}\]\s*(#.*)?$", line)),
                     None)
        if start is None:  # no such table yet: add it at the end
            return text + ("" if text.endswith("\n") or not text else "\n") + f"\n[{table}]\n{name} = {_toml(value)}\n"
    end = next((i for i in range(start, len(lines)) if header.match(lines[i])), len(lines))
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
    for i in range(start, end):
        if pattern.match(lines[i]):
            lines[i] = f"{name} = {_toml(value)}\n"
            return "".join(lines)
    at = end
    while at > start and not lines[at - 1].strip():  # before the blank lines that lead to the next table
        at -= 1
    lines.insert(at, f"{name} = {_toml(value)}\n")
    return "".join(lines)


class KioskRemoteConfig:
    """`push(values)` for the kiosk's OpsResponder; `apply(key, value)` changes the running kiosk."""

    def __init__(self, path: Path, apply: Callable[[str, object], None]) -> None:
        self.path, self.apply = Path(path), apply

    def push(self, values: dict[str, str]) -> OpsConfigResult:
        unknown = sorted(k for k in values if k not in SAFE_KEYS)
        if unknown:
            raise ConfigRefused(f"not changeable remotely: {', '.join(unknown)[:120]} (safe keys: "
                                f"{', '.join(SAFE_KEYS)})", code="not_allowed")
        try:
            text = self.path.read_text("utf-8")
        except OSError as err:
            raise ConfigRefused(f"{self.path}: cannot read: {err.strerror}", code="failed") from err
        parsed = {k: _value(v) for k, v in values.items()}
        for key, value in parsed.items():
            text = set_key(text, key, value)
        try:  # the new file as the kiosk reads it at start: every key checked, unknown keys errors
            config = parse_config(tomllib.loads(text), KioskConfig, str(self.path), self.path.resolve().parent)
        except (ConfigError, tomllib.TOMLDecodeError) as err:
            raise ConfigRefused(str(err)[:300]) from err
        mode = self.path.stat().st_mode & 0o777
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, self.path)
        except OSError as err:
            Path(tmp).unlink(missing_ok=True)
            raise ConfigRefused(f"{self.path}: cannot write: {err.strerror}", code="failed") from err
        applied, later = {}, []
        for key in parsed:
            value = _read(config, key)
            if SAFE_KEYS[key]:
                self.apply(key, value)
                applied[key] = str(value)
            else:
                later.append(key)
        return OpsConfigResult(applied=applied, needs_restart=later, file=str(self.path))


def _read(config: KioskConfig, key: str) -> object:
    value: object = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def kiosk_applier(kiosk) -> Callable[[str, object], None]:
    """Changes a running kiosk (kiosk_app.app.Kiosk) for the keys SAFE_KEYS marks live: every
    flow's idle timeouts, read by the flows at each tick (a page open now gets the new limit)."""
    def apply(key: str, value: object) -> None:
        flows = [kiosk.flow, kiosk.civic, kiosk.booking, kiosk.payment, kiosk.citizen,
                 getattr(kiosk.identity, "flow", None)]
        for flow in flows:
            if flow is not None and hasattr(flow, key):
                setattr(flow, key, value)
        kiosk.config = kiosk.config.model_copy(update={key: value})
    return apply
