"""The queue over the real broker: a private Mosquitto with passwords and access rules, the
real controller on SQLite (WAL, synchronous=FULL: every ticket fsynced before its answer)
and, when it answers, on PostgreSQL (127.0.0.1:5432, database `test`, a schema of its own).

Figures, each next to the broker's own limit on this machine:
- ticket requests per second from N concurrent kiosks (each waits for its answer), next to
  bare request/response per second with a trivial responder and the same N requesters;
- latency from a window's "call_next" request to the calling screen's board showing the
  call (p50, p99), next to the bare request/response round trip (the same two hops) and the
  bare publish -> own subscription round trip.
Loopback only, bounded loops. Plain script: `.venv/bin/python bench/bench_queue.py`.
"""
from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import HallSuiteConfig, load_config  # noqa: E402
from config.schema import DeviceConfig  # noqa: E402
from devkit.broker import MosquittoBroker  # noqa: E402
from hall_apps.screen_model import ScreenModel  # noqa: E402
from hall_controller.core.board import build_board  # noqa: E402
from hall_controller.service import HallController  # noqa: E402
from hall_controller.store.db import make_engine  # noqa: E402
from hall_controller.tools.provision import extra_identity, identities  # noqa: E402
from hall_protocol import contract  # noqa: E402
from hall_protocol.mqtt import Endpoint  # noqa: E402


ROOT = Path(__file__).resolve().parents[1]
KIOSKS, PER_KIOSK, CALLS, PINGS = 8, 50, 200, 1000
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pct(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100)
    return q[49] * 1000, q[98] * 1000


def hall_config(kiosks: int) -> HallSuiteConfig:
    config = load_config(ROOT / "config" / "examples" / "hall.toml", HallSuiteConfig)
    hall = config.halls[0]
    extra = [DeviceConfig(id=f"bench-kiosk-{i:02d}", role="kiosk") for i in range(kiosks)]
    # The bench's kiosks and callers send as fast as they are answered: far beyond what a
    # device may send in a hall, so the per-device rate limit is lifted here.
    limits = config.limits.model_copy(update={"requests_per_s": 1e5, "burst": 1e5})
    return config.model_copy(update={"limits": limits,
                                     "halls": [hall.model_copy(update={"devices": hall.devices + extra})]})


def concurrently(endpoints: list[Endpoint], n: int, request) -> tuple[float, list[float]]:
    """Each endpoint sends n requests one after another, all endpoints at once: (requests/s, latencies)."""
    lat: list[float] = []
    lock = threading.Lock()

    def run(ep: Endpoint) -> None:
        mine = []
        for _ in range(n):
            t = time.perf_counter()
            request(ep)
            mine.append(time.perf_counter() - t)
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=run, args=(ep,)) for ep in endpoints]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(lat) / (time.perf_counter() - start), lat


def work_per_ticket(label: str, controller: HallController, q, n: int = 50) -> None:
    """Where a ticket's time goes inside the controller (no broker): the durable commit, the
    answer (people ahead and the estimate) and the board rebuilt for the screens."""
    parts = {"issue+commit": 0.0, "ticket_info": 0.0, "board": 0.0}
    for _ in range(n):
        t0 = time.perf_counter()
        t, _ = q.issue("A", uuid.uuid4().hex, source="bench")
        t1 = time.perf_counter()
        controller.ticket_info(q, t)
        t2 = time.perf_counter()
        build_board(q, 0)
        t3 = time.perf_counter()
        parts["issue+commit"] += t1 - t0
        parts["ticket_info"] += t2 - t1
        parts["board"] += t3 - t2
    waiting = len(q.waiting())
    print(f"[{label}] work per ticket with {waiting} waiting: "
          + ", ".join(f"{k} {1000 * v / n:.1f} ms" for k, v in parts.items()))


def bare_limits(broker: MosquittoBroker, connect) -> dict[str, float]:
    """The broker's own round trips: publish -> own subscription, and request -> trivial response."""
    echo = connect("bench-echo")
    echo.subscribe("bench/echo", lambda msg: echo.respond(msg, b'{"status":"ok"}'))
    probe = connect("bench-probe")
    got = threading.Event()
    probe.subscribe("bench/ping", lambda msg: got.set())
    probe.connected.wait(5)
    time.sleep(0.2)  # the subscription above was sent after connecting: let its SUBACK land
    pings = []
    for _ in range(PINGS):
        got.clear()
        t = time.perf_counter()
        probe.publish("bench/ping", b"x", qos=1)
        if not got.wait(5):
            raise RuntimeError("a bare ping did not come back within 5 s")
        pings.append(time.perf_counter() - t)
    requesters = [connect(f"bench-req-{i:02d}") for i in range(KIOSKS)]
    _, rr = concurrently(requesters[:1], PINGS, lambda ep: ep.request("bench/echo", {"x": 1}))
    rate, _ = concurrently(requesters, PER_KIOSK, lambda ep: ep.request("bench/echo", {"x": 1}))
    p_ping, p_rr = pct(pings), pct(rr)
    print(f"bare publish -> own subscription  p50 {p_ping[0]:.2f} ms  p99 {p_ping[1]:.2f} ms")
    print(f"bare request -> response          p50 {p_rr[0]:.2f} ms  p99 {p_rr[1]:.2f} ms")
    print(f"bare request/response, {KIOSKS} requesters: {rate:.0f} /s")
    return {"ping50": p_ping[0], "rr50": p_rr[0], "rr99": p_rr[1], "rr_rate": rate}


def bench_controller(label: str, url: str, broker: MosquittoBroker, config: HallSuiteConfig,
                     connect, limits: dict[str, float]) -> None:
    config = config.model_copy(update={
        "broker": config.broker.model_copy(update={"port": broker.port}),
        "database": config.database.model_copy(update={"url": url})})
    engine = make_engine(url)
    controller = HallController(config, engine, password=broker.passwords[config.controller_id])
    controller.start()
    hall = config.halls[0].id
    try:
        kiosks = [connect(f"bench-kiosk-{i:02d}") for i in range(KIOSKS)]
        callers = {w.number: connect(f"caller-w{w.number}") for w in config.halls[0].windows}
        for number, ep in callers.items():   # every clerk signs on: estimates replay the whole hall
            ep.request(contract.WINDOW_REQUEST.format(hall=hall, client=ep.client_id),
                       {"window": number, "action": "open", "request_id": uuid.uuid4().hex})

        services = itertools.cycle("ABCD")

        def ticket(ep: Endpoint) -> None:
            r = ep.request(contract.TICKET_REQUEST.format(hall=hall, client=ep.client_id),
                           {"service": next(services), "request_id": uuid.uuid4().hex})
            if r["status"] != "ok":
                raise RuntimeError(f"ticket refused: {r}")

        rate, lat = concurrently(kiosks, PER_KIOSK, ticket)
        p = pct(lat)
        print(f"[{label}] tickets, {KIOSKS} kiosks: {rate:.0f} /s  (latency p50 {p[0]:.1f} ms, p99 {p[1]:.1f} ms)"
              f"  ratio to bare request/response: {rate / limits['rr_rate']:.3f}")
        work_per_ticket(label, controller, next(iter(controller.queues.values())))

        screen, caller = connect("screen-main"), callers[1]
        model = ScreenModel(hall, config.controller_id)
        seen: dict[str, float] = {}
        arrived = threading.Condition()

        def on_board() -> None:
            now = time.perf_counter()
            for c in model.board.current if model.board else []:
                if c.window == 1:
                    with arrived:
                        seen.setdefault(c.ticket, now)
                        arrived.notify_all()

        model.listeners.append(on_board)
        model.attach(screen)
        time.sleep(0.3)  # the retained board arrives first; calls are measured after it
        samples = []
        for _ in range(CALLS):
            t = time.perf_counter()
            r = caller.request(contract.WINDOW_REQUEST.format(hall=hall, client="caller-w1"),
                               {"window": 1, "action": "call_next", "request_id": uuid.uuid4().hex})
            number = r["data"]["ticket"]["number"]
            with arrived:
                if not arrived.wait_for(lambda: number in seen, timeout=5):
                    raise RuntimeError(f"the board never showed {number} at window 1")
            samples.append(seen[number] - t)
        p = pct(samples)
        print(f"[{label}] call_next -> screen board  p50 {p[0]:.2f} ms  p99 {p[1]:.2f} ms"
              f"  ratio p50 to bare request/response: {p[0] / limits['rr50']:.1f}, "
              f"p99: {p[1] / limits['rr99']:.1f}")
    finally:
        controller.stop()
        engine.dispose()


def postgres_url() -> str | None:
    """A schema of our own in the `test` database, or None when PostgreSQL does not answer."""
    schema = f"bench_queue_{uuid.uuid4().hex[:8]}"
    try:
        admin = sa.create_engine(PG_URL)
        with admin.begin() as c:
            c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except sa.exc.OperationalError as err:
        print(f"PostgreSQL not reachable at {PG_URL} ({err.orig}); skipped")
        return None
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    schema = url.rsplit("%3D", 1)[1]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    config = hall_config(KIOSKS)
    rules = [("readwrite", "bench/#"), ("readwrite", "reply/#")]
    probes = [extra_identity(n, "probe", rules) for n in
              ["bench-echo", "bench-probe"] + [f"bench-req-{i:02d}" for i in range(KIOSKS)]]
    endpoints: list[Endpoint] = []
    with MosquittoBroker(tmp / "broker", identities(config) + probes) as broker:
        def connect(cid: str) -> Endpoint:
            ep = Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
            ep.start(10)
            endpoints.append(ep)
            return ep

        try:
            limits = bare_limits(broker, connect)
            bench_controller("sqlite", f"sqlite:///{tmp}/hall.db", broker, config, connect, limits)
            for ep in endpoints[:]:
                if ep.client_id.startswith(("bench-kiosk", "screen", "caller")):
                    ep.stop()
                    endpoints.remove(ep)
            url = postgres_url()
            if url:
                try:
                    bench_controller("postgresql", url, broker, config, connect, limits)
                finally:
                    drop_schema(url)
        finally:
            for ep in endpoints:
                ep.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
