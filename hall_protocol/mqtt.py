"""A small MQTT 5 endpoint over paho: connection with a last will, re-subscription after
every reconnect, and request/response with Response Topic and Correlation Data.

Used by the controller, the kiosk, the screens and the callers alike. Across the hall network
it speaks TLS (`Tls`): the broker's certificate is verified against the hall's CA and its host
name, never skipped; a device may add a client certificate.
"""
from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

import paho.mqtt.client as paho
from paho.mqtt.matcher import MQTTMatcher
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from hall_protocol.errors import MqttError

log = logging.getLogger(__name__)
__all__ = ["Endpoint", "MqttError", "Handler", "Tls", "Connection", "tls_arguments", "tls_from_args"]

Handler = Callable[[paho.MQTTMessage], None]
SUBSCRIBE_CHUNK = 200  # topic filters per SUBSCRIBE packet
ROUTE_CACHE = 50_000   # topics whose handlers are remembered
PACKET_OVERHEAD = 256  # bytes of a PUBLISH packet besides topic and payload (header, properties), at most


@dataclass(frozen=True)
class Tls:
    """TLS to the broker: `ca_file` is the hall's CA (hall-provision's ca.crt); the broker's
    certificate must chain to it and name the host we connect to. `cert_file`/`key_file`: this
    device's own certificate, for a broker that requires one."""
    ca_file: str
    cert_file: str | None = None
    key_file: str | None = None

    @classmethod
    def from_paths(cls, ca_file: str | None, cert_file: str | None = None,
                   key_file: str | None = None) -> "Tls | None":
        """None without a CA file (plain text, for a broker on 127.0.0.1)."""
        if not ca_file:
            if cert_file or key_file:
                raise MqttError("a client certificate needs the hall's CA file as well")
            return None
        if bool(cert_file) != bool(key_file):
            raise MqttError("a client certificate needs both its certificate and its key file")
        return cls(str(ca_file), str(cert_file) if cert_file else None, str(key_file) if key_file else None)

    def context(self) -> ssl.SSLContext:
        """Verifies the chain and the host name (ssl's defaults: CERT_REQUIRED, check_hostname)."""
        try:
            ctx = ssl.create_default_context(cafile=self.ca_file)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            if self.cert_file:
                ctx.load_cert_chain(self.cert_file, self.key_file)
        except (OSError, ssl.SSLError) as err:
            raise MqttError(f"TLS files {self.ca_file}"
                            + (f", {self.cert_file}, {self.key_file}" if self.cert_file else "")
                            + f": {err}") from err
        return ctx


def tls_arguments(ap) -> None:
    """--tls-ca/--tls-cert/--tls-key for an app given --broker on its command line."""
    ap.add_argument("--tls-ca", metavar="FILE", help="the hall's CA certificate: connect with TLS (needed for any "
                                                     "broker not on this machine)")
    ap.add_argument("--tls-cert", metavar="FILE", help="this device's client certificate (with --tls-key)")
    ap.add_argument("--tls-key", metavar="FILE", help="its private key")


def tls_from_args(ap, args) -> Tls | None:
    try:
        return Tls.from_paths(args.tls_ca, args.tls_cert, args.tls_key)
    except MqttError as err:
        ap.error(str(err))


@dataclass(frozen=True)
class Connection:
    """Where and how an endpoint reaches its broker (built from a device's configuration by
    config.schema.BrokerConfig.connection)."""
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    keepalive: int = 30
    tls: Tls | None = None


class Endpoint:
    def __init__(self, client_id: str, host: str, port: int, *, username: str | None = None,
                 password: str | None = None, will: tuple[str, bytes] | None = None,
                 keepalive: int = 30, tls: Tls | None = None) -> None:
        self.client_id = client_id
        self.host, self.port, self.keepalive, self.tls = host, port, keepalive, tls
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        if username is not None:
            self.client.username_pw_set(username, password)
        if tls is not None:
            self.client.tls_set_context(tls.context())
        if will is not None:
            self.client.will_set(will[0], will[1], qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_socket_open = self._on_socket_open
        self._suback_wait: set[int] = set()
        self._subs: dict[str, tuple[int, list[Handler]]] = {}
        self._routes: dict[str, list[Handler]] = {}  # topic -> its handlers; cleared when _subs change
        self._filters = MQTTMatcher()  # the same filters as a tree: a topic is matched level by level
        self._pending: dict[bytes, Future] = {}
        self._ping: bytes | None = None
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.refused: str | None = None
        self.reply_prefix = f"reply/{client_id}"
        self.on_connection_change: Callable[[bool], None] | None = None
        self.max_packet: int | None = None  # the broker's Maximum Packet Size, once connected
        self._writes = self._write_at_once() if tls is None else None

    def _write_at_once(self) -> threading.Lock | None:
        """paho 2 writes only on its network thread: a message published on another thread (the
        controller's request worker: every answer, every board) waited until that thread was woken
        and got the interpreter, 0.5-1.5 ms a message under load (bench/bench_queue.py). Such a
        message is written at once now, on the thread that publishes it; paho's writer is wrapped
        in a lock so that the two threads never write at once, packets leave in the order they
        were queued, and what a full socket does not take is written by the network thread as
        before. Plain sockets only: an SSL socket must not be written on one thread while it is
        read on another. The lock, or None with a paho that does not write this way."""
        writer = getattr(self.client, "_packet_write", None)
        if writer is None or not hasattr(self.client, "_thread"):
            return None
        lock = threading.Lock()

        def write_one_at_a_time():
            with lock:
                return writer()

        self.client._packet_write = write_one_at_a_time
        return lock

    @classmethod
    def over(cls, client_id: str, connection: Connection, *,
             will: tuple[str, bytes] | None = None) -> "Endpoint":
        return cls(client_id, connection.host, connection.port, username=connection.username,
                   password=connection.password, will=will, keepalive=connection.keepalive, tls=connection.tls)

    # -- connection ----------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        self.subscribe(f"{self.reply_prefix}/#", self._on_reply, qos=1)
        try:
            self.client.connect_async(self.host, self.port, self.keepalive, clean_start=True)
        except (OSError, ValueError) as err:
            raise MqttError(f"cannot reach the broker at {self.host}:{self.port}: {err}") from err
        self.client.loop_start()
        if timeout and not self.connected.wait(timeout):
            reason = self.refused or self._tls_problem() or "no answer"
            self.stop()
            raise MqttError(f"broker {self.host}:{self.port} did not accept {self.client_id}: {reason}")

    def stop(self) -> None:
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()
            # paho closes its socket pair only when the client is collected; a process that
            # starts and stops many endpoints (the tests) ran past select()'s 1024 descriptors
            reset = getattr(self.client, "_reset_sockets", None)
            if reset is not None:
                reset()

    def _tls_problem(self) -> str | None:
        """Why a TLS handshake with the broker fails (paho retries quietly and keeps the reason)."""
        if self.tls is None:
            return None
        try:
            with socket.create_connection((self.host, self.port), timeout=3) as raw, \
                    self.tls.context().wrap_socket(raw, server_hostname=self.host):
                return None
        except (OSError, MqttError) as err:
            return f"TLS: {err}"

    @staticmethod
    def _on_socket_open(client, userdata, sock) -> None:
        # Requests, answers and acknowledgements are small packets: with Nagle's algorithm
        # and the peer's delayed ACK each round trip took 40-90 ms instead of under 1 ms.
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):  # not a TCP socket (e.g. a websocket wrapper)
            pass

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.refused = str(reason_code)
            log.warning("broker refused %s: %s", self.client_id, reason_code)
            return
        # The broker's Maximum Packet Size (MQTT 5 CONNACK): a larger packet would make it close
        # the connection, and the unacknowledged message would be sent again after every reconnect.
        self.max_packet = getattr(properties, "MaximumPacketSize", None) if properties else None
        with self._lock:
            subs = list(self._subs.items())
            # "connected" is set only once the broker has acknowledged every subscription,
            # so a request sent right after start() cannot outrun our own subscriptions.
            self._suback_wait = set()
            for i in range(0, len(subs), SUBSCRIBE_CHUNK):
                chunk = [(topic, qos) for topic, (qos, _) in subs[i:i + SUBSCRIBE_CHUNK]]
                self._suback_wait.add(client.subscribe(chunk)[1])
            ready = not self._suback_wait
        if ready:
            self._ready()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        with self._lock:
            if mid not in self._suback_wait:
                return
            self._suback_wait.discard(mid)
            ready = not self._suback_wait
        if ready:
            self._ready()

    def _ready(self) -> None:
        self.connected.set()
        log.info("%s connected to %s:%s", self.client_id, self.host, self.port)
        if self.on_connection_change:
            self.on_connection_change(True)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        log.info("%s disconnected: %s", self.client_id, reason_code)
        if self.on_connection_change:
            self.on_connection_change(False)

    # -- pub/sub -------------------------------------------------------------------------
    def subscribe(self, topic: str, handler: Handler, qos: int = 1) -> None:
        """Call `handler` for every message on `topic`; several handlers may share a topic."""
        with self._lock:
            _, handlers = self._subs.get(topic, (qos, []))
            self._subs[topic] = self._filters[topic] = (qos, [*handlers, handler])
            self._routes.clear()
        if self.connected.is_set():  # again for a shared topic: the broker resends what is retained
            self.client.subscribe(topic, qos=qos)

    def subscribe_many(self, topics: list[str], handler: Handler, qos: int = 1) -> None:
        """`subscribe` for many topics, sent to the broker in a few SUBSCRIBE packets."""
        with self._lock:
            for topic in topics:
                _, handlers = self._subs.get(topic, (qos, []))
                self._subs[topic] = self._filters[topic] = (qos, [*handlers, handler])
            self._routes.clear()
        if self.connected.is_set():
            for i in range(0, len(topics), SUBSCRIBE_CHUNK):
                self.client.subscribe([(t, qos) for t in topics[i:i + SUBSCRIBE_CHUNK]])

    def unsubscribe_many(self, topics: list[str]) -> None:
        with self._lock:
            for topic in topics:
                if self._subs.pop(topic, None) is not None:
                    del self._filters[topic]
            self._routes.clear()
        if self.connected.is_set() and topics:
            for i in range(0, len(topics), SUBSCRIBE_CHUNK):
                self.client.unsubscribe(topics[i:i + SUBSCRIBE_CHUNK])

    def publish(self, topic: str, payload: bytes | str, *, qos: int = 1, retain: bool = False,
                properties: Properties | None = None) -> paho.MQTTMessageInfo:
        """Publish; a message larger than the broker takes is not sent but logged (sending it
        would cost the connection, again after every reconnect)."""
        size = len(payload.encode("utf-8") if isinstance(payload, str) else payload) + len(topic) + PACKET_OVERHEAD
        if self.max_packet and size > self.max_packet:
            log.error("%s: not published on %s: %d bytes, the broker takes %d at most", self.client_id,
                      topic[:200], size, self.max_packet)
            info = paho.MQTTMessageInfo(0)
            info.rc = paho.MQTT_ERR_PAYLOAD_SIZE
            return info
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        if self._writes is not None and threading.current_thread() is not self.client._thread:
            self.client.loop_write()
            if self.client.want_write():   # the socket took only part: the network thread writes the rest
                self._wake_network_thread()
        return info

    def _wake_network_thread(self) -> None:
        """Its select() may have begun while this thread held the packet: wake it so that it
        waits for the socket to take the rest (paho's own wake-up pair, as publish() uses it)."""
        pair = getattr(self.client, "_sockpairW", None)
        if pair is not None:
            try:
                pair.send(b"\0")
            except OSError:   # full (a wake-up is pending already) or closed (the loop has stopped)
                pass

    def _on_message(self, client, userdata, msg: paho.MQTTMessage) -> None:
        topic = msg.topic
        with self._lock:
            handlers = self._routes.get(topic)
            if handlers is None:  # matched once per topic, in the tree (a city's controller holds thousands)
                handlers = [h for _, hs in self._filters.iter_match(topic) for h in hs]
                if len(self._routes) >= ROUTE_CACHE:
                    self._routes.clear()
                self._routes[topic] = handlers
        for handler in handlers:
            try:
                handler(msg)
            except Exception:  # one bad message must never stop the endpoint
                log.exception("handler failed for %s", msg.topic)

    # -- request/response ----------------------------------------------------------------
    def request(self, topic: str, payload: dict, timeout: float = 5.0) -> dict:
        """Publish a request and wait for its Response; raise MqttError on no answer."""
        corr = uuid.uuid4().bytes
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = f"{self.reply_prefix}/{uuid.uuid4().hex[:8]}"
        props.CorrelationData = corr
        fut: Future = Future()
        with self._lock:
            self._pending[corr] = fut
        try:
            self.publish(topic, json.dumps(payload, ensure_ascii=False), qos=1, properties=props)
            try:
                return fut.result(timeout)
            except TimeoutError as err:
                raise MqttError(f"no answer to {topic} within {timeout:.0f} s") from err
        finally:
            with self._lock:
                self._pending.pop(corr, None)

    def request_again(self, topic: str, payload: dict, *, attempts: int, timeout: float = 5.0) -> dict:
        """`request` up to `attempts` times with the same payload (its request id: a retry after a
        lost answer is applied once); the first answer, or the last attempt's MqttError."""
        for attempt in range(attempts):
            try:
                return self.request(topic, payload, timeout=timeout)
            except MqttError:
                if attempt + 1 >= attempts:
                    raise
        raise MqttError(f"no attempt to ask {topic}")

    def ping(self, done: Callable[[], None]) -> None:
        """A message to ourselves through the broker (our own reply topic, QoS 0): `done()` runs on
        the network thread when it comes back, proof that the loop still reads and dispatches
        (servicekit's watchdog). Only the latest ping waits; an older one lost is forgotten."""
        corr = b"ping-" + uuid.uuid4().bytes
        fut: Future = Future()

        def back(_: Future) -> None:
            with self._lock:
                self._pending.pop(corr, None)
            done()

        fut.add_done_callback(back)
        with self._lock:
            if self._ping is not None:
                self._pending.pop(self._ping, None)
            self._ping = corr
            self._pending[corr] = fut
        props = Properties(PacketTypes.PUBLISH)
        props.CorrelationData = corr
        self.publish(f"{self.reply_prefix}/ping", b"{}", qos=0, properties=props)

    def _on_reply(self, msg: paho.MQTTMessage) -> None:
        corr = getattr(msg.properties, "CorrelationData", None) if msg.properties else None
        with self._lock:
            fut = self._pending.get(corr) if corr else None
        if fut is None or fut.done():
            return
        try:
            fut.set_result(json.loads(msg.payload))
        except ValueError as err:
            fut.set_exception(MqttError(f"unreadable answer on {msg.topic}: {err}"))

    def respond(self, request: paho.MQTTMessage, payload: bytes, *, topic: str | None = None) -> bool:
        """Answer a request on `topic` (checked by the caller, hall_protocol.router), or on its
        Response Topic; False when it gave none."""
        props_in = request.properties
        topic = topic or (getattr(props_in, "ResponseTopic", None) if props_in else None)
        if not topic:
            return False
        props = Properties(PacketTypes.PUBLISH)
        corr = getattr(props_in, "CorrelationData", None)
        if corr:
            props.CorrelationData = corr
        self.publish(topic, payload, qos=1, properties=props)
        return True
