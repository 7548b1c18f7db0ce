"""SQLite's write-ahead log is copied back into the database by a thread of its own (store/db.py
Checkpoints), not by the commit that crosses 1,000 pages (such commits took 50-90 ms, and every
answer of their burst waited for them). SQLite's own checkpoint stays as a backstop at 10,000."""
from __future__ import annotations

import os
import time

from sqlalchemy import text

from hall_controller.store import db


def _fill(engine, kb: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (x TEXT)"))
    for _ in range(kb // 64):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO filler VALUES (:x)"), [{"x": os.urandom(512).hex()} for _ in range(64)])


def test_the_log_is_copied_back_off_the_commits(tmp_path):
    path = tmp_path / "hall.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == db.WAL_BACKSTOP_PAGES
    before = os.path.getsize(path)
    _fill(engine, 4096)                           # 4 MB: the commits themselves copied nothing back
    assert os.path.getsize(path) - before < 1 << 20 and os.path.getsize(f"{path}-wal") > 4 << 20
    checkpoints = db.Checkpoints(engine, every_s=0.05)
    checkpoints.start()
    try:
        deadline = time.monotonic() + 10
        while os.path.getsize(path) - before < 4 << 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.path.getsize(path) - before >= 4 << 20 and checkpoints.done > 0
    finally:
        checkpoints.stop()
        engine.dispose()
