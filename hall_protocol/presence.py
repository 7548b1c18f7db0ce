"""Presence: every app and device says, retained on `presence/<id>` (contract.PRESENCE), that it
is online, with its role, its halls, the suite's version and when the process started (its
uptime); its last will, left with the broker when it connects, says "offline" when the process
dies or its link breaks without a goodbye.

    presence = PresenceAnnouncer("screen-main", "screen", ["demo-hall"])
    ep = Endpoint(..., will=presence.will())
    presence.attach(ep)          # "online" again after every (re)connection
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata

from hall_protocol import contract
from hall_protocol.contract import Presence, encode

log = logging.getLogger(__name__)
DISTRIBUTION = "hall-suite"
PROCESS_STARTED = datetime.now(timezone.utc).isoformat(timespec="seconds")  # when this module was first imported


@lru_cache(maxsize=None)
def suite_version() -> str:
    """The installed suite's version (pyproject.toml); "unknown" when it is not installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


class PresenceAnnouncer:
    """The retained presence of one client id: `will()` for the connection, `attach(endpoint)`
    publishes "online" after every (re)connection, `offline(endpoint)` says goodbye."""

    def __init__(self, client_id: str, role: str, halls: list[str] | None = None, *,
                 version: str | None = None, started_at: str | None = None) -> None:
        self.client_id, self.role, self.halls = client_id, role, list(halls or [])
        self.version = version or suite_version()
        self.started_at = started_at or PROCESS_STARTED
        self.topic = contract.PRESENCE.format(client=client_id)

    def message(self, state: str) -> Presence:
        return Presence(state=state, role=self.role, halls=self.halls, version=self.version,
                        started_at=self.started_at, at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def will(self) -> tuple[str, bytes]:
        return self.topic, encode(self.message("offline"))

    def attach(self, endpoint) -> None:
        """Publish "online" (retained, QoS 1) whenever `endpoint` (re)connects; an earlier
        connection listener keeps being called first."""
        previous = endpoint.on_connection_change

        def changed(up: bool) -> None:
            if previous:
                previous(up)
            if up:
                endpoint.publish(self.topic, encode(self.message("online")), qos=1, retain=True)
        endpoint.on_connection_change = changed

    def offline(self, endpoint, wait_s: float = 0.0) -> None:
        """A clean goodbye (the will is only for a death: an orderly disconnect discards it);
        `wait_s`: wait that long for the broker to have it before the connection closes."""
        try:
            info = endpoint.publish(self.topic, encode(self.message("offline")), qos=1, retain=True)
            if wait_s and info is not None:
                info.wait_for_publish(wait_s)
        except Exception as err:  # noqa: BLE001 - stopping anyway
            log.info("presence %s: goodbye not sent: %s", self.client_id, err)


def uptime_s(presence: Presence, now: datetime) -> float | None:
    """Seconds since the process started, for an online presence that says when; else None."""
    if presence.state != "online" or not presence.started_at:
        return None
    try:
        started = datetime.fromisoformat(presence.started_at)
    except ValueError:
        return None
    if started.tzinfo is None or now.tzinfo is None:
        return None
    return max(0.0, (now - started).total_seconds())
