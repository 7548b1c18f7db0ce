"""docs/mqtt.md, generated from the contract's topic table and payload models:
`python -m hall_protocol.docs > docs/mqtt.md` (a test fails when the file is stale)."""
from __future__ import annotations

import json
import sys

from hall_protocol import keypad_doc, phone
from hall_protocol.contract import (BACKEND_ANSWERS, ROOT, TOPICS, BackendRequest, Board, CallEvent, CallInfo,
                                    DeviceHealth, Health, PartHealth, Presence, Response, RobotBoard, RobotHelpRequest,
                                    RobotState, RobotTask, TicketInfo, TicketRequest, WindowCommand, WindowState, who)


def render_markdown() -> str:
    out = ["# The MQTT contract", "",
           "Generated from `hall_protocol/contract.py` by `python -m hall_protocol.docs`; "
           "do not edit by hand.", "",
           "MQTT 5. Requests carry *Response Topic* `reply/<client id>/<suffix>` and *Correlation Data*; "
           "the answer is a `Response` that always echoes the request's correlation data as `transaction`. "
           "Client id = user name = device id, and the broker binds them: a device's credentials log in "
           "with its own client id only. Each device may publish only its own topics and subscribe only "
           "to what it may read. The broker's rules (`hall_protocol.acl`, turned into roles of Mosquitto's "
           "dynamic security plugin by `hall-provision`) are generated from the same table as the columns "
           "below. Other machines reach the broker with TLS only (port 8883, the hall's CA).", "",
           "| topic | payload | QoS | retained | published by | read by |",
           "|---|---|---|---|---|---|"]
    for t in TOPICS:
        out.append(f"| `{t.pattern.replace('{root}', ROOT)}` | `{t.model.__name__}` | {t.qos} | "
                   f"{'yes' if t.retained else 'no'} | {who(t.publish)} | {who(t.read)} |")
    out.append("")
    for t in TOPICS:
        out += [f"## `{t.pattern.replace('{root}', ROOT)}`", "", t.doc, ""]
    out += keypad_doc.render()
    models = [TicketRequest, TicketInfo, WindowCommand, Response, CallInfo, WindowState, Board,
              CallEvent, Presence, BackendRequest, *dict.fromkeys(BACKEND_ANSWERS.values()), Health,
              PartHealth, DeviceHealth, RobotTask, RobotState, RobotHelpRequest, RobotBoard,
              phone.PhoneRequest, phone.CodeSent, phone.PhoneTicket, phone.PhoneRating, phone.CheckInRequest,
              phone.QueueProgress]
    out += ["# Payloads", "", "JSON, UTF-8. Unknown keys are rejected.", ""]
    for m in models:
        out += [f"## {m.__name__}", "", (m.__doc__ or "").strip(), "", "```json",
                json.dumps(m.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
