"""A real reference server in a subprocess (port 0, its own state dir) per test module."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from hall_controller.backend.signing import HmacAuth
from reference_backend.process import ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(state_dir=tmp_path_factory.mktemp("backend-state")) as srv:
        yield srv


@pytest.fixture()
def signed(server: ServerProcess) -> Iterator[requests.Session]:
    """A plain requests session that signs like the client (to probe the server directly)."""
    server.clear_faults()
    with requests.Session() as s:
        s.auth = HmacAuth(server.app_key, server.app_secret, time.time)
        yield s
