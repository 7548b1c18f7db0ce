"""A production broker: the example hall provisioned by `hall-provision broker`, and Mosquitto
started on the mosquitto.conf it wrote (plain text on 127.0.0.1, TLS on every interface)."""
from __future__ import annotations

import getpass
import os
import socket
import subprocess
from pathlib import Path

import pytest

from devkit.broker import free_port
from hall_controller.tools.provision_cli import main
from tests.hall_controller.features.test_displays import wait_for
from tests.support.fixtures import EXAMPLE_HALL

USER = "root" if os.geteuid() == 0 else getpass.getuser()


def provision(out: Path, port: int, config: Path = EXAMPLE_HALL, *extra: str) -> int:
    return main(["broker", "--config", str(config), "--out", str(out), "--port", str(port), "--user", USER,
                 *extra])


def run_mosquitto(out: Path, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")
    proc = subprocess.Popen(["mosquitto", "-c", str(out / "mosquitto.conf")], stdout=log, stderr=log)
    log.close()

    def listening() -> bool:
        assert proc.poll() is None, log_path.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False
    assert wait_for(listening)
    return proc


@pytest.fixture
def production_broker(tmp_path):
    """Provision the example hall (TLS bound to 127.0.0.1: these tests need no other
    interface), then run Mosquitto on the generated configuration."""
    out, port = tmp_path / "broker", free_port()
    assert provision(out, port, EXAMPLE_HALL, "--bind", "127.0.0.1", "--tls-port", str(free_port())) == 0
    proc = run_mosquitto(out, port, tmp_path / "mosquitto.log")
    yield out, port, proc
    proc.terminate()
    proc.wait(10)
