"""The payloads of remote operations (contract.OPS_REQUEST / OPS_REPLY; the responder every app
wires in is hall_protocol/ops.py, the technician's command hall_controller/tools/ops_cli.py)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from hall_protocol.payload import MaskedText, Payload

OpsName = Literal["info", "log", "counters", "config", "restart"]
MAX_LOG_LINES = 500
# An app asked to restart answers, then exits with this code (EX_TEMPFAIL): systemd's Restart=always
# (deploy/systemd/) or the kiosk's watchdog starts it again. Any other code means it stopped for
# another reason.
RESTART_EXIT_CODE = 75

ConfigKey = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_.]*$")]
ConfigValue = Annotated[str, Field(max_length=200)]


class OpsRequest(Payload):
    """A technician's request to one device or app (hall_protocol/ops.py)."""

    op: OpsName
    transaction: MaskedText = Field(min_length=8, max_length=64, description="echoed in the answer")
    lines: int = Field(100, ge=1, le=MAX_LOG_LINES, description="log: how many of the last lines")
    values: dict[ConfigKey, ConfigValue] = Field({}, max_length=20,
                                                 description="config: key = value, as text (`idle_timeout_s=90`)")


class OpsInfo(Payload):
    device: str
    role: str
    halls: list[str]
    version: str
    started_at: str
    uptime_s: float
    pid: int
    host: str


class OpsLog(Payload):
    lines: list[str] = Field(description="the last log lines, oldest first, personal data masked")
    dropped: int = Field(0, description="lines older than the buffer keeps")


class OpsConfigResult(Payload):
    applied: dict[str, str] = Field({}, description="keys changed and in effect now")
    needs_restart: list[str] = Field([], description="keys written to the file that take effect after a restart")
    file: str = Field("", description="the file written")
