"""The walkthrough in docs/mqtt.md for a maker of hardware caller keypads (or any other
client): every step with the Mosquitto command-line clients, which are another MQTT
implementation than ours. `tests/hall_protocol/test_keypad_walkthrough.py` runs exactly
these commands against a real broker and controller, so the document cannot drift."""
from __future__ import annotations

HOST, PORT, HALL, DEVICE, PASSWORD = "BROKER", "1883", "demo-hall", "caller-w1", "PASSWORD"

# Each step: (what it does, the shell command). Placeholders: BROKER, 1883, PASSWORD.
STEPS = [
    ("Listen for the answers to this device (keep it running). Every answer is a `Response`.",
     f"mosquitto_sub -V mqttv5 -h {HOST} -p {PORT} -i {DEVICE}-replies -u {DEVICE} -P {PASSWORD} "
     f"-t 'reply/{DEVICE}/#' -F '%t %p'"),
    ("Announce the keypad (retained). Set the same payload with state \"offline\" as the last will "
     "of the keypad's own connection.",
     f"mosquitto_pub -V mqttv5 -h {HOST} -p {PORT} -i {DEVICE} -u {DEVICE} -P {PASSWORD} "
     f"-t 'presence/{DEVICE}' -r -q 1 -m '{{\"state\": \"online\", \"role\": \"caller\"}}'"),
    ("Call the next citizen to window 1: a `WindowCommand` with a Response Topic under "
     "`reply/<device id>/`, Correlation Data of your choice and a `request_id` new for each key press "
     "(send the same one again when no answer came: the controller applies it once).",
     f"mosquitto_pub -V mqttv5 -h {HOST} -p {PORT} -i {DEVICE} -u {DEVICE} -P {PASSWORD} -q 1 "
     f"-t 'hall/{HALL}/request/window/{DEVICE}' "
     f"-D publish response-topic 'reply/{DEVICE}/k1' -D publish correlation-data 'k1-0001' "
     "-m '{\"window\": 1, \"action\": \"call_next\", \"request_id\": \"k1-0001-call\"}'"),
    ("Recall the same citizen (the answer's `data.ticket.recalls` counts).",
     f"mosquitto_pub -V mqttv5 -h {HOST} -p {PORT} -i {DEVICE} -u {DEVICE} -P {PASSWORD} -q 1 "
     f"-t 'hall/{HALL}/request/window/{DEVICE}' "
     f"-D publish response-topic 'reply/{DEVICE}/k1' -D publish correlation-data 'k1-0002' "
     "-m '{\"window\": 1, \"action\": \"recall\", \"request_id\": \"k1-0002-recall\"}'"),
    ("Show what the screens show: the retained board of the hall.",
     f"mosquitto_sub -V mqttv5 -h {HOST} -p {PORT} -i {DEVICE}-board -u {DEVICE} -P {PASSWORD} "
     f"-t 'hall/{HALL}/state/board' -C 1"),
]


def render() -> list[str]:
    out = ["# For a keypad maker: one call, step by step", "",
           "A hardware caller keypad is an MQTT 5 client whose client id is its device id "
           f"(here `{DEVICE}`, provisioned for window 1 of `{HALL}`), logging in with that id and "
           "the password from provisioning. It may publish only its own request topic and presence, "
           "and read only its replies, the hall's state and presence. The steps below use the "
           "Mosquitto command-line clients; a keypad's firmware sends the same packets. Answers "
           "carry the request's Correlation Data back; match on it.", ""]
    for n, (what, cmd) in enumerate(STEPS, 1):
        out += [f"{n}. {what}", "", "   ```sh", f"   {cmd}", "   ```", ""]
    out += ["An error answer looks like `{\"status\": \"error\", \"code\": \"conflict\", \"error\": "
            "\"window 1 has no current ticket\", ...}`: show `error` to the clerk. A command for "
            "another window is refused with `forbidden`; a publish outside the keypad's topics is "
            "dropped by the broker (no answer comes).", ""]
    return out
