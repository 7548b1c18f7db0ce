"""The walkthrough in docs/mqtt.md for a maker of hardware caller keypads (or any other
client): every step with the Mosquitto command-line clients, which are another MQTT
implementation than ours. `tests/hall_protocol/test_keypad_walkthrough.py` runs exactly
these commands, one after the other, against a real broker (TLS, client ids bound to their
credentials) and controller, so the document cannot drift."""
from __future__ import annotations

HOST, PORT, CA, HALL, DEVICE, PASSWORD = "BROKER", "8883", "hall-ca.crt", "demo-hall", "caller-w1", "PASSWORD"

# Every step connects as the keypad itself: TLS verified against the hall's CA (and the
# broker's host name), its device id as client id AND user name (the broker accepts those
# credentials with that client id only). Placeholders: BROKER, 8883, hall-ca.crt, PASSWORD.
LOGIN = f"-V mqttv5 -h {HOST} -p {PORT} --cafile {CA} -i {DEVICE} -u {DEVICE} -P {PASSWORD}"

# Each step: (what it does, the shell command).
STEPS = [
    ("Announce the keypad (retained). Set the same payload with state \"offline\" as the last will "
     "of the keypad's own connection.",
     f"mosquitto_pub {LOGIN} -t 'presence/{DEVICE}' -r -q 1 -m '{{\"state\": \"online\", \"role\": \"caller\"}}'"),
    ("Call the next citizen to window 1: a `WindowCommand` with a Response Topic under "
     "`reply/<device id>/` (`-e`: `mosquitto_rr` subscribes there first, then publishes the request "
     "with it), Correlation Data of your choice and a `request_id` new for each key press (send the same "
     "one again when no answer came: the controller applies it once). It prints the `Response`.",
     f"mosquitto_rr {LOGIN} -q 1 -t 'hall/{HALL}/request/window/{DEVICE}' -e 'reply/{DEVICE}/k1' "
     "-D publish correlation-data 'k1-0001' -W 10 -m '{\"window\": 1, \"action\": \"call_next\", \"request_id\": \"k1-0001-call\"}'"),
    ("Recall the same citizen (the answer's `data.ticket.recalls` counts).",
     f"mosquitto_rr {LOGIN} -q 1 -t 'hall/{HALL}/request/window/{DEVICE}' -e 'reply/{DEVICE}/k1' "
     "-D publish correlation-data 'k1-0002' -W 10 -m '{\"window\": 1, \"action\": \"recall\", \"request_id\": \"k1-0002-recall\"}'"),
    ("Show what the screens show: the retained board of the hall.",
     f"mosquitto_sub {LOGIN} -t 'hall/{HALL}/state/board' -C 1 -W 10"),
]


def render() -> list[str]:
    out = ["# For a keypad maker: one call, step by step", "",
           "A hardware caller keypad is an MQTT 5 client whose client id is its device id "
           f"(here `{DEVICE}`, provisioned for window 1 of `{HALL}`), logging in with that id as user "
           "name and the password from provisioning; the broker refuses those credentials under any "
           "other client id, so the keypad keeps ONE connection (one client id) for everything: "
           "subscribe to its replies, then publish its requests. Across the hall network it speaks "
           f"TLS (port {PORT}), verifying the broker's certificate against the hall's CA "
           f"(`{CA}` from `hall-provision device`) and the broker's host name. It may publish only "
           "its own request topic and presence, and read only its replies, the hall's state and "
           "presence. The steps below use the Mosquitto command-line clients, one after the other "
           "(each is one connection); a keypad's firmware sends the same packets on its one "
           "connection. Answers carry the request's Correlation Data back; match on it.", ""]
    for n, (what, cmd) in enumerate(STEPS, 1):
        out += [f"{n}. {what}", "", "   ```sh", f"   {cmd}", "   ```", ""]
    out += ["An error answer looks like `{\"status\": \"error\", \"code\": \"conflict\", \"error\": "
            "\"window 1 has no current ticket\", ...}`: show `error` to the clerk. A command for "
            "another window is refused with `forbidden`; a publish outside the keypad's topics is "
            "dropped by the broker (no answer comes).", ""]
    return out
