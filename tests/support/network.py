"""An address of this machine that is not loopback: what another host of the hall network
would connect to. The machine's own (eth0) when it has one; otherwise a dummy interface
with a test address, made for the session and removed after it (root only)."""
from __future__ import annotations

import contextlib
import ipaddress
import json
import subprocess

DUMMY, DUMMY_ADDRESS = "hallnet0", "198.18.0.1"  # 198.18.0.0/15: reserved for network tests (RFC 2544)


def own_addresses() -> list[str]:
    out = subprocess.run(["ip", "-j", "-4", "addr"], capture_output=True, text=True, check=True).stdout
    return [a["local"] for link in json.loads(out) for a in link.get("addr_info", [])
            if not ipaddress.ip_address(a["local"]).is_loopback]


@contextlib.contextmanager
def non_loopback_address():
    found = own_addresses()
    if found:
        yield found[0]
        return
    subprocess.run(["ip", "link", "add", DUMMY, "type", "dummy"], check=True)
    try:
        subprocess.run(["ip", "addr", "add", f"{DUMMY_ADDRESS}/32", "dev", DUMMY], check=True)
        subprocess.run(["ip", "link", "set", DUMMY, "up"], check=True)
        yield DUMMY_ADDRESS
    finally:
        subprocess.run(["ip", "link", "del", DUMMY], check=False)
