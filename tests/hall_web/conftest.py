"""The public web service on real parts, one stack per test module: a private Mosquitto with
real identities, the reference platform (a process: SMS codes are read from what it "sent"),
a hall controller on SQLite with the example hall (remote tickets that join the queue at
check-in), `python -m hall_web` as its own process, the ESC/POS emulator, and one Debian
Chromium driven by Playwright."""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import HallSuiteConfig, load_config
from config.schema import RemoteConfig
from devkit.broker import MosquittoBroker, free_port
from devkit.city import hall as city_hall
from hall_controller.tools.provision import identities
from reference_backend.process import ServerProcess
from tests.support.backend import backend_hall, start_controller
from tests.support.fixtures import EXAMPLE_HALL

ROOT = Path(__file__).resolve().parents[2]
HALL = "demo-hall"


class Stack:
    def __init__(self, tmp: Path) -> None:
        base = load_config(EXAMPLE_HALL, HallSuiteConfig)
        # the example hall is the city's centre; a town centre and a village station beside it
        base = base.model_copy(update={"halls": [*base.halls, city_hall("town-01", "第1镇便民服务中心", 3, 1),
                                                 city_hall("village-001", "第1村便民服务站", 1, 1, services=2)]})
        self.broker = MosquittoBroker(tmp / "broker", identities(base)).start()
        self.platform = ServerProcess(state_dir=tmp / "platform", extra_args=("--sms-resend-s", "0")).start()
        self.web_port = free_port()
        self.url = f"http://127.0.0.1:{self.web_port}"
        hall = base.halls[0].model_copy(update={
            "remote": RemoteConfig(quota={"A": 30, "B": 20, "C": 10}, per_phone_daily=2, check_in="required"),
            "ticket_url": self.url + "/t/{hall}/{token}"})
        config = base.model_copy(update={
            "halls": [hall, *base.halls[1:]], "broker": base.broker.model_copy(update={"port": self.broker.port}),
            "database": base.database.model_copy(update={"url": f"sqlite:///{tmp}/hall.db"})})
        self.config = backend_hall(config, self.platform)
        self.controller = start_controller(self.config, self.broker)
        self.tmp = tmp
        web_toml = tmp / "web.toml"
        web_toml.write_text(
            f'id = "web-01"\nlisten_port = {self.web_port}\npublic_url = "{self.url}"\n'
            f'city_name = "示范区政务服务"\ncity_name_en = "Demo District Government Services"\n'
            f'codes_per_phone_per_hour = 3\npage_loads_per_min = 600\n'
            f'[broker]\nport = {self.broker.port}\n[[halls]]\nid = "{HALL}"\nlevel = "centre"\n'
            f'[[halls]]\nid = "town-01"\nlevel = "town"\nparent = "{HALL}"\n'
            f'[[halls]]\nid = "village-001"\nlevel = "village"\nparent = "town-01"\n', "utf-8")
        self.web_toml = web_toml
        self.log = tmp / "web.log"
        self.start_web()

    def start_web(self) -> None:
        """`python -m hall_web` (the hall-web entry point) as its own process; waits for its ready line."""
        tmp = self.tmp
        self.web = subprocess.Popen([sys.executable, "-m", "hall_web", "--config", str(self.web_toml)], cwd=ROOT,
                                    env={**os.environ, "HALL_MQTT_PASSWORD": self.broker.passwords["web-01"]},
                                    stdout=subprocess.PIPE, stderr=open(tmp / "web.log", "ab"))
        deadline, out = time.monotonic() + 30, b""
        while b"\n" not in out:  # its ready line (read without blocking: a half line never hangs the tests)
            if self.web.poll() is not None:
                raise RuntimeError(f"hall-web exited: {(tmp / 'web.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("hall-web did not start within 30 s")
            if select.select([self.web.stdout], [], [], 0.2)[0]:
                out += os.read(self.web.stdout.fileno(), 4096)
        assert json.loads(out.split(b"\n")[0])["url"] == self.url

    def stop_web(self) -> None:
        self.web.terminate()
        try:
            self.web.wait(10)
        except subprocess.TimeoutExpired:
            self.web.kill()
            self.web.wait(10)

    def stop(self) -> None:
        self.stop_web()
        self.controller.stop()
        self.platform.stop()
        self.broker.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("web"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield b
        b.close()


def phone_page(browser, width: int = 360, height: int = 780):
    """A phone: small, touch, a vibration motor whose calls the test can read."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="zh-CN")
    ctx.add_init_script("window.__vibrations = []; navigator.vibrate = function (p) { "
                        "window.__vibrations.push(p); return true; };")
    return ctx, ctx.new_page()


def shots_dir() -> Path | None:
    """HALL_WEB_SCREENS=docs/screens writes the README's screenshots."""
    d = os.environ.get("HALL_WEB_SCREENS")
    return Path(d) if d else None
