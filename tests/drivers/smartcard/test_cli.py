"""kioskctl smartcard, run as a subprocess against a virtual card in the real pcscd."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KIOSKCTL = str(Path(sys.executable).with_name("kioskctl"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSKCTL, "smartcard", *args], capture_output=True, text=True, timeout=60)


def test_readers(pcscd):
    out = run("readers", "--json")
    assert out.returncode == 0 and "Virtual PCD 00 00" in json.loads(out.stdout)["readers"]


def test_read_is_masked(reader, card):
    card("social")
    out = run("read", "--url", reader.url, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["card_number"] == "A00000001" and data["name"] == "王**"
    assert "11010519491231002X" not in out.stdout


def test_read_pin_required(reader, card):
    card("social-pin")
    out = run("read", "--url", reader.url)
    assert out.returncode == 1 and "PIN required" in out.stdout and "A00000001" in out.stdout


def test_uid(reader, card):
    card("idcard")
    out = run("uid", "--url", reader.url)
    assert out.returncode == 0 and out.stdout.strip() == "3203A5F1C0E1A00B"


def test_no_card_is_one_line(reader):
    out = run("uid", "--url", reader.url, "--timeout", "0.5")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "citizen" in out.stderr


def test_emulator_as_a_process(reader):
    proc = subprocess.Popen([sys.executable, "-m", "drivers.smartcard.emulator", "--profile", "contactless"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert "inserted" in proc.stdout.readline()
        reader.wait_for_card(timeout=15)
        assert reader.uid() == bytes.fromhex("04A1B2C3D4E580")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    reader.wait_for_removal(timeout=15)
