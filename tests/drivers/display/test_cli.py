"""kioskctl display against emulator processes on ptys."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

KIOSKCTL = str(Path(sys.executable).with_name("kioskctl"))


def run(*args: str, state_dir) -> subprocess.CompletedProcess:
    env = dict(os.environ, HALL_STATE_DIR=str(state_dir))
    return subprocess.run([KIOSKCTL, "display", *args], capture_output=True, text=True, timeout=60, env=env)


def test_text_display(emulator_process, tmp_path):
    path = emulator_process("text", "--addr", "2")
    url = f"serial://{path}"
    done = run("show", "--url", url, "--addr", "2", "--window", "3", "A001", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run("status", "--url", url, "--addr", "2", "--json", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["extra"]["lines"] == ["A001", "请到3号窗口"]
    assert run("clear", "--url", url, "--addr", "2", state_dir=tmp_path).returncode == 0


def test_modbus_display(emulator_process, tmp_path):
    url = f"serial://{emulator_process('modbus')}"
    done = run("show", "--url", url, "--kind", "modbus", "12.5", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run("status", "--url", url, "--kind", "modbus", "--json", state_dir=tmp_path)
    assert json.loads(done.stdout)["extra"]["shown"] == "12.5"
    done = run("show", "--url", url, "--kind", "modbus", "abc", state_dir=tmp_path)
    assert done.returncode == 64 and "Traceback" not in done.stderr


def test_silent_display_is_a_status_not_a_traceback(emulator_process, tmp_path):
    url = f"serial://{emulator_process('text', '--fault', 'no_ack')}"
    done = run("status", "--url", url, state_dir=tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("offline")
    done = run("show", "--url", url, "hello", state_dir=tmp_path)
    assert done.returncode == 2 and "technician" in done.stderr and "Traceback" not in done.stderr
