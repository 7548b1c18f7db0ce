"""The endpoint over TLS against the real broker's TLS listener (devkit, with a CA and a
broker certificate made by hall-provision's code): the hall's CA and the right host name
connect; another CA, or a name the certificate does not carry, are refused before any
password is sent. Never insecure."""
from __future__ import annotations

import pytest

from devkit.broker import MosquittoBroker
from hall_controller.tools import tls as certs
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint, MqttError, Tls


@pytest.fixture
def tls_broker(tmp_path, hall_config):
    """TLS on 127.0.0.1, a certificate for the name "localhost" only."""
    b = MosquittoBroker(tmp_path / "broker", identities(hall_config), tls=True, tls_names=["localhost"]).start()
    yield b
    b.stop()


def kiosk(broker: MosquittoBroker, host: str, tls: Tls | None) -> Endpoint:
    return Endpoint("kiosk-01", host, broker.tls_port, username="kiosk-01", password=broker.passwords["kiosk-01"],
                    tls=tls)


def test_the_halls_ca_and_the_right_host_name_connect(tls_broker):
    ep = kiosk(tls_broker, "localhost", Tls(str(tls_broker.ca_file)))
    assert ep._writes is None   # over TLS only the network thread writes (an SSL socket is one thread's)
    ep.start(timeout=10)
    try:
        info = ep.publish(contract.DEVICE_HEALTH.format(hall="demo-hall", client="kiosk-01"), b"")
        info.wait_for_publish(5)
        assert info.is_published()
    finally:
        ep.stop()


def test_a_name_the_certificate_does_not_carry_is_refused(tls_broker):
    ep = kiosk(tls_broker, "127.0.0.1", Tls(str(tls_broker.ca_file)))   # the same broker, not its name
    with pytest.raises(MqttError, match="TLS: .*(mismatch|doesn't match|not valid for)"):
        ep.start(timeout=3)


def test_another_ca_is_refused(tls_broker, tmp_path):
    other = certs.ensure_ca(tmp_path / "elsewhere", "someone else")
    ep = kiosk(tls_broker, "localhost", Tls(str(other.cert)))
    with pytest.raises(MqttError, match="TLS: .*certificate verify failed"):
        ep.start(timeout=3)


def test_plain_text_to_the_tls_port_gets_no_session(tls_broker):
    ep = kiosk(tls_broker, "127.0.0.1", None)
    with pytest.raises(MqttError, match="did not accept kiosk-01"):
        ep.start(timeout=3)


def test_tls_settings_that_cannot_work_are_refused_clearly(tmp_path):
    assert Tls.from_paths(None) is None
    with pytest.raises(MqttError, match="needs the hall's CA"):
        Tls.from_paths(None, "a.crt", "a.key")
    with pytest.raises(MqttError, match="both its certificate and its key"):
        Tls.from_paths("ca.crt", "a.crt")
    with pytest.raises(MqttError, match=str(tmp_path / "missing.crt")):
        Endpoint("kiosk-01", "localhost", 8883, tls=Tls(str(tmp_path / "missing.crt")))
