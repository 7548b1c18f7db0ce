"""The broker's access rules, generated from the contract's topic table (contract.TOPICS).

Each identity gets, for every topic its role may publish or read, one rule with the topic
filter its scope allows: a kiosk writes `hall/<its hall>/request/ticket/<its own id>` and
nothing else under `request/`, a screen reads its hall's board, the controller reads every
hall's requests. `hall-provision` turns these rules into the roles of Mosquitto's dynamic
security plugin (hall_controller/tools/dynsec.py); docs/mqtt.md shows the same table; `tests/hall_protocol/test_acl.py` proves every row on the real broker.
"""
from __future__ import annotations

from hall_protocol.contract import ROLES, TOPICS, Topic

Rule = tuple[str, str]  # (access: read / write / readwrite, topic filter)


def rules_for(role: str, client_id: str, hall: str | None, controller: str | list[str],
              topics: list[Topic] | None = None) -> list[Rule]:
    """Every (access, topic filter) of one identity, in the table's order, without repeats.
    `controller`: the controller's id, or every controller process's id (their presence)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    controllers = [controller] if isinstance(controller, str) else list(controller)
    access: dict[str, set[str]] = {}
    for topic in topics or TOPICS:
        for mode, table in (("write", topic.publish), ("read", topic.read)):
            scope = table.get(role)
            if scope is None:
                continue
            for cid in controllers if scope == "controller" else controllers[:1]:
                flt = topic.filter_for(scope, hall=hall, client=client_id, controller=cid)
                access.setdefault(flt, set()).add(mode)
    return [("readwrite" if modes == {"read", "write"} else modes.pop(), flt) for flt, modes in access.items()]

