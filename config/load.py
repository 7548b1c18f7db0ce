"""Load a TOML file into a schema; every problem becomes one clear ConfigError."""
from __future__ import annotations

import datetime
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


# What a strict type error expects, in the words of a TOML file (the schemas convert nothing:
# config/schema.py `Strict`).
EXPECTED = {
    "int_type": "an integer (a whole number without quotes, e.g. 3)",
    "float_type": "a number (without quotes, e.g. 5.0)",
    "bool_type": "a boolean (true or false, without quotes)",
    "string_type": "a string (text in quotes)",
    "time_type": "a time (a TOML time without quotes, e.g. 08:00:00)",
    "list_type": "a list, e.g. [\"zh\"]",
    "dict_type": "a table, e.g. { A = 1.0 }",
    "model_type": "a table",
    "literal_error": None,  # pydantic's message lists the allowed values
}


def _toml_value(value) -> str:
    """A value as the TOML file wrote it: the string '1883', the float 1883.0, a table."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, float):
        return f"the float {value!r}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, datetime.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"the {type(value).__name__} {value.isoformat()}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


SECRET_KEYS = ("password", "secret", "pin_hash")   # a wrong value of these is not echoed (it may be the secret)


def describe(err: ValidationError, source: str) -> str:
    """One line per problem: the file, the key and what was expected (and what was found)."""
    lines = []
    for e in err.errors():
        key = _key(tuple(e["loc"]))
        if any(word in key.lower() for word in SECRET_KEYS) and e["type"] not in ("extra_forbidden", "missing"):
            lines.append(f"{source}: key {key!r}: {e['msg'].removeprefix('Value error, ')} (value not shown)")
        elif e["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key {key!r}")
        elif e["type"] == "missing":
            lines.append(f"{source}: missing key {key!r}")
        elif EXPECTED.get(e["type"]):
            lines.append(f"{source}: key {key!r}: expected {EXPECTED[e['type']]}, got {_toml_value(e.get('input'))}")
        else:
            got = e.get("input")
            got_text = "" if isinstance(got, dict) else f" (got {_toml_value(got)})"
            msg = e["msg"].removeprefix("Value error, ")
            lines.append(f"{source}: key {key!r}: {msg}{got_text}")
    return "\n".join(lines)


def parse_config(data: dict, model: type[M], source: str, base_dir: Path | None = None) -> M:
    """`base_dir`: where files the configuration names (a staff photo) are, when relative."""
    try:
        return model.model_validate(data, context={"base_dir": base_dir} if base_dir else None)
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
    return parse_config(data, model, str(path), path.resolve().parent)
