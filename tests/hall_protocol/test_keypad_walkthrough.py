"""docs/mqtt.md's walkthrough for a keypad maker, run as written with the Mosquitto
command-line clients (another MQTT implementation than ours), one step after the other,
against the real broker (TLS verified against the hall's CA; client ids bound to their
credentials) and controller: a hardware keypad built from the document alone works."""
from __future__ import annotations

import json
import shlex
import subprocess

import pytest

from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import identities
from hall_protocol import keypad_doc
from tests.support.fixtures import new_request_id


@pytest.fixture
def broker(tmp_path, hall_config):
    """The example hall's broker, with its TLS listener (the keypad's way in)."""
    b = MosquittoBroker(tmp_path / "broker", identities(hall_config), tls=True).start()
    yield b
    b.stop()


def as_run(cmd: str, broker: MosquittoBroker) -> list[str]:
    cmd = (cmd.replace(f"-h {keypad_doc.HOST}", "-h 127.0.0.1").replace(f"-p {keypad_doc.PORT}", f"-p {broker.tls_port}")
           .replace(f"--cafile {keypad_doc.CA}", f"--cafile {broker.ca_file}"))
    return shlex.split(cmd.replace(keypad_doc.PASSWORD, broker.passwords[keypad_doc.DEVICE]))


def run(cmd: str, broker: MosquittoBroker) -> str:
    done = subprocess.run(as_run(cmd, broker), capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, (cmd, done.stderr)
    return done.stdout


def test_the_walkthrough_calls_and_recalls_as_documented(controller, broker, device):
    kiosk = device("kiosk-01")
    kiosk.request("hall/demo-hall/request/ticket/kiosk-01", {"service": "A", "request_id": new_request_id()})
    (_, presence), (_, call), (_, recall), (_, board) = keypad_doc.STEPS
    run(presence, broker)
    answers = [json.loads(run(call, broker)), json.loads(run(recall, broker))]
    assert [a["status"] for a in answers] == ["ok", "ok"], answers
    assert answers[0]["data"]["ticket"]["number"] == "A001"
    assert answers[1]["data"]["ticket"]["recalls"] == 1
    assert json.loads(run(board, broker))["current"][0]["ticket"] == "A001"


def test_the_keypads_credentials_work_under_its_own_client_id_only(broker):
    (_, presence), *_ = keypad_doc.STEPS
    other = as_run(presence, broker)
    other[other.index("-i") + 1] = "caller-w1-replies"
    done = subprocess.run(other, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "Not authorized" in done.stderr
