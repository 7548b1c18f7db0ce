"""docs/mqtt.md's walkthrough for a keypad maker, run as written with the Mosquitto
command-line clients (another MQTT implementation than ours) against the real broker and
controller: a hardware keypad built from the document alone works."""
from __future__ import annotations

import json
import shlex
import subprocess

from hall_protocol import keypad_doc
from tests.support.fixtures import new_request_id


def as_run(cmd: str, port: int, password: str) -> list[str]:
    cmd = cmd.replace(f"-h {keypad_doc.HOST}", "-h 127.0.0.1").replace(f"-p {keypad_doc.PORT}", f"-p {port}")
    return shlex.split(cmd.replace(keypad_doc.PASSWORD, password))


def test_the_walkthrough_calls_and_recalls_as_documented(controller, broker, device):
    kiosk = device("kiosk-01")
    kiosk.request("hall/demo-hall/request/ticket/kiosk-01", {"service": "A", "request_id": new_request_id()})
    pw = broker.passwords[keypad_doc.DEVICE]
    (_, listen), (_, presence), (_, call), (_, recall), (_, board) = keypad_doc.STEPS
    # -d: mosquitto_sub prints its protocol steps, so the test knows when the SUBACK came
    # (stdbuf: line by line, a pipe would otherwise hold them back until it exits)
    replies = subprocess.Popen(["stdbuf", "-oL", *as_run(listen, broker.port, pw), "-C", "2", "-W", "20", "-d"],
                               stdout=subprocess.PIPE, text=True)
    try:
        for line in replies.stdout:
            if "SUBACK" in line:
                break
        subprocess.run(as_run(presence, broker.port, pw), check=True, timeout=10)
        subprocess.run(as_run(call, broker.port, pw), check=True, timeout=10)
        subprocess.run(as_run(recall, broker.port, pw), check=True, timeout=10)
        out, _ = replies.communicate(timeout=30)
    finally:
        replies.kill()
    answers = [json.loads(line.split(" ", 1)[1]) for line in out.splitlines() if line.startswith("reply/")]
    assert [a["status"] for a in answers] == ["ok", "ok"], answers
    assert answers[0]["data"]["ticket"]["number"] == "A001"
    assert answers[1]["data"]["ticket"]["recalls"] == 1
    shown = subprocess.run(as_run(board, broker.port, pw) + ["-W", "10"], capture_output=True, text=True,
                           timeout=20, check=True).stdout
    assert json.loads(shown)["current"][0]["ticket"] == "A001"
