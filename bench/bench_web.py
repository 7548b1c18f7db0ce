"""The public web service under 5,000 open live pages, every figure next to the broker's bare
round trip measured in the same run.

A private Mosquitto (every client its own identity), the real controller as a process of its
own (SQLite, WAL), the web service as a process of its own (`python -m hall_web`), and this
script as the phones: 1,000 tickets of one service in one hall, each followed by 5 open pages
(server-sent events over plain sockets), so that every call changes what all 5,000 pages show:

- a call (call_next at a window) -> every open page has its update: p50, p99 and the last page;
  next to the broker's bare request -> response round trip (p50, p99);
- the web service's memory per open page (its resident size with the pages open, less before);
- page loads per second: a ticket's page rendered for 32 phones at once, each load asking the
  controller over MQTT (every token loaded once: nothing cached).

The figures are written into docs/web.md (between the bench's markers) with the date and the
machine's core count. Plain script: `.venv/bin/python bench/bench_web.py [--quick]`.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import re
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.schema import (BrokerConfig, DatabaseConfig, DeviceConfig, HallSuiteConfig,  # noqa: E402
                           LimitsConfig)
from devkit.broker import MosquittoBroker, free_port  # noqa: E402
from devkit.city import hall as make_hall  # noqa: E402
from devkit.hallfile import write as write_config  # noqa: E402
from hall_controller.tools.provision import extra_identity, identities  # noqa: E402
from hall_protocol import contract  # noqa: E402
from hall_protocol.mqtt import Endpoint  # noqa: E402

HALL = "bench-web"
DOC = ROOT / "docs" / "web.md"
BEGIN, END = "<!-- bench_web: begin -->", "<!-- bench_web: end -->"
ECHO = """
import sys
from hall_protocol.mqtt import Endpoint
ep = Endpoint("bench-echo", "127.0.0.1", int(sys.argv[1]), username="bench-echo", password=sys.argv[2])
ep.subscribe("bench/echo/+", lambda msg: ep.respond(msg, b'{"status":"ok","data":{}}'))
ep.start(10)
print("ready", flush=True)
sys.stdin.read()
"""


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] * 1000 if len(samples) > 1 else samples[0] * 1000


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def suite(port: int, url: str) -> HallSuiteConfig:
    hall = make_hall(HALL, "基准网页大厅", 4, 1, services=1, daily_limit=9999)
    hall = hall.model_copy(update={"devices": hall.devices + [DeviceConfig(id="bench-web-01", role="web")],
                                   "ticket_url": "http://127.0.0.1/t/{hall}/{token}"})
    return HallSuiteConfig(controller_id="bench-controller", broker=BrokerConfig(port=port),
                           database=DatabaseConfig(url=url),
                           limits=LimitsConfig(requests_per_s=1e5, burst=1e5, queued_per_device=10_000), halls=[hall])


def spawn(args: list[str], env: dict, log: Path, ready: bytes, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=open(log, "ab"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if select.select([proc.stdout], [], [], 0.2)[0]:
            line = proc.stdout.readline()
            if ready in line:
                return proc, line.decode()
    raise RuntimeError(f"{args[1]} did not start: see {log}")


def bare_round_trip(broker: MosquittoBroker, n: int) -> tuple[float, float]:
    proc = subprocess.Popen([sys.executable, "-c", ECHO, str(broker.port), broker.passwords["bench-echo"]], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    ep = Endpoint("bench-req", "127.0.0.1", broker.port, username="bench-req", password=broker.passwords["bench-req"])
    try:
        assert proc.stdout.readline().strip() == b"ready"
        ep.start(10)
        lat = []
        for _ in range(n):
            t = time.perf_counter()
            ep.request("bench/echo/bench-req", {"x": 1})
            lat.append(time.perf_counter() - t)
    finally:
        ep.stop()
        proc.stdin.close()
        proc.wait(10)
    return pct(lat, 50), pct(lat, 99)


# -- the phones -----------------------------------------------------------------------------
class Stream:
    __slots__ = ("events", "last")

    def __init__(self) -> None:
        self.events, self.last = 0, 0.0


async def follow(port: int, path: str, s: Stream, opened: asyncio.Semaphore) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    opened.release()
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            n = chunk.count(b"event: state")
            if n:
                s.events += n
                s.last = time.perf_counter()
    finally:
        writer.close()


async def load_pages(port: int, paths: list[str], concurrency: int) -> float:
    """Each of `concurrency` phones loads its share of pages on one keep-alive connection: loads/s."""
    async def phone(mine: list[str]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for path in mine:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
            length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
            await reader.readexactly(length)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(phone(paths[i::concurrency]) for i in range(concurrency)))
    return len(paths) / (time.perf_counter() - start)


async def phones(port: int, web_pid: int, tokens: list[str], per_ticket: int, calls: int, caller: Endpoint,
                 progress_at: list[float]) -> dict:
    out: dict = {}
    paths = [f"/t/{HALL}/{t}" for t in tokens]
    out["loads_per_s"] = await load_pages(port, paths, 32)
    print(f"page loads: {out['loads_per_s']:.0f} /s (32 phones at once, each load asks the controller)")
    before = rss_kib(web_pid)
    streams = [Stream() for _ in range(len(paths) * per_ticket)]
    opened = asyncio.Semaphore(0)
    tasks = []
    for i, s in enumerate(streams):
        tasks.append(asyncio.create_task(follow(port, paths[i % len(paths)] + "/events", s, opened)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    for _ in streams:
        await opened.acquire()
    deadline = time.monotonic() + 120
    while any(s.events == 0 for s in streams):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{sum(s.events == 0 for s in streams)} pages got no first state")
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    out["pages"] = len(streams)
    out["kib_per_page"] = (rss_kib(web_pid) - before) / len(streams)
    print(f"{len(streams)} live pages open; the web service's memory: {out['kib_per_page']:.1f} KiB per page")
    window = contract.WINDOW_REQUEST.format(hall=HALL, client=caller.client_id)
    loop = asyncio.get_running_loop()
    lat: list[float] = []
    lasts: list[float] = []
    to_progress: list[float] = []
    for k in range(calls):  # call k calls the k-th ticket: the pages of the ones before are done already
        live = [s for i, s in enumerate(streams) if i % len(paths) >= k]
        seen = [s.events for s in live]
        t0 = time.perf_counter()
        r = await loop.run_in_executor(None, lambda: caller.request(window, {"window": 1, "action": "call_next",
                                                                              "request_id": uuid.uuid4().hex}, 30))
        assert r["status"] == "ok", r
        deadline = time.monotonic() + 60
        while any(s.events == n for s, n in zip(live, seen)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{sum(s.events == n for s, n in zip(live, seen))} pages missed a call")
            await asyncio.sleep(0.005)
        mine = [s.last - t0 for s in live]
        lat += mine
        after = [t for t in progress_at if t >= t0]
        if after:
            to_progress.append(after[0] - t0)
        lasts.append(max(mine))
        await loop.run_in_executor(None, lambda: caller.request(window, {"window": 1, "action": "finish",
                                                                          "request_id": uuid.uuid4().hex}, 30))
        await asyncio.sleep(1.0)
    out.update(call50=pct(lat, 50), call99=pct(lat, 99), call_all=statistics.median(lasts) * 1000,
               progress=statistics.median(to_progress) * 1000 if to_progress else float("nan"))
    print(f"call -> every page: p50 {out['call50']:.0f} ms  p99 {out['call99']:.0f} ms  "
          f"last page {out['call_all']:.0f} ms (median of {calls} calls); of which the controller's "
          f"progress on the broker: {out['progress']:.0f} ms")
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return out


def write_doc(res: dict, quick: bool) -> None:
    table = "\n".join([
        BEGIN,
        f"Measured {datetime.date.today().isoformat()} by `bench/bench_web.py`{' --quick' if quick else ''} "
        f"on {os.cpu_count()} cores (broker, controller, web service and the {res['pages']} phones on this machine).",
        "",
        "| figure | measured | next to |",
        "|---|---|---|",
        f"| a call -> every open page has it, p50 | {res['call50']:.0f} ms | broker round trip p50 {res['rr50']:.2f} ms |",
        f"| a call -> every open page has it, p99 | {res['call99']:.0f} ms | broker round trip p99 {res['rr99']:.2f} ms |",
        f"| a call -> the last of {res['pages']} pages (median of calls) | {res['call_all']:.0f} ms | |",
        f"| of which: the call -> the hall's ticket progress on the broker (median) | {res['progress']:.0f} ms | |",
        f"| memory per open page | {res['kib_per_page']:.1f} KiB | |",
        f"| page loads per second (each asks the controller) | {res['loads_per_s']:.0f} /s | |",
        END])
    text = DOC.read_text("utf-8")
    DOC.write_text(re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), table, text, flags=re.S), "utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="500 pages (a check that the bench runs)")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/web.md")
    args = ap.parse_args()
    tickets, per_ticket, calls = (100, 5, 3) if args.quick else (1000, 5, 5)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))  # the web service inherits it
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    config = suite(1883, f"sqlite:///{tmp}/hall.db")
    probes = [extra_identity("bench-echo", "probe", [("read", "bench/#"), ("write", "reply/#")]),
              extra_identity("bench-watch", "probe", [("read", "hall/+/state/tickets")]),
              extra_identity("bench-req", "probe", [("write", "bench/#"), ("read", "reply/bench-req/#")])]
    with MosquittoBroker(tmp / "broker", identities(config) + probes) as broker:
        rr50, rr99 = bare_round_trip(broker, 300 if args.quick else 2000)
        print(f"bare broker request -> response: p50 {rr50:.2f} ms  p99 {rr99:.2f} ms")
        config = config.model_copy(update={"broker": config.broker.model_copy(update={"port": broker.port})})
        toml = write_config(config, tmp / "hall.toml")
        ctl, _ = spawn(["-m", "hall_controller", "--config", str(toml), "--no-speaker"],
                       {"HALL_MQTT_PASSWORD": broker.passwords["bench-controller"]}, tmp / "controller.log", b"ready")
        port = free_port()
        (tmp / "web.toml").write_text(
            f'id = "bench-web-01"\nlisten_port = {port}\npublic_url = "http://127.0.0.1:{port}"\n'
            f'page_loads_per_min = 100000\nmax_live_pages = 50000\n[broker]\nport = {broker.port}\n'
            f'[[halls]]\nid = "{HALL}"\n', "utf-8")
        web, _ = spawn(["-m", "hall_web", "--config", str(tmp / "web.toml"), "--log-level", "WARNING"],
                       {"HALL_MQTT_PASSWORD": broker.passwords["bench-web-01"]}, tmp / "web.log", b'"url"')
        kiosk = Endpoint(f"{HALL}-k1", "127.0.0.1", broker.port, username=f"{HALL}-k1",
                         password=broker.passwords[f"{HALL}-k1"])
        caller = Endpoint(f"{HALL}-c1", "127.0.0.1", broker.port, username=f"{HALL}-c1",
                          password=broker.passwords[f"{HALL}-c1"])
        watch = Endpoint("bench-watch", "127.0.0.1", broker.port, username="bench-watch",
                         password=broker.passwords["bench-watch"])
        progress_at: list[float] = []
        watch.subscribe(contract.TICKETS_STATE.format(hall=HALL), lambda msg: progress_at.append(time.perf_counter()))
        try:
            watch.start(10)
            kiosk.start(10)
            caller.start(10)
            tokens = []
            for _ in range(tickets):
                r = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client=kiosk.client_id),
                                  {"service": "A", "request_id": uuid.uuid4().hex}, 30)
                tokens.append(r["data"]["qr_url"].rsplit("/", 1)[1])
            time.sleep(1.0)  # the progress of the last tickets
            res = asyncio.run(phones(port, web.pid, tokens, per_ticket, calls, caller, progress_at))
        finally:
            watch.stop()
            kiosk.stop()
            caller.stop()
            for p in (web, ctl):
                p.terminate()
                p.wait(15)
    res.update(rr50=rr50, rr99=rr99)
    print(json.dumps({k: round(v, 2) for k, v in res.items()}))
    if not args.no_doc:
        write_doc(res, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
