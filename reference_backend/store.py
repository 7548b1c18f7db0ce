"""The server's mutable state in one SQLite file: idempotency records, check-ins, prints,
ratings and ticket events. A restart on the same state dir keeps all of it (the outage test
depends on that); the synthetic catalogue itself is regenerated from the seed."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from hall_protocol.platform import Appointment
from privacy import create_private

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idem (app_key TEXT, key TEXT, fingerprint TEXT, status INTEGER,
    body TEXT, PRIMARY KEY (app_key, key));
CREATE TABLE IF NOT EXISTS checkins (code TEXT PRIMARY KEY, at TEXT);
CREATE TABLE IF NOT EXISTS prints (seq INTEGER PRIMARY KEY AUTOINCREMENT, print_id TEXT UNIQUE,
    licence_id TEXT, kiosk_id TEXT, idem_key TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS ratings (seq INTEGER PRIMARY KEY AUTOINCREMENT, idem_key TEXT,
    body TEXT);
CREATE TABLE IF NOT EXISTS ticket_events (seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT UNIQUE, body TEXT);
CREATE TABLE IF NOT EXISTS arrivals (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, key TEXT);
CREATE TABLE IF NOT EXISTS extra_appointments (code TEXT PRIMARY KEY, id_number TEXT, body TEXT,
    priority INTEGER);
"""


class Store:
    def __init__(self, path: Path | str) -> None:
        self.lock = threading.RLock()
        create_private(path)  # 0600 (the platform's copy of ratings and comments); -wal/-shm follow
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def _one(self, sql: str, *args: Any) -> tuple | None:
        with self.lock:
            return self._db.execute(sql, args).fetchone()

    def _exec(self, sql: str, *args: Any) -> sqlite3.Cursor:
        with self.lock:
            return self._db.execute(sql, args)

    # idempotency
    def idem_get(self, app_key: str, key: str) -> tuple[str, int, Any] | None:
        row = self._one("SELECT fingerprint, status, body FROM idem WHERE app_key=? AND key=?",
                        app_key, key)
        return (row[0], row[1], json.loads(row[2])) if row else None

    def idem_put(self, app_key: str, key: str, fingerprint: str, status: int, body: Any) -> None:
        self._exec("INSERT OR REPLACE INTO idem VALUES (?,?,?,?,?)", app_key, key, fingerprint,
                   status, json.dumps(body, ensure_ascii=False))

    # check-ins
    def checkin_at(self, code: str) -> str | None:
        row = self._one("SELECT at FROM checkins WHERE code=?", code)
        return row[0] if row else None

    def add_checkin(self, code: str, at: str) -> None:
        self._exec("INSERT INTO checkins VALUES (?,?)", code, at)

    # bookings made through /_admin/appointments (tests, the demo): synthetic data only
    def add_appointment(self, code: str, id_number: str, body: str, priority: int = 1) -> None:
        self._exec("INSERT OR REPLACE INTO extra_appointments VALUES (?,?,?,?)", code, id_number, body, priority)

    def appointment_priority(self, code: str) -> int:
        """The queue priority a booking's check-in gives (1 = appointment; 2 = green channel)."""
        row = self._one("SELECT priority FROM extra_appointments WHERE code=?", code)
        return int(row[0]) if row and row[0] is not None else 1

    def extra_appointments(self) -> dict[str, tuple[str, Any]]:
        with self.lock:
            rows = self._db.execute("SELECT code, id_number, body FROM extra_appointments").fetchall()
        return {r[0]: (r[1], Appointment.model_validate_json(r[2])) for r in rows}

    # prints
    def prints_for(self, licence_id: str) -> list[dict]:
        with self.lock:
            rows = self._db.execute("SELECT body FROM prints WHERE licence_id=? ORDER BY seq",
                                    (licence_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def add_print(self, record: dict, idem_key: str) -> None:
        self._exec("INSERT INTO prints (print_id, licence_id, kiosk_id, idem_key, body) "
                   "VALUES (?,?,?,?,?)", record["print_id"], record["licence_id"],
                   record["kiosk_id"], idem_key, json.dumps(record, ensure_ascii=False))

    # ratings and ticket events
    def add_rating(self, body: dict, idem_key: str) -> None:
        with self.lock:
            self._exec("INSERT INTO ratings (idem_key, body) VALUES (?,?)", idem_key,
                       json.dumps(body, ensure_ascii=False))
            self._exec("INSERT INTO arrivals (kind, key) VALUES ('rating', ?)", idem_key)

    def add_ticket_event(self, event: dict) -> bool:
        """False when an event with this event_id is already stored (deduplicated)."""
        with self.lock:
            cur = self._exec("INSERT OR IGNORE INTO ticket_events (event_id, body) VALUES (?,?)",
                             event["event_id"], json.dumps(event, ensure_ascii=False))
            if cur.rowcount != 1:
                return False
            self._exec("INSERT INTO arrivals (kind, key) VALUES ('ticket_event', ?)",
                       event["event_id"])
            return True

    def received(self) -> dict[str, list]:
        with self.lock:
            out = {}
            for table in ("ratings", "ticket_events", "prints"):
                rows = self._db.execute(f"SELECT body FROM {table} ORDER BY seq").fetchall()
                out[table] = [json.loads(r[0]) for r in rows]
            out["checkins"] = [dict(code=r[0], at=r[1]) for r in
                               self._db.execute("SELECT code, at FROM checkins").fetchall()]
            out["arrivals"] = [r[0] for r in
                               self._db.execute("SELECT key FROM arrivals ORDER BY seq").fetchall()]
        return out
