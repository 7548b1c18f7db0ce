"""config/README.md, the reference of every configuration key, generated from the schemas
(`python -m config.reference > config/README.md`); a test fails when they differ."""
from __future__ import annotations

import datetime
import sys
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from config import schema

# (TOML table path, model) in the order a technician meets them.
SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("hall controller file (top level)", schema.HallSuiteConfig),
    ("[broker]", schema.BrokerConfig),
    ("[database]", schema.DatabaseConfig),
    ("[backend]", schema.BackendConfig),
    ("[limits]", schema.LimitsConfig),
    ("[[halls]]", schema.HallConfig),
    ("[[halls.services]]", schema.ServiceConfig),
    ("[[halls.services.hours]]", schema.OpeningPeriod),
    ("[[halls.windows]]", schema.WindowConfig),
    ("[[halls.devices]]", schema.DeviceConfig),
    ("[halls.priority]", schema.PriorityConfig),
    ("[halls.no_show]", schema.NoShowConfig),
    ("[halls.robot]", schema.RobotConfig),
    ("[halls.kiosk]", schema.KioskPolicy),
    ("[halls.appointments]", schema.AppointmentPolicy),
    ("[halls.rating]", schema.RatingPolicy),
    ("[halls.remote]", schema.RemoteConfig),
    ("[halls.audio]", schema.AudioConfig),
    ("[[halls.audio.zones]]", schema.AudioZone),
    ("[[halls.staff]]", schema.StaffMember),
    ("[halls.alerts]", schema.AlertConfig),
    ("[halls.followup]", schema.FollowUpConfig),
    ("[[technicians]]", schema.TechnicianConfig),
    ("kiosk file (top level)", schema.KioskConfig),
    ("[watch] of the kiosk file", schema.DeviceWatchConfig),
    ("[voice] of the kiosk file", schema.KioskVoiceConfig),
    ("web service file (top level)", schema.WebConfig),
    ("[[halls]] of the web service file", schema.WebHall),
]


def _type(annotation) -> str:
    text = str(annotation).replace("typing.", "")
    for name in ("config.schema.", "datetime."):
        text = text.replace(name, "")
    if isinstance(annotation, type):
        text = annotation.__name__
    return text.replace("NoneType", "None").replace("<class '", "").replace("'>", "")


def _default(field) -> str:
    if field.is_required():
        return "**required**"
    value = field.default
    if value is PydanticUndefined:
        value = field.default_factory() if field.default_factory else None
    if isinstance(value, BaseModel):
        return "(table)"
    if isinstance(value, datetime.time):
        return f"`{value.isoformat()}`"
    return f"`{value!r}`"


def render() -> str:
    out = ["# Configuration reference", "",
           "Generated from `config/schema.py` by `python -m config.reference`; do not edit by hand.",
           "", "Files are TOML. Every key is checked at start-up: an unknown key, a wrong type or a value "
           "out of range stops the program with the file, the key and what was expected. Types are strict, "
           "nothing is converted: `port = \"1883\"` (a string), `port = 1883.0` (a float) or "
           "`speech_enabled = \"true\"` are errors; a whole number is accepted for a float; times are TOML "
           "times without quotes (`day_starts_at = 04:00:00`); `timezone` must be a known IANA zone. Examples: "
           "[examples/hall.toml](examples/hall.toml), [examples/kiosk.toml](examples/kiosk.toml).", ""]
    for title, model in SECTIONS:
        out += [f"## {title}", ""]
        doc = (model.__doc__ or "").strip()
        if doc and not doc.startswith("!!!") and model.__doc__ is not BaseModel.__doc__:
            out += [doc, ""]
        out += ["| key | type | default | meaning |", "|---|---|---|---|"]
        hints = typing.get_type_hints(model)
        for name, field in model.model_fields.items():
            desc = (field.description or "").replace("|", "\\|").replace("\n", " ")
            out.append(f"| `{name}` | `{_type(hints.get(name, field.annotation))}` | {_default(field)} | {desc} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
