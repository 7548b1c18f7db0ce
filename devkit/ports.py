"""Ports for the servers the demo and the tests start (broker, CUPS, web service)."""
from __future__ import annotations

import random
import socket

_given: set[int] = set()
_PORTS = range(20000, 32000)   # below Linux's ephemeral range (32768-60999): no client socket or bind(0) takes them


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on, for a server started next: never one this process gave
    before, and outside the range the kernel hands to outgoing connections and to bind(0), so
    that between this choice and the server's bind no other socket takes it."""
    for _ in range(200):
        port = random.choice(_PORTS)
        if port in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise RuntimeError(f"no free port on {host} in {_PORTS.start}-{_PORTS.stop - 1}")
