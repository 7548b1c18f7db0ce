"""The FastAPI app's generated OpenAPI document is the committed contract document."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reference_backend.app import ServerConfig, create_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "backend-openapi.json"


def test_generated_openapi_equals_the_committed_document(tmp_path: Path) -> None:
    app = create_app(ServerConfig("k", "s", tmp_path))
    committed = json.loads(DOC.read_text(encoding="utf-8"))
    assert app.openapi() == committed, (
        "docs/backend-openapi.json is stale: run "
        "`python -m reference_backend --write-openapi docs/backend-openapi.json`")


def test_write_openapi_cli_writes_the_same_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    subprocess.run([sys.executable, "-m", "reference_backend", "--write-openapi", str(out)],
                   check=True, cwd=DOC.parents[1], timeout=60)
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(DOC.read_text("utf-8"))


def test_admin_endpoints_are_not_part_of_the_contract() -> None:
    paths = json.loads(DOC.read_text(encoding="utf-8"))["paths"]
    assert all(p.startswith("/api/v1/") for p in paths)
    assert not any("_admin" in p for p in paths)
