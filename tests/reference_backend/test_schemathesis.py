"""The running server checked against its own OpenAPI document (short run: few examples).

Schemathesis owns the X-Signature header (the contract's security scheme): it puts a marker
there, and the session's auth hook replaces the marker with a real signature. When
schemathesis removes or garbles the header on purpose (negative and auth checks), the
request goes out unsigned and the server must refuse it.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, settings

from hall_controller.backend.signing import HEADER_SIGNATURE, HmacAuth
from reference_backend.process import ServerProcess

DOC = Path(__file__).resolve().parents[2] / "docs" / "backend-openapi.json"
MARKER = "sign-me"
schema = schemathesis.openapi.from_dict(json.loads(DOC.read_text(encoding="utf-8")))


@schema.auth()
class SignatureMarker:
    def get(self, case, context) -> str:
        return MARKER

    def set(self, case, data, context) -> None:
        case.headers = {**(case.headers or {}), HEADER_SIGNATURE: data}


class SignMarked(HmacAuth):
    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if r.headers.get(HEADER_SIGNATURE) == MARKER:
            return super().__call__(r)
        return r


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_server_conforms_to_its_openapi(case, server: ServerProcess) -> None:
    with requests.Session() as session:
        session.auth = SignMarked(server.app_key, server.app_secret, time.time)
        case.call_and_validate(base_url=server.url, session=session)
