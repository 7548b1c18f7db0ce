"""Backend figures against the reference server (subprocess): signed call latency and
outbox throughput on SQLite. Plain script: `.venv/bin/python bench/bench_backend.py`."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hall_controller.backend import BackendClient  # noqa: E402
from hall_controller.backend.outbox import Outbox  # noqa: E402
from reference_backend.process import ServerProcess  # noqa: E402

N_CALLS, N_ITEMS = 200, 500


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:.2f} ms, p95 {q[94] * 1000:.2f} ms"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-backend-"))
    with ServerProcess(state_dir=tmp / "state") as srv, \
            BackendClient(srv.url, srv.app_key, srv.app_secret) as client:
        idn = srv.citizens()[0]["id_number"]
        for name, call in [("list_matters", client.list_matters),
                           ("guide", lambda: client.guide("A001")),
                           ("licences", lambda: client.licences(idn))]:
            call()
            samples = []
            for _ in range(N_CALLS):
                t = time.perf_counter()
                call()
                samples.append(time.perf_counter() - t)
            print(f"{name:14s} {_ms(samples)}")
        lid = srv.citizens()[0]["licences"][0]
        t = time.perf_counter()
        pdf = client.licence_pdf(lid)
        print(f"licence_pdf    {len(pdf)} bytes, first call {1000 * (time.perf_counter() - t):.1f} ms")
        engine = sa.create_engine(f"sqlite:///{tmp / 'controller.sqlite'}")
        box = Outbox(engine, client)
        t = time.perf_counter()
        for i in range(N_ITEMS):
            box.enqueue("ticket_event", {"hall_id": "h", "ticket_no": f"A{i:03d}",
                                         "kind": "issued", "at": "2026-01-05T10:00:00+08:00"})
        enq = time.perf_counter() - t
        t = time.perf_counter()
        delivered = box.deliver_once()
        dt = time.perf_counter() - t
        print(f"outbox enqueue {N_ITEMS / enq:.0f} items/s (committed one by one)")
        print(f"outbox deliver {delivered / dt:.0f} events/s (batches of {box.batch_size})")
        for i in range(100):
            box.enqueue("rating", {"ticket_no": f"A{i:03d}", "hall_id": "h", "window_id": "w",
                                   "clerk_id": "c", "score": 5, "rated_at": "2026-01-05T10:00:00+08:00"})
        t = time.perf_counter()
        delivered = box.deliver_once()
        print(f"outbox deliver {delivered / (time.perf_counter() - t):.0f} ratings/s (one by one)")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
