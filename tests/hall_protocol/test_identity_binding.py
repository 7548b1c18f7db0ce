"""A hostile device cannot take over another identity's connection: the broker (Mosquitto's
dynamic security plugin, as provisioned) binds each identity's client id to its credentials.

What the product wants, and what is left: a device's own credentials still take over its own
client id. MQTT gives a new connection with a connected client id the session (the broker closes
the old connection); a device that lost power must be able to come back while the
broker still holds its half-open connection, so the hall keeps that. The only takeover left
is therefore an impostor holding that very device's password: rotate it
(`hall-provision broker --rotate ID`), which applies at once and disconnects the impostor."""
from __future__ import annotations

import threading

import paho.mqtt.client as paho
import pytest

from hall_protocol import contract
from hall_protocol.mqtt import Endpoint, MqttError
from tests.support.fixtures import new_request_id


class Raw:
    """A bare MQTT 5 client (no reconnect) that reports CONNACK and DISCONNECT reason codes."""

    def __init__(self, port: int, client_id: str, user: str, password: str) -> None:
        self.c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        self.c.username_pw_set(user, password)
        self.connack: int | None = None
        self.disconnect: int | None = None
        self.done, self.gone = threading.Event(), threading.Event()
        self.c.on_connect = lambda c, u, f, rc, p: (setattr(self, "connack", rc.value), self.done.set())
        self.c.on_disconnect = lambda c, u, f, rc, p: (setattr(self, "disconnect", rc.value), self.gone.set())
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()
        assert self.done.wait(10), "no CONNACK"

    def close(self) -> None:
        self.c.disconnect()
        self.c.loop_stop()


def test_a_kiosks_password_cannot_log_in_as_the_controller(controller, broker, device):
    kiosk = device("kiosk-01")
    assert controller.endpoint.connected.is_set()
    impostor = Endpoint("hall-controller", "127.0.0.1", broker.port, username="kiosk-01",
                        password=broker.passwords["kiosk-01"])
    with pytest.raises(MqttError, match="Not authorized"):
        impostor.start(timeout=3)
    raw = Raw(broker.port, "hall-controller", "kiosk-01", broker.passwords["kiosk-01"])
    raw.close()
    assert raw.connack == 0x87                                     # CONNACK: Not authorized
    # the controller was never disconnected, and answers as before
    assert controller.endpoint.connected.is_set()
    answer = kiosk.request(contract.TICKET_REQUEST.format(hall="demo-hall", client="kiosk-01"),
                           {"service": "A", "request_id": new_request_id()})
    assert answer["status"] == "ok"
    # nor may any identity use another's client id: a screen as the kiosk
    raw = Raw(broker.port, "kiosk-01", "screen-main", broker.passwords["screen-main"])
    raw.close()
    assert raw.connack == 0x87 and kiosk.connected.is_set()


def test_only_the_devices_own_credentials_take_over_its_client_id(broker):
    first = Raw(broker.port, "kiosk-01", "kiosk-01", broker.passwords["kiosk-01"])
    assert first.connack == 0
    # another device's credentials under kiosk-01's client id: refused, the kiosk stays
    other = Raw(broker.port, "kiosk-01", "caller-w1", broker.passwords["caller-w1"])
    other.close()
    assert other.connack == 0x87 and not first.gone.wait(0.5)
    # the kiosk itself coming back (after a power cut, say) takes its session over
    again = Raw(broker.port, "kiosk-01", "kiosk-01", broker.passwords["kiosk-01"])
    try:
        assert again.connack == 0
        assert first.gone.wait(5)          # Mosquitto 2.0.11 closes the old connection
    finally:
        again.close()
        first.close()
