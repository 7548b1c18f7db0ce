"""The hall network sees the broker through TLS only: Mosquitto started on the mosquitto.conf
that `hall-provision broker` wrote listens in plain text on 127.0.0.1 and with TLS on every
interface. Reached at this machine's non-loopback address (what another host of the hall
uses): plain text is refused, TLS with the hall's CA and a name of the certificate works (the
device's own TOML from `hall-provision device`, through BrokerConfig.connection), another
name is refused; with --require-client-cert a device also needs its certificate."""
from __future__ import annotations

import json
import socket

import pytest

from config import KioskConfig, load_config
from devkit.broker import free_port
from hall_controller.tools.provision_cli import main
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint, MqttError, Tls
from tests.hall_controller.tools.conftest import provision, run_mosquitto
from tests.support.fixtures import EXAMPLE_HALL
from tests.support.network import non_loopback_address


@pytest.fixture(scope="module")
def lan_address():
    with non_loopback_address() as address:
        yield address


@pytest.fixture
def hall_broker(tmp_path, lan_address):
    out, port, tls_port = tmp_path / "broker", free_port(), free_port()
    assert provision(out, port, EXAMPLE_HALL, "--tls-port", str(tls_port), "--tls-name", lan_address,
                     "--tls-name", "localhost") == 0
    proc = run_mosquitto(out, port, tmp_path / "mosquitto.log")
    yield out, port, tls_port
    proc.terminate()
    proc.wait(10)


def password(out, cid: str) -> str:
    return json.loads((out / "credentials.json").read_text())[cid]["password"]


def test_plain_text_from_the_hall_network_is_refused(hall_broker, lan_address):
    out, port, tls_port = hall_broker
    with pytest.raises(ConnectionRefusedError):      # the plain-text listener is on 127.0.0.1 only
        socket.create_connection((lan_address, port), timeout=3).close()
    plain = Endpoint("kiosk-01", lan_address, tls_port, username="kiosk-01", password=password(out, "kiosk-01"))
    with pytest.raises(MqttError, match="did not accept kiosk-01"):   # MQTT without TLS on the TLS port
        plain.start(timeout=3)
    local = Endpoint("kiosk-01", "127.0.0.1", port, username="kiosk-01", password=password(out, "kiosk-01"))
    local.start(timeout=10)                             # on the broker's own machine plain text works
    local.stop()


def test_a_device_provisioned_for_the_hall_network_connects_with_tls(hall_broker, lan_address, tmp_path, capsys):
    out, port, tls_port = hall_broker
    toml = tmp_path / "kiosk" / "kiosk-01.toml"
    assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(out / "credentials.json"),
                 "--id", "kiosk-01", "--out", str(toml), "--broker", f"{lan_address}:{tls_port}"]) == 0
    broker = load_config(toml, KioskConfig).broker
    assert broker.tls and broker.port == tls_port
    ep = Endpoint.over("kiosk-01", broker.connection("kiosk-01", password(out, "kiosk-01")))
    ep.start(timeout=10)
    try:
        info = ep.publish(contract.DEVICE_HEALTH.format(hall="demo-hall", client="kiosk-01"), b"")
        info.wait_for_publish(5)
        assert info.is_published()
    finally:
        ep.stop()
    # the technician's check over the same way in: every device's rules hold through TLS
    capsys.readouterr()
    assert main(["check", "--config", str(EXAMPLE_HALL), "--credentials", str(out / "credentials.json"),
                 "--broker", f"{lan_address}:{tls_port}", "--json"]) == 0
    assert all(r["ok"] for r in json.loads(capsys.readouterr().out))
    # the same broker under a name its certificate does not carry: refused
    wrong = Endpoint("kiosk-01", "127.0.0.1", tls_port, username="kiosk-01", password=password(out, "kiosk-01"),
                     tls=Tls(str(out / "ca.crt")))
    with pytest.raises(MqttError, match="TLS: .*(mismatch|doesn't match|not valid for)"):
        wrong.start(timeout=3)


def test_a_broker_that_requires_client_certificates(tmp_path, capsys):
    out, port, tls_port = tmp_path / "broker", free_port(), free_port()
    assert provision(out, port, EXAMPLE_HALL, "--tls-port", str(tls_port), "--bind", "127.0.0.1",
                     "--tls-name", "localhost", "--require-client-cert") == 0
    assert "require_certificate true" in (out / "mosquitto.conf").read_text().splitlines()
    proc = run_mosquitto(out, port, tmp_path / "mosquitto.log")
    try:
        without = Endpoint("screen-main", "localhost", tls_port, username="screen-main",
                           password=password(out, "screen-main"), tls=Tls(str(out / "ca.crt")))
        with pytest.raises(MqttError, match="did not accept screen-main"):
            without.start(timeout=3)
        env = tmp_path / "screen" / "screen-main.env"
        assert main(["device", "--config", str(EXAMPLE_HALL), "--credentials", str(out / "credentials.json"),
                     "--id", "screen-main", "--out", str(env), "--broker", f"localhost:{tls_port}",
                     "--tls", "--client-cert"]) == 0
        assert "--tls-cert" in capsys.readouterr().out
        folder = env.parent.resolve()
        tls = Tls(str(folder / "hall-ca.crt"), str(folder / "screen-main.crt"), str(folder / "screen-main.key"))
        ep = Endpoint("screen-main", "localhost", tls_port, username="screen-main",
                      password=password(out, "screen-main"), tls=tls)
        ep.start(timeout=10)
        ep.stop()
    finally:
        proc.terminate()
        proc.wait(10)


def test_missing_tls_files_are_a_clear_configuration_error(tmp_path, capsys):
    from hall_controller.__main__ import main as controller_main
    missing = tmp_path / "nowhere" / "hall-ca.crt"
    toml = tmp_path / "hall.toml"
    toml.write_text(EXAMPLE_HALL.read_text(encoding="utf-8").replace(
        "[broker]", f'[broker]\ntls = true\nca_file = "{missing}"').replace(
        "sqlite:///hall-state/hall.db", f"sqlite:///{tmp_path}/hall.db"), encoding="utf-8")
    assert controller_main(["--config", str(toml)]) == 78
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err
