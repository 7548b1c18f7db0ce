"""Files that hold state (the database, device counters, reference images) readable by their
owner only, whatever the process's umask.

The modes of the suite (docs/technician.md, "Files and their modes"):
- 0600 for state: the controller's SQLite database and its -wal/-shm (SQLite gives those the
  main file's mode), device counters, the emulator's reference images, credentials;
- 0640 for log files (`LOG_MODE`): they hold no personal data (every record is masked,
  `privacy.logs`), and the technicians' group may read them;
- 0700 for the directories the suite creates for them.

Existing files are tightened too (a database made by an older version at 0644 becomes 0600
at the next start), but only files this process owns.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["LOG_MODE", "PRIVATE_MODE", "create_private", "open_log", "private_dir", "write_private"]

PRIVATE_MODE = 0o600
LOG_MODE = 0o640
DIR_MODE = 0o700


def private_dir(path: str | os.PathLike) -> Path:
    """Make a directory (and its missing parents) that only its owner may enter; an existing
    directory keeps its mode (it may be shared, e.g. /var/lib)."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    path.mkdir(parents=True, exist_ok=True)
    for p in missing:
        _chmod_own(p, DIR_MODE)
    return path


def create_private(path: str | os.PathLike, mode: int = PRIVATE_MODE) -> Path:
    """Create `path` empty with `mode` (umask-independent) if it is missing; tighten it if it
    exists with a wider mode. The parent directory is made by `private_dir`."""
    path = Path(path)
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        if path.stat().st_mode & 0o777 & ~mode:
            _chmod_own(path, mode)
        return path
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    return path


def write_private(path: str | os.PathLike, data: bytes | str, mode: int = PRIVATE_MODE) -> Path:
    """Replace `path` atomically by `data` (text as UTF-8) in a file of `mode`."""
    path = Path(path)
    private_dir(path.parent)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    tmp = Path(name)
    view = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        try:
            os.fchmod(fd, mode)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path


def open_log(path: str | os.PathLike, mode: int = LOG_MODE):
    """Open a log file for appending (binary) with `mode` (0640: the owner writes, the group reads)."""
    create_private(path, mode)
    return open(path, "ab")


def _chmod_own(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.geteuid():
            os.chmod(path, mode)
    except OSError:
        pass  # not ours to change, or gone: the caller's open will say what is wrong
