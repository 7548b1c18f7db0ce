"""The emulator on its own: decoding python-escpos output, raster QR, process mode."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.escpos.commands import code128
from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.protocol import StreamDecoder

ROOT = Path(__file__).resolve().parents[3]


def _feed(emulator: EscposEmulator, data: bytes) -> bytes:
    return emulator.feed(data, StreamDecoder())


def test_python_escpos_output_is_decoded():
    out = Dummy()
    out._raw(b"\x1b@\x1c&")
    out.set(align="center", double_width=True, double_height=True)
    out._raw("A017 号\n".encode("gb18030"))
    out.qr("https://q.example.cn/native", size=6, native=True)
    out.qr("https://q.example.cn/raster", size=4, native=False)
    out._raw(code128("A017"))
    out.cut()
    emulator = EscposEmulator()
    _feed(emulator, out.output)
    [receipt] = emulator.receipts
    assert receipt.lines == ["A017 号"]
    assert receipt.qr_payloads == ["https://q.example.cn/native", "https://q.example.cn/raster"]
    assert receipt.barcodes == ["A017"]
    assert "[BARCODE A017]" in receipt.text


def test_without_chinese_mode_gb18030_is_garbage():
    emulator = EscposEmulator()
    _feed(emulator, b"\x1b@" + "号".encode("gb18030") + b"\n\x1dV\x00")
    assert emulator.receipts[0].lines != ["号"]


def test_status_answers_and_silent():
    emulator = EscposEmulator(state="out")
    assert _feed(emulator, b"\x10\x04\x01\x10\x04\x02\x10\x04\x04") == b"\x1a\x32\x72"
    emulator.set_state("silent")
    assert _feed(emulator, b"\x10\x04\x01") == b""


def test_garbage_is_skipped_and_counted():
    emulator = EscposEmulator()
    _feed(emulator, b"\x01OK\n\x02\x1dV\x00")
    assert emulator.receipts[0].lines == ["OK"]
    assert emulator.protocol_errors == 2


def test_emulator_process_with_control_port(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.escpos.emulator", "--tcp", "0", "--pty", "--control-port", "0",
         "--out", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        ready = json.loads(proc.stdout.readline())
        assert ready["pty"].startswith("/dev/")
        with socket.create_connection(("127.0.0.1", ready["control"]), timeout=5) as control:
            control.sendall(b"state cover_open\n")
            assert control.recv(64) == b"ok\n"
        with socket.create_connection(("127.0.0.1", ready["tcp"]), timeout=5) as printer:
            printer.sendall(b"\x10\x04\x02")
            assert printer.recv(1) == b"\x16"
            printer.sendall(b"\x1b@\x1c&" + "测试\n".encode("gb18030") + b"\x1dV\x00")
        with socket.create_connection(("127.0.0.1", ready["control"]), timeout=5) as control:
            control.sendall(b"wait 1\n")
            assert control.recv(64) == b"ok 1\n"
        for asked, answer in ((b"take\n", b"ok 1\n"), (b"take\n", b"ok 0\n"), (b"receipts\n", b"ok 0\n")):
            with socket.create_connection(("127.0.0.1", ready["control"]), timeout=5) as control:
                control.sendall(asked)   # take: the count, then forgotten (devkit/soak.py's long runs)
                assert control.recv(64) == answer, asked
        assert (tmp_path / "receipt-0001.txt").read_text("utf-8") == "测试\n"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"\x1dv0\x00\x00\x00\x00\x00", b"\x1dv0\x00\x01\x00\x00\x00",
                                                  b"\x1d(k\x02\x001Q", b"\x1d(k\x03\x001C\x00", b"\x1dkI\x00"]))
def test_emulator_survives_any_stream(data, edge):
    emulator = EscposEmulator()
    reply = _feed(emulator, edge + data + b"\x1dV\x00")  # the cut may land inside a command's payload
    assert isinstance(reply, bytes) and all(r.png.startswith(b"\x89PNG") for r in emulator.receipts)


def test_rendered_png_is_576_wide_and_its_qr_scans(ticket):
    import io

    from PIL import Image

    from drivers.escpos.commands import encode_blocks
    from drivers.escpos.receipt import decode_qr
    from drivers.escpos.templates import ticket_blocks

    emulator = EscposEmulator()
    _feed(emulator, encode_blocks(ticket_blocks(ticket)))
    image = Image.open(io.BytesIO(emulator.receipts[0].png))
    assert image.width == 576
    assert decode_qr(image) == "https://q.example.cn/t/A017"
