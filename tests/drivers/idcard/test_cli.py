"""kioskctl idcard as a subprocess against the emulator process on a pty."""
from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from drivers.idcard.synthetic import generate_card
from tests.drivers.idcard.conftest import ROOT

KIOSKCTL = str(ROOT / ".venv" / "bin" / "kioskctl")
KEYS = {"card_type", "name", "gender", "nation", "birth_date", "address", "id_number", "issuer",
        "valid_from", "valid_to"}


def kioskctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSKCTL, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)


def control(port: int, request: dict) -> dict:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((json.dumps(request) + "\n").encode())
        return json.loads(sock.makefile().readline())


@pytest.mark.parametrize("card_type", ["resident", "permit_hmt", "foreigner_2017", "foreigner_2023"])
def test_read_json_masked(emulator_process, card_type):
    info = emulator_process("--card", card_type)
    result = kioskctl("idcard", "read", "--url", f"serial://{info['pty']}", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = generate_card(card_type, 0).card
    assert KEYS <= set(data)
    assert data["card_type"] == card_type and data["name"] == expected.name
    assert data["photo_source"] == "emulator_reference"      # found on disk, across processes
    assert data["birth_date"] == expected.birth_date.isoformat()
    assert data["id_number"] == expected.id_number[:6] + "*" * (len(expected.id_number) - 10) + \
        expected.id_number[-4:]
    assert expected.id_number not in result.stdout


def test_read_unmasked_and_text(emulator_process):
    info = emulator_process("--card", "resident", "--seed", "3")
    expected = generate_card("resident", 3).card
    result = kioskctl("idcard", "read", "--url", f"serial://{info['pty']}", "--json", "--unmasked")
    assert json.loads(result.stdout)["id_number"] == expected.id_number
    text = kioskctl("idcard", "read", "--url", f"serial://{info['pty']}")
    assert text.returncode == 0 and "card_type: resident" in text.stdout


def test_sam_and_control_port(emulator_process, tmp_path: Path):
    info = emulator_process("--control-port", "0", "--link", str(tmp_path / "tty"))
    url = f"serial://{tmp_path / 'tty'}"
    result = kioskctl("idcard", "sam", "--url", url, "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["sam_id"].startswith("05.01-")
    empty = kioskctl("idcard", "read", "--url", url)
    assert empty.returncode != 0 and len(empty.stderr.strip().splitlines()) == 1
    assert control(info["control_port"], {"op": "place", "card": "foreigner_2023"})["card"] == "foreigner_2023"
    assert json.loads(kioskctl("idcard", "read", "--url", url, "--json").stdout)["card_type"] == "foreigner_2023"
    control(info["control_port"], {"op": "inject", "fault": "sam_failure"})
    failed = kioskctl("idcard", "sam", "--url", url)
    assert failed.returncode != 0 and "self-test" in failed.stderr
    control(info["control_port"], {"op": "clear"})
    control(info["control_port"], {"op": "unplug"})
    gone = kioskctl("idcard", "sam", "--url", url)
    assert gone.returncode != 0 and len(gone.stderr.strip().splitlines()) == 1
    control(info["control_port"], {"op": "replug"})
    assert kioskctl("idcard", "sam", "--url", url).returncode == 0


@pytest.mark.parametrize("url", ["serial:///dev/does-not-exist", "nonsense", "sim://printer",
                                 "sim://idcard?card=nocard", "tcp://127.0.0.1:1"])
def test_bad_urls_give_one_line_and_non_zero(url):
    result = kioskctl("idcard", "read", "--url", url)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_garbage_device_gives_one_line(emulator_process):
    info = emulator_process("--card", "resident", "--fault", "garbled")
    result = kioskctl("idcard", "read", "--url", f"serial://{info['pty']}", "--timeout", "0.3")
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1


def test_sim_url(tmp_path):
    result = kioskctl("idcard", "read", "--url", "sim://idcard?card=permit_hmt", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["card_type"] == "permit_hmt"


def test_emulator_process_rejects_unknown_card(emulator_process):
    with pytest.raises(AssertionError):
        emulator_process("--card", "passport")
