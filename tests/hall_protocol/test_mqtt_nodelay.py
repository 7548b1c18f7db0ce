"""Small MQTT packets (requests, answers, acknowledgements) must not wait for delayed ACKs:
every endpoint's socket has TCP_NODELAY (bench/bench_queue.py shows what it costs without)."""
import socket


def test_endpoint_socket_has_nodelay(device):
    kiosk = device("kiosk-01")
    sock = kiosk.client.socket()
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
