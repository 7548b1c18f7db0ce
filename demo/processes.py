"""Start the hall's processes for the demo and stop every one of them at the end."""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from privacy import open_log

ROOT = Path(__file__).resolve().parents[1]


class Processes:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def spawn(self, name: str, args: list[str], *, env: dict | None = None, ready: str | None = None,
              json_line: bool = False, timeout: float = 30.0):
        """Start `python -m ...`; wait for a ready line (or a JSON line, returned)."""
        log = open_log(self.log_dir / f"{name}.log")  # 0640: masked text, the technicians' group reads it
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **(env or {})},
                                stdout=subprocess.PIPE if (ready or json_line) else log, stderr=log)
        self.procs.append((name, proc))
        if not (ready or json_line):
            return proc
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited early; see {self.log_dir / (name + '.log')}")
            r, _, _ = select.select([proc.stdout], [], [], 0.2)
            if not r:
                continue
            line = proc.stdout.readline().decode("utf-8", "replace").strip()
            if json_line and line.startswith("{"):
                return json.loads(line)
            if ready and ready in line:
                return line
        raise RuntimeError(f"{name} did not become ready within {timeout} s")

    def stop_all(self) -> None:
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for name, proc in reversed(self.procs):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()
