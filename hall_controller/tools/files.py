"""Files the provisioning tools write: created with their mode (0600 for anything secret)
before a byte is written, and renamed over the old one, so a reader (a running broker, a
device) never sees half a file or a moment of wider permissions."""
from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, data: bytes | str, mode: int = 0o600) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
