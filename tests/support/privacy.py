"""A Python audit hook that records every attempt to create or write a file while watching.

    with watch_writes() as written:
        ...                     # code that must not write personal data
    assert written == []
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_watch: list[str] | None = None


def _audit_hook(event: str, args: tuple) -> None:
    if _watch is None:
        return
    if event == "open" and len(args) >= 3 and args[0] is not None:
        mode, flags = args[1], args[2]
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (flags or 0) & WRITE_FLAGS:
            _watch.append(f"open {args[0]!r} {mode!r}")
    elif event in ("os.mkdir", "os.rename", "os.replace", "shutil.copyfile", "tempfile.mkstemp"):
        _watch.append(f"{event} {args!r}")


sys.addaudithook(_audit_hook)


@contextlib.contextmanager
def watch_writes() -> Iterator[list[str]]:
    """Every thread's writes while the block runs (one watch at a time)."""
    global _watch
    written: list[str] = []
    _watch = written
    try:
        yield written
    finally:
        _watch = None
