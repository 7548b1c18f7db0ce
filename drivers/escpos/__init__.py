"""ESC/POS receipt printers. python-escpos is imported here first, with two of its import-time
side effects contained: it calls `logging.basicConfig()` (which would silence the
application's own logging set-up later) and it leaves a new temporary directory for its
capabilities cache at every import (here one private directory, removed at exit)."""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile


def _import_python_escpos() -> None:
    # It calls mkdtemp() even when told where its cache is: both go into one private
    # directory of ours, removed when the process ends.
    private = tempfile.mkdtemp(prefix="hall-escpos-")
    atexit.register(shutil.rmtree, private, True)
    ours = "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ
    if ours:  # for the import only: child processes must not inherit a directory that goes away
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = private
    root = logging.getLogger()
    before, saved_tempdir = list(root.handlers), tempfile.tempdir
    tempfile.tempdir = private
    try:
        import escpos.capabilities  # noqa: F401
    finally:
        tempfile.tempdir = saved_tempdir
        if ours:
            del os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)


_import_python_escpos()
