"""kioskctl printer ... as a subprocess against the emulator and against non-printers."""
from __future__ import annotations

import json
import socket
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KIOSKCTL = ROOT / ".venv" / "bin" / "kioskctl"


def kioskctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KIOSKCTL), *args, "--timeout", "0.3"], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)


def test_status_json(emulator, printer_url):
    result = kioskctl("printer", "status", "--url", printer_url, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"online": True, "paper": "ok", "cover_open": False}


def test_status_paper_out_is_reported_with_exit_1(emulator, printer_url):
    emulator.set_state("out")
    result = kioskctl("printer", "status", "--url", printer_url)
    assert result.returncode == 1
    assert "paper out" in result.stdout and "staff" in result.stdout


def test_test_receipt(emulator, printer_url):
    result = kioskctl("printer", "test", "--url", printer_url)
    assert result.returncode == 0, result.stderr
    [receipt] = emulator.wait_for_receipts(1)
    assert receipt.lines[0] == "打印机测试页（ESC/POS）"
    assert "符号：，。：；！？（）【】¥ 0123456789" in receipt.lines
    assert receipt.qr_payloads == ["https://example.invalid/kioskctl/printer-test"]


def test_test_receipt_refused_when_cover_open(emulator, printer_url):
    emulator.set_state("cover_open")
    result = kioskctl("printer", "test", "--url", printer_url)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "cover open" in result.stderr


@pytest.fixture
def garbage_server():
    """A TCP service that is not a printer: it answers everything with an HTTP error."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.recv(64)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            conn.recv(64)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join(5)


@pytest.mark.parametrize("url_kind", ["silent", "refused", "garbage", "not_a_tty", "bad_url"])
def test_missing_or_garbage_device_is_one_line(url_kind, emulator, request):
    emulator.set_state("silent")
    garbage_port = request.getfixturevalue("garbage_server") if url_kind == "garbage" else 0
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    url = {"silent": f"tcp://127.0.0.1:{emulator.tcp_port}", "refused": f"tcp://127.0.0.1:{free_port}",
           "garbage": f"tcp://127.0.0.1:{garbage_port}", "not_a_tty": "serial:///dev/null",
           "bad_url": "ftp://printer"}[url_kind]
    result = kioskctl("printer", "status", "--url", url, "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("kioskctl: ")
