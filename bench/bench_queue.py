"""The queue over the real broker, every figure next to its limit measured in the same run.

A private Mosquitto (dynamic security: every client its own identity), the real controller as a
process of its own (`python -m hall_controller`, as it runs in a hall) on SQLite (WAL,
synchronous=FULL: every ticket fsynced before its answer) and on PostgreSQL (127.0.0.1:5432,
database `test`, a schema of its own), and the bare limits of the same broker and machine:

- durable tickets per second from 16 kiosks (each waits for its answer), next to bare MQTT
  request/response per second (a trivial responder process, the same 16 requesters);
  goal: at least 0.5 x bare on SQLite, 0.4 x on PostgreSQL;
- call_next -> the calling screen's board showing the call, p99, in a 4-window and a 60-window
  hall; limit 2 x bare request/response p99 + 5 ms;
- the answer time of a ticket at 20,000 tickets in the day next to the answer time at 100
  (windows serve as tickets come, so the queue stays a working day's); limit 1.2 x.

The figures are written into docs/queue.md (between the bench's markers) with the date and
the machine's core count. Plain script: `.venv/bin/python bench/bench_queue.py [--quick]`.
"""
from __future__ import annotations

import argparse
import datetime
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.schema import BrokerConfig, DatabaseConfig, DeviceConfig, HallSuiteConfig, LimitsConfig  # noqa: E402
from devkit.broker import MosquittoBroker  # noqa: E402
from devkit.city import hall as make_hall  # noqa: E402
from devkit.hallfile import write as write_config  # noqa: E402
from hall_controller.tools.provision import extra_identity, identities  # noqa: E402
from hall_protocol import contract  # noqa: E402
from hall_protocol.contract import Board  # noqa: E402
from hall_protocol.mqtt import Endpoint  # noqa: E402

KIOSKS = 16
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DOC = ROOT / "docs" / "queue.md"
BEGIN, END = "<!-- bench_queue: begin -->", "<!-- bench_queue: end -->"


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] * 1000 if len(samples) > 1 else samples[0] * 1000


# -- the halls ------------------------------------------------------------------------------
def suite(port: int, url: str) -> HallSuiteConfig:
    """Three halls: 4 windows (throughput, small-hall calls), 60 windows (big-hall calls), 6
    windows (a long day). The bench's devices send as fast as they are answered, far beyond
    what a device may send in a hall: the per-device rate limit is lifted."""
    small = make_hall("bench-4", "基准四窗口大厅", 4, 1, daily_limit=9999)
    small = small.model_copy(update={"devices": small.devices + [
        DeviceConfig(id=f"bench-kiosk-{i:02d}", role="kiosk") for i in range(KIOSKS)]})
    big = make_hall("bench-60", "基准六十窗口大厅", 60, 1, daily_limit=9999)
    day = make_hall("bench-day", "基准全天大厅", 6, 4, daily_limit=9999)
    return HallSuiteConfig(controller_id="bench-controller", broker=BrokerConfig(port=port),
                           database=DatabaseConfig(url=url),
                           limits=LimitsConfig(requests_per_s=1e5, burst=1e5, queued_per_device=10_000),
                           halls=[small, big, day])


class Hall:
    """The devices of one run, each logged in as itself."""

    def __init__(self, broker: MosquittoBroker) -> None:
        self.broker = broker
        self.endpoints: list[Endpoint] = []

    def connect(self, cid: str, timeout: float = 10.0) -> Endpoint:
        """The device's one connection (a second one under the same client id would take the
        first one's place at the broker, and the two would keep kicking each other out)."""
        for ep in self.endpoints:
            if ep.client_id == cid:
                return ep
        ep = Endpoint(cid, "127.0.0.1", self.broker.port, username=cid, password=self.broker.passwords[cid])
        ep.start(timeout)
        self.endpoints.append(ep)
        return ep

    def close(self) -> None:
        for ep in self.endpoints:
            ep.stop()
        self.endpoints.clear()


def concurrently(endpoints: list[Endpoint], n: int, request) -> tuple[float, list[float]]:
    """Each endpoint sends n requests one after another, all at once: (requests/s, latencies)."""
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


def ask(ep: Endpoint, topic: str, payload: dict) -> dict:
    r = ep.request(topic, payload, timeout=30)
    if r.get("status") != "ok":
        raise RuntimeError(f"refused: {r}")
    return r["data"]


def ticket(hall: str, service_cycle=itertools.cycle("ABCD")):
    def send(ep: Endpoint) -> dict:
        return ask(ep, contract.TICKET_REQUEST.format(hall=hall, client=ep.client_id),
                   {"service": next(service_cycle), "request_id": uuid.uuid4().hex})
    return send


def window(ep: Endpoint, hall: str, n: int, action: str) -> dict:
    return ask(ep, contract.WINDOW_REQUEST.format(hall=hall, client=ep.client_id),
               {"window": n, "action": action, "request_id": uuid.uuid4().hex})


# -- the bare limits ------------------------------------------------------------------------
ECHO = """
import sys, time
from hall_protocol.mqtt import Endpoint
ep = Endpoint("bench-echo", "127.0.0.1", int(sys.argv[1]), username="bench-echo", password=sys.argv[2])
ep.subscribe("bench/echo/+", lambda msg: ep.respond(msg, b'{"status":"ok","data":{}}'))
ep.start(10)
print("ready", flush=True)
sys.stdin.read()
"""


def bare(broker: MosquittoBroker, hall: Hall, requests: int) -> dict[str, float]:
    proc = subprocess.Popen([sys.executable, "-c", ECHO, str(broker.port), broker.passwords["bench-echo"]],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"ready"
        requesters = [hall.connect(f"bench-req-{i:02d}") for i in range(KIOSKS)]
        echo = lambda ep: ep.request(f"bench/echo/{ep.client_id}", {"x": 1})  # noqa: E731
        _, one = concurrently(requesters[:1], requests, echo)
        rate, _ = concurrently(requesters, max(50, requests // KIOSKS), echo)
    finally:
        proc.stdin.close()
        proc.wait(10)
    out = {"rr50": pct(one, 50), "rr99": pct(one, 99), "rate": rate}
    print(f"bare request -> response (1 requester)  p50 {out['rr50']:.2f} ms  p99 {out['rr99']:.2f} ms")
    print(f"bare request/response, {KIOSKS} requesters: {rate:.0f} /s")
    return out


# -- the controller -------------------------------------------------------------------------
def start_controller(tmp: Path, broker: MosquittoBroker, config: HallSuiteConfig, url: str) -> subprocess.Popen:
    toml = write_config(config, tmp / "bench.toml")
    env = {**os.environ, "HALL_MQTT_PASSWORD": broker.passwords[config.controller_id]}
    log = open(tmp / "controller.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "hall_controller", "--config", str(toml), "--database", url,
                             "--no-speaker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if b"ready" in line:
            return proc
        if proc.poll() is not None:
            break
    raise RuntimeError(f"the controller did not start: see {tmp / 'controller.log'}")


def call_to_board(hall: Hall, name: str, windows: int, calls: int) -> list[float]:
    """call_next at windows in turn; the time until the screen's board shows that call."""
    screen = hall.connect(f"{name}-s")
    seen: dict[tuple[int, str], float] = {}
    arrived = threading.Condition()
    last: list[Board | None] = [None]

    def on_board(msg) -> None:
        now = time.perf_counter()
        board = Board.model_validate_json(msg.payload)
        if not board.is_newer_than(last[0]):
            return
        last[0] = board
        with arrived:
            for c in board.current:
                seen.setdefault((c.window, c.ticket), now)
            arrived.notify_all()

    screen.subscribe(contract.BOARD.format(hall=name), on_board)
    time.sleep(0.3)
    kiosk = hall.connect(f"{name}-k1")
    callers = [hall.connect(f"{name}-c{n}") for n in range(1, windows + 1)]
    for n, ep in enumerate(callers, 1):
        window(ep, name, n, "open")
    send = ticket(name)
    for _ in range(calls + windows):
        send(kiosk)
    samples = []
    for i in range(calls):
        n = i % windows + 1
        t = time.perf_counter()
        number = window(callers[n - 1], name, n, "call_next")["ticket"]["number"]
        with arrived:
            if not arrived.wait_for(lambda: (n, number) in seen, timeout=10):
                raise RuntimeError(f"the board never showed {number} at window {n}")
        samples.append(seen[(n, number)] - t)
    return samples


def long_day(hall: Hall, tickets: int, sample: int) -> tuple[float, float]:
    """Answer time of a ticket early in the day and once `tickets` were issued; six windows
    call and finish as tickets come, so the queue stays what a working day holds."""
    name = "bench-day"
    kiosks = [hall.connect(f"{name}-k{i}") for i in range(1, 5)]
    callers = [hall.connect(f"{name}-c{n}") for n in range(1, 7)]
    for n, ep in enumerate(callers, 1):
        window(ep, name, n, "open")
    send = ticket(name)

    def answer_time() -> float:
        return statistics.median(concurrently(kiosks[:1], sample, send)[1]) * 1000

    def serve(count: int) -> None:
        for i in range(count):
            n = i % 6 + 1
            window(callers[n - 1], name, n, "call_next")

    early = answer_time()
    issued = sample
    while issued < tickets:
        step = min(1000, tickets - issued)
        per = max(1, step // len(kiosks))   # never 0: the loop must reach `tickets`
        concurrently(kiosks, per, send)
        issued += per * len(kiosks)
        serve(step - 50 if issued < tickets else step)
    late = answer_time()
    return early, late


def bench_database(label: str, url: str, tmp: Path, broker: MosquittoBroker, config: HallSuiteConfig,
                   limits: dict[str, float], quick: bool) -> dict:
    tmp.mkdir(parents=True, exist_ok=True)
    proc = start_controller(tmp, broker, config, url)
    hall = Hall(broker)
    out: dict = {}
    try:
        callers = [hall.connect(f"bench-4-c{n}") for n in range(1, 5)]
        for n, ep in enumerate(callers, 1):
            window(ep, "bench-4", n, "open")
        kiosks = [hall.connect(f"bench-kiosk-{i:02d}") for i in range(KIOSKS)]
        concurrently(kiosks, 5, ticket("bench-4"))  # warm up
        rate, lat = concurrently(kiosks, 60 if quick else 200, ticket("bench-4"))
        out["rate"] = rate
        print(f"[{label}] durable tickets, {KIOSKS} kiosks: {rate:.0f} /s (answer p50 {pct(lat, 50):.1f} ms, "
              f"p99 {pct(lat, 99):.1f} ms); ratio to bare {rate / limits['rate']:.2f}, goal >= "
              f"{0.5 if label == 'sqlite' else 0.4}")
        limit = 2 * limits["rr99"] + 5
        for name, windows in (("bench-4", 4), ("bench-60", 60)):
            samples = call_to_board(hall, name, windows, 60 if quick else 300)
            out[f"call99_{windows}"] = pct(samples, 99)
            print(f"[{label}] call_next -> screen board, {windows}-window hall: p50 {pct(samples, 50):.2f} ms, "
                  f"p99 {pct(samples, 99):.2f} ms; limit 2 x bare p99 + 5 ms = {limit:.2f} ms")
        early, late = long_day(hall, 2000 if quick else 20_000, 30 if quick else 100)
        out["early"], out["late"] = early, late
        print(f"[{label}] answer time at 100 tickets in the day {early:.2f} ms, at {2000 if quick else 20_000} "
              f"{late:.2f} ms: ratio {late / early:.2f}, limit 1.2")
    finally:
        hall.close()
        proc.terminate()
        proc.wait(30)
    return out


def postgres_url() -> str | None:
    schema = f"bench_queue_{uuid.uuid4().hex[:8]}"
    try:
        admin = sa.create_engine(PG_URL)
        with admin.begin() as c:
            c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except sa.exc.OperationalError as err:
        print(f"PostgreSQL not reachable at {PG_URL} ({err.orig}); not measured")
        return None
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    admin = sa.create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{url.rsplit("%3D", 1)[1]}" CASCADE'))
    admin.dispose()


def write_doc(limits: dict, results: dict[str, dict], quick: bool) -> None:
    day = 2000 if quick else 20_000
    rows = [f"Measured by `bench/bench_queue.py` on {datetime.date.today().isoformat()}, "
            f"{os.cpu_count()} cores{' (--quick)' if quick else ''}; limits measured in the same run.", "",
            "| figure | limit (same run) | SQLite | PostgreSQL |", "|---|---|---|---|"]

    def cell(db: str, key: str, fmt: str) -> str:
        r = results.get(db)
        return fmt.format(r[key]) if r else "not measured"

    def ratio(db: str, goal: float) -> str:
        r = results.get(db)
        return f"{r['rate']:.0f}/s = {r['rate'] / limits['rate']:.2f} x (goal {goal})" if r else "not measured"
    limit = 2 * limits["rr99"] + 5
    rows.append(f"| durable tickets/s, {KIOSKS} kiosks | bare request/response {limits['rate']:.0f}/s | "
                f"{ratio('sqlite', 0.5)} | {ratio('postgresql', 0.4)} |")
    for w in (4, 60):
        rows.append(f"| call_next -> board p99, {w} windows | 2 x {limits['rr99']:.2f} + 5 = {limit:.2f} ms | "
                    f"{cell('sqlite', f'call99_{w}', '{:.2f} ms')} | {cell('postgresql', f'call99_{w}', '{:.2f} ms')} |")
    rows.append(f"| answer at {day} tickets / at 100 | 1.2 x | "
                + " | ".join(f"{r['late']:.2f} / {r['early']:.2f} ms = {r['late'] / r['early']:.2f} x" if r else
                             "not measured" for r in (results.get("sqlite"), results.get("postgresql"))) + " |")
    text = DOC.read_text("utf-8")
    block = BEGIN + "\n" + "\n".join(rows) + "\n" + END
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text += "\n## Measured\n\n" + block + "\n"
    DOC.write_text(text, "utf-8")
    print(f"wrote the figures into {DOC.relative_to(ROOT)}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer requests (a check that the bench runs)")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/queue.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    config = suite(1883, "sqlite:///unused.db")
    probes = [extra_identity("bench-echo", "probe", [("read", "bench/#"), ("write", "reply/#")])]
    probes += [extra_identity(n, "probe", [("write", "bench/#"), ("read", f"reply/{n}/#")])
               for n in [f"bench-req-{i:02d}" for i in range(KIOSKS)]]
    with MosquittoBroker(tmp / "broker", identities(config) + probes) as broker:
        hall = Hall(broker)
        try:
            limits = bare(broker, hall, 300 if args.quick else 2000)
        finally:
            hall.close()
        config = config.model_copy(update={"broker": config.broker.model_copy(update={"port": broker.port})})
        results = {"sqlite": bench_database("sqlite", f"sqlite:///{tmp}/sqlite/hall.db", tmp / "sqlite", broker,
                                            config, limits, args.quick)}
        url = postgres_url()
        if url:
            try:
                results["postgresql"] = bench_database("postgresql", url, tmp / "pg", broker, config, limits,
                                                       args.quick)
            finally:
                drop_schema(url)
    if not args.no_doc:
        write_doc(limits, results, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
