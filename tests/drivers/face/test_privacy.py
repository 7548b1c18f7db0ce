"""Frames and the card photo stay in memory: no file is written, no image reaches a log
or the audit record."""
from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

import numpy as np

from drivers.face import AuditRecord
from tests.support.privacy import watch_writes

from .conftest import card, frames
from .test_cli import KIOSKCTL, verify_args


def snapshot(root: Path) -> set[str]:
    """Files only: python-escpos leaves an empty mkdtemp() directory on every import
    (`environ.get(..., mkdtemp())` evaluates its default eagerly)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir()}


def test_no_file_is_written_during_an_in_process_verification(verifier, clock, caplog):
    reference, probes = card(12, 5), frames(12, (1, 2, 3, 4))
    caplog.set_level(logging.DEBUG)
    with watch_writes() as written:
        session = verifier.begin(reference, "vendor_decoder")
        for probe in probes:
            session.submit(probe)
        result = session.result()
        session.close()
        verifier.verify(reference, probes, "vendor_decoder", liveness=False)
    assert written == []
    for record in caplog.records:
        text = record.getMessage()
        assert len(text) < 400 and "[[" not in text, text
        assert not any(isinstance(arg, (np.ndarray, bytes, bytearray)) for arg in record.args or ())
    audit = result.audit(clock.now())
    data = audit.to_dict()
    assert set(data) == {"time", "decision", "score", "threshold", "reasons", "reference_source",
                         "frames_used", "attempt"}
    assert all(isinstance(v, (str, int, float, list)) for v in data.values())
    assert len(json.dumps(data)) < 400
    assert not any(isinstance(getattr(audit, name), np.ndarray) for name in AuditRecord.__dataclass_fields__)


def test_no_new_file_appears_around_a_cli_verification(tmp_path):
    """The whole process, native code included: every writable place it is given stays empty."""
    from drivers.face.orl import orl_path
    work, home, tmp, state = (tmp_path / name for name in ("work", "home", "tmp", "state"))
    for folder in (work, home, tmp, state):
        folder.mkdir()
    env = dict(os.environ, HOME=str(home), TMPDIR=str(tmp), HALL_STATE_DIR=str(state),
               XDG_CACHE_HOME=str(home / ".cache"))
    # kioskctl imports every driver's CLI, and python-escpos writes its capabilities pickle
    # into a new mkdtemp() on every import unless told where (the empty dir stays): that is not face verification.
    env["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(tmp_path.parent)
    before = snapshot(tmp_path)
    args = verify_args(orl_path(12, 5), orl_path(12, 1), orl_path(12, 2), orl_path(12, 3))
    run = subprocess.run([str(KIOSKCTL), "-v", *args, "--json"], capture_output=True, text=True,
                         timeout=120, cwd=work, env=env)
    assert run.returncode in (0, 1), run.stderr
    assert snapshot(tmp_path) == before
    assert "[[" not in run.stderr and len(run.stderr) < 2000


def test_the_write_watch_sees_a_write(tmp_path):
    """The audit hook above is what makes the first test meaningful."""
    with watch_writes() as written:
        (tmp_path / "x.bin").write_bytes(b"x")
    assert len(written) == 1 and "x.bin" in written[0]
