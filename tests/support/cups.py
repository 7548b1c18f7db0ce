"""Shared by tests/drivers/a4printer and tests/kiosk_app (import the fixtures into a conftest).

A private cupsd (devkit/cups.py: own config dir, own port and socket: a system CUPS is left
alone), TCP listeners standing in for printers, raw queues pointing at them, and a test PDF
with Chinese text made with reportlab."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest

from devkit.cups import Cupsd, Listener, free_port  # noqa: F401 (used by tests through this module)


@pytest.fixture(scope="session")
def cupsd():
    with tempfile.TemporaryDirectory(prefix="cupsd-test-") as tmp:
        daemon = Cupsd(Path(tmp))
        yield daemon
        daemon.stop()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


_count = iter(range(1, 10_000))


@pytest.fixture
def queue_url(cupsd, listener) -> str:
    """A fresh raw queue pointing at `listener`."""
    return cupsd.add_queue(f"TestA4_{next(_count)}", listener.port)


@pytest.fixture(scope="session")
def licence_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    page.setFont("STSong-Light", 28)
    page.drawString(150, 700, "营业执照（测试样张）")
    page.setFont("STSong-Light", 14)
    page.drawString(100, 640, "名称：某某测试有限公司  统一社会信用代码：91110000TEST00000X")
    page.showPage()
    page.save()
    return buf.getvalue()
