"""Bad input from the platform that the reference server's fault injection does not produce:
a tiny real HTTP server in the test serves exactly the broken bodies (JSON that is HTML,
empty, not UTF-8, wrong shapes; PDFs that are HTML, without trailer, cut short). Each gives a
typed error, never a crash; through the controller the kiosk gets `backend_contract` and
never a PDF that could print corrupted."""
from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hall_controller.backend import BackendClient, BackendContractError, BackendRefused, BackendUnavailable
from kiosk_app.clients.backend import BackendBroken, KioskBackend, check_pdf_bytes
from tests.support.platform import start_controller

HALL = "demo-hall"
PDF = b"%PDF-1.7\n" + b"x" * 5000 + b"\n%%EOF\n"


class BadServer:
    """path -> (status, content type, body, extra headers); `cut` sends fewer bytes than announced."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, dict]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                status, ctype, body, extra = outer.routes.get(self.path, (404, "text/plain", b"no", {}))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(extra.get("length", len(body))))
                self.end_headers()
                self.wfile.write(body)
                if "length" in extra:
                    self.close_connection = True

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def bad() -> Iterator[BadServer]:
    srv = BadServer()
    yield srv
    srv.close()


JSON = "application/json"
MATTERS = "/api/v1/matters"


@pytest.mark.parametrize("status,ctype,body,error", [
    (200, JSON, b"<html><body>502 Bad Gateway</body></html>", BackendContractError),
    (200, "text/html; charset=utf-8", b"<html>login</html>", BackendContractError),
    (200, JSON, b"", BackendContractError),
    (200, JSON, b"\xff\xfe\x00garbage", BackendContractError),
    (200, JSON, b"[]", BackendContractError),
    (200, JSON, b'{"items": null}', BackendContractError),
    (200, JSON, b'{"items": [{"matter_id": 7, "name": [], "service_code": "Z"}]}', BackendContractError),
    (409, "text/html", b"<html>conflict</html>", BackendRefused),
    (500, JSON, b"[1, 2]", BackendUnavailable),
])
def test_broken_json_answers_are_typed_errors(bad: BadServer, clock, status, ctype, body, error) -> None:
    bad.routes[MATTERS] = (status, ctype, body, {})
    with BackendClient(bad.url, "k", "s", clock=clock, retries=0) as c, pytest.raises(error) as err:
        c.list_matters()
    assert "/api/v1/matters" in str(err.value) and err.value.status == status
    if error is BackendContractError and status == 200 and body.startswith(b"{"):
        assert "items" in str(err.value)  # names the field that is wrong


@pytest.mark.parametrize("ctype,body,extra,error", [
    ("text/html", b"<html>not a pdf</html>", {}, BackendContractError),
    ("application/pdf", PDF[:-8], {}, BackendContractError),             # no %%EOF trailer
    ("application/pdf", b"<html>" + PDF, {}, BackendContractError),      # no %PDF- header
    ("application/pdf", PDF[:3000], {"length": len(PDF)}, BackendUnavailable),  # connection cut
])
def test_broken_pdfs_are_refused(bad: BadServer, clock, ctype, body, extra, error) -> None:
    bad.routes["/api/v1/licences/L1/pdf"] = (200, ctype, body, extra)
    with BackendClient(bad.url, "k", "s", clock=clock, retries=0) as c, pytest.raises(error) as err:
        c.licence_pdf("L1")
    assert "/api/v1/licences/L1/pdf" in str(err.value)


def test_through_the_controller_the_kiosk_gets_clear_errors(bad: BadServer, suite_config, broker, device) -> None:
    config = suite_config.model_copy(update={"backend": suite_config.backend.model_copy(
        update={"url": bad.url, "app_key": "k", "app_secret": "s"})})
    bad.routes[MATTERS] = (200, JSON, b"<html>oops</html>", {})
    bad.routes["/api/v1/licences/L1/pdf"] = (200, "application/pdf", PDF[:-8], {})
    bad.routes["/api/v1/licences/L2/pdf"] = (200, "application/pdf", PDF, {})
    controller = start_controller(config, broker)
    try:
        kiosk = KioskBackend(device("kiosk-01"), HALL, timeout=15)
        with pytest.raises(BackendBroken) as err:
            kiosk.matters()
        assert err.value.code == "backend_contract"
        with pytest.raises(BackendBroken):
            kiosk.licence_pdf("L1")
        controller.backend.gateway.chunk_size = 1000
        assert kiosk.licence_pdf("L2") == PDF  # six chunks, joined and checked
    finally:
        controller.stop()


def test_the_kiosk_checks_the_joined_pdf() -> None:
    sha = hashlib.sha256(PDF).hexdigest()
    assert check_pdf_bytes(PDF, len(PDF), sha, "L") == PDF
    for pdf, size, digest in [(PDF[:-1], len(PDF), sha), (PDF, len(PDF), "0" * 64),
                              (b"x" + PDF[1:], len(PDF), hashlib.sha256(b"x" + PDF[1:]).hexdigest())]:
        with pytest.raises(BackendBroken):
            check_pdf_bytes(pdf, size, digest, "L")
    assert base64.b64decode(base64.b64encode(PDF)) == PDF
