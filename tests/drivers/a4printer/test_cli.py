"""kioskctl a4 as a subprocess against the private cupsd."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KIOSKCTL = str(Path(sys.executable).with_name("kioskctl"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSKCTL, "a4", *args], capture_output=True, text=True, timeout=60)


def test_status_json(queue_url):
    out = run("status", "--url", queue_url, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["state"] == "idle" and data["accepting"] and data["status"]["state"] == "online"


def test_print_file(queue_url, listener, licence_pdf, tmp_path):
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(licence_pdf)
    out = run("print", "--url", queue_url, str(pdf))
    assert out.returncode == 0, out.stderr
    assert "completed" in out.stdout
    assert listener.received.wait(10) and listener.jobs == [licence_pdf]


def test_print_refuses_non_pdf(queue_url, tmp_path):
    bad = tmp_path / "note.pdf"
    bad.write_text("not a pdf")
    out = run("print", "--url", queue_url, str(bad))
    assert out.returncode == 2 and "not a PDF" in out.stderr and out.stderr.count("\n") == 1


def test_status_of_missing_queue(cupsd):
    out = run("status", "--url", f"cups://Nope?server={cupsd.sock}")
    assert out.returncode != 0
