"""python-escpos's import-time side effects are contained (drivers/escpos/__init__.py)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import logging, os
import drivers.escpos.commands
assert logging.getLogger().handlers == [], logging.getLogger().handlers
logging.basicConfig(level=logging.INFO, format="OURS %(message)s")
logging.getLogger("x").info("configured")
import escpos.capabilities as c
print(c.pickle_dir)
assert "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ
"""


def test_import_keeps_our_logging_and_leaves_no_temporary_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["TMPDIR"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert "OURS configured" in run.stderr  # our basicConfig took effect
    assert run.stdout.strip().startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # the cache directory went with the process
