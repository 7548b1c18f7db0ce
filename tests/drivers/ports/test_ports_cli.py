"""`kioskctl ports` finds a real pty (through a /dev symlink like udev's by-id names) and
the virtual PC/SC readers of a running pcscd."""
import json
import subprocess
import sys

import pytest

from tests.drivers.smartcard.conftest import *  # noqa: F401,F403  (the pcscd fixture)


def run_kioskctl(*args):
    return subprocess.run([sys.executable, "-m", "drivers.cli", *args], capture_output=True, text=True, timeout=60)


def test_ports_json_lists_the_pcsc_readers_and_the_serial_ports(pcscd):
    """Serial ports come from the kernel (sysfs); a pty has no sysfs entry, so the test
    compares with what pyserial sees here rather than inventing a port."""
    from serial.tools import list_ports
    out = run_kioskctl("ports", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert any(r["url"] == "pcsc://Virtual PCD 00 00" for r in data["pcsc"])
    assert sorted(p["device"] for p in data["serial"]) == sorted(
        p.device for p in list_ports.comports(include_links=True))
    assert all(p["url"] == f"serial://{p['device']}" for p in data["serial"])
    text = run_kioskctl("ports")
    assert "PC/SC readers:" in text.stdout and "Virtual PCD 00 00" in text.stdout
