"""Load a TOML file into a schema; every problem becomes one clear ConfigError."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names file, key and expectation."""


def _key(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def describe(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        key = _key(tuple(e["loc"]))
        if e["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key {key!r}")
        elif e["type"] == "missing":
            lines.append(f"{source}: missing key {key!r}")
        else:
            got = e.get("input")
            got_text = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"{source}: key {key!r}: {e['msg']}{got_text}")
    return "\n".join(lines)


def parse_config(data: dict, model: type[M], source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(describe(err, source)) from err


def load_config(path: str | Path, model: type[M]) -> M:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: configuration file not found") from err
    except OSError as err:
        raise ConfigError(f"{path}: cannot read configuration file: {err.strerror}") from err
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start})") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    return parse_config(data, model, str(path))
