"""`kioskctl face verify` run as a real subprocess on ORL image files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drivers.face.orl import orl_path

KIOSKCTL = Path(sys.executable).with_name("kioskctl")


def kioskctl(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(KIOSKCTL), *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def verify_args(reference: Path, *probes: Path) -> list[str]:
    args = ["face", "verify", "--reference", str(reference)]
    for probe in probes:
        args += ["--probe", str(probe)]
    return args


def test_genuine_pair_matches_without_liveness():
    run = kioskctl(*verify_args(orl_path(12, 5), orl_path(12, 1), orl_path(12, 2)), "--no-liveness", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["match"] is True and data["score"] > data["threshold"] and data["reasons"] == []


def test_impostor_does_not_match():
    run = kioskctl(*verify_args(orl_path(12, 5), orl_path(30, 1)), "--no-liveness", "--json")
    data = json.loads(run.stdout)
    assert run.returncode == 1 and data["match"] is False and data["reasons"] == ["LOW_SCORE"]


def test_still_images_do_not_pass_liveness():
    run = kioskctl(*verify_args(orl_path(12, 5), orl_path(12, 1), orl_path(12, 1)), "--json")
    data = json.loads(run.stdout)
    assert data["match"] is False and "LIVENESS_NOT_PASSED" in data["reasons"]
    assert data["liveness"]["passed"] is False


def test_human_output():
    run = kioskctl(*verify_args(orl_path(12, 5), orl_path(12, 1)), "--no-liveness")
    assert run.stdout.startswith("match: true") and "threshold:" in run.stdout


def test_missing_image_is_one_line_and_non_zero(tmp_path):
    run = kioskctl(*verify_args(orl_path(12, 5), tmp_path / "absent.jpg"), "--json")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "absent.jpg" in run.stderr


def test_undecodable_image_is_one_line(tmp_path):
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image")
    run = kioskctl(*verify_args(orl_path(12, 5), junk))
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "decoded" in run.stderr


def test_missing_model_is_one_line_naming_the_path(tmp_path):
    model = tmp_path / "sface.onnx"
    run = kioskctl(*verify_args(orl_path(12, 5), orl_path(12, 1)), "--recognizer-model", str(model))
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and str(model) in run.stderr
