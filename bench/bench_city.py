"""A city in one controller, every figure next to its limit measured in the same run.

The generated city of devkit/city.py (1 centre, 18 towns, 333 villages: 352 halls, about 3,100
devices, each its own broker identity) on a private Mosquitto, the real controller as its own
process (`python -m hall_controller`) on SQLite:

- start-up: from the process's start to "ready" (every hall's memory loaded, every board
  published); limit 3 s;
- durable tickets per second with tickets spread over all 352 halls (16 requesters, each going
  round its halls' kiosks), next to the same 16 requesters on one hall of the same city in the
  same run; goal: the same throughput (ratio >= 0.9);
- the controller's CPU while the city is idle (after the burst, no requests), as a share of one
  core, sampled from /proc over 20 s; limit 0.5 %;
- memory per hall: the city controller's resident memory less a one-hall controller's, over the
  other halls;
- failover on PostgreSQL: three controller processes share the city's halls through leases;
  kill -9 one of them during a city-wide burst: how long until every hall it held answers again
  (limit 10 s), tickets acknowledged but lost (limit 0) and numbers issued twice (limit 0).

The figures are written into docs/queue.md (between the bench's markers) with the date and the
machine's core count. Plain script: `.venv/bin/python bench/bench_city.py [--quick] [--no-doc]`.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_queue as bq  # noqa: E402
from devkit.broker import MosquittoBroker  # noqa: E402
from devkit.city import city, devices  # noqa: E402
from devkit.hallfile import write as write_config  # noqa: E402
from hall_controller.tools.provision import identities  # noqa: E402
from hall_protocol import contract  # noqa: E402
from privacy import mask_text  # noqa: E402

REQUESTERS = 16
DOC = ROOT / "docs" / "queue.md"
BEGIN, END = "<!-- bench_city: begin -->", "<!-- bench_city: end -->"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def spawn(tmp: Path, broker: MosquittoBroker, config, url: str, name: str, cid: str | None = None
          ) -> tuple[subprocess.Popen, float]:
    """A controller process; returns it and the seconds until it said ready."""
    toml = write_config(config, tmp / f"{name}.toml")
    cid = cid or config.controller_id
    env = {**os.environ, "HALL_MQTT_PASSWORD": broker.passwords[cid]}
    args = [sys.executable, "-m", "hall_controller", "--config", str(toml), "--database", url, "--no-speaker",
            "--id", cid]
    started = time.monotonic()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=open(tmp / f"{name}.log", "ab"))
    while True:
        line = proc.stdout.readline()
        if b"ready" in line:
            return proc, time.monotonic() - started
        if proc.poll() is not None or time.monotonic() - started > 120:
            raise RuntimeError(f"{name} did not start: see {tmp / (name + '.log')}")


# A Python process holds about 340 MQTT clients at most (paho waits on its sockets with select(),
# which cannot take descriptors above 1024): the city's kiosks are spread over a few processes,
# each going round its share of halls with its requesters, as devices do on their own machines.
KIOSK_PROCESSES = 4
KIOSKS = r"""
import json, sys, threading, time, uuid
from hall_protocol.mqtt import Endpoint, MqttError
job = json.loads(sys.stdin.readline())
eps = []
for cid, pw in job["kiosks"]:
    ep = Endpoint(cid, "127.0.0.1", job["port"], username=cid, password=pw)
    ep.start(60)
    eps.append(ep)
print(json.dumps({"ready": len(eps)}), flush=True)
sys.stdin.readline()                       # go
stop = threading.Event()
out, lock = {"lat": [], "acked": [], "answered": []}, threading.Lock()

def run(group):
    i = 0
    while not stop.is_set() and (job["per"] is None or i < job["per"]):
        ep = group[i % len(group)]
        i += 1
        hall = ep.client_id.rsplit("-k", 1)[0]
        topic = f"hall/{hall}/request/ticket/{ep.client_id}"
        rid, t0 = uuid.uuid4().hex, time.perf_counter()
        while not stop.is_set():           # a lost answer is asked again with the same request id
            try:
                r = ep.request(topic, {"service": "A", "request_id": rid}, timeout=job["timeout"])
            except MqttError:
                if job["per"] is not None:
                    raise
                continue
            if r["status"] != "ok":
                if job["per"] is not None:
                    raise RuntimeError(str(r))
                time.sleep(0.2)
                continue
            with lock:
                out["lat"].append(time.perf_counter() - t0)
                out["acked"].append([rid, hall, r["data"]["number"]])
                out["answered"].append([hall, time.monotonic()])
            break

threads = [threading.Thread(target=run, args=(eps[i::job["threads"]],), daemon=True) for i in range(job["threads"])]
start = time.perf_counter()
for t in threads:
    t.start()
if job["per"] is None:
    sys.stdin.readline()                   # stop
    stop.set()
for t in threads:
    t.join(30)
out["elapsed"] = time.perf_counter() - start
print(json.dumps(out), flush=True)
for ep in eps:
    ep.stop()
"""


class Kiosks:
    """The city's kiosks (one per hall), in KIOSK_PROCESSES processes, REQUESTERS threads in all."""

    def __init__(self, broker: MosquittoBroker, ids: list[str], *, per: int | None, timeout: float = 30.0) -> None:
        self.procs = []
        for n in range(KIOSK_PROCESSES):
            mine = ids[n::KIOSK_PROCESSES]
            p = subprocess.Popen([sys.executable, "-c", KIOSKS], cwd=ROOT, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
            p.stdin.write(json.dumps({"port": broker.port, "kiosks": [[c, broker.passwords[c]] for c in mine],
                                      "per": per, "timeout": timeout,
                                      "threads": REQUESTERS // KIOSK_PROCESSES}) + "\n")
            p.stdin.flush()
            self.procs.append(p)
        for p in self.procs:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError("a kiosk process could not connect its kiosks")

    def go(self) -> None:
        for p in self.procs:
            p.stdin.write("go\n")
            p.stdin.flush()

    def stop(self) -> None:
        for p in self.procs:
            p.stdin.write("stop\n")
            p.stdin.flush()

    def results(self) -> dict:
        out = {"lat": [], "acked": [], "answered": [], "elapsed": 0.0}
        for p in self.procs:
            r = json.loads(p.stdout.readline())
            p.wait(30)
            for k in ("lat", "acked", "answered"):
                out[k] += r[k]
            out["elapsed"] = max(out["elapsed"], r["elapsed"])
        return out


def single_hall(tmp: Path, broker: MosquittoBroker, cfg, per_requester: int) -> dict:
    """The same city file, the 16 requesters all on the centre (its 20 kiosks)."""
    proc, _ = spawn(tmp, broker, cfg, f"sqlite:///{tmp}/one.db", "one-hall")
    net = bq.Hall(broker)
    try:
        kiosks = [net.connect(f"centre-k{i}") for i in range(1, REQUESTERS + 1)]
        bq.concurrently(kiosks, 3, bq.ticket("centre"))
        rate, lat = bq.concurrently(kiosks, per_requester, bq.ticket("centre"))
    finally:
        net.close()
        proc.terminate()
        proc.wait(30)
    return {"rate": rate, "p99": bq.pct(lat, 99)}


def one_hall_rss(tmp: Path, broker: MosquittoBroker, cfg) -> float:
    small = cfg.model_copy(update={"halls": cfg.halls[:1]})
    proc, _ = spawn(tmp, broker, small, f"sqlite:///{tmp}/rss.db", "rss-one")
    try:
        time.sleep(2)
        return rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)


def the_city(tmp: Path, broker: MosquittoBroker, cfg, per_requester: int, idle_s: float) -> dict:
    proc, startup = spawn(tmp, broker, cfg, f"sqlite:///{tmp}/city.db", "city")
    out: dict = {"startup": startup}
    try:
        ids = [f"{h.id}-k1" for h in cfg.halls]
        warm = Kiosks(broker, ids, per=2)
        warm.go()
        warm.results()
        kiosks = Kiosks(broker, ids, per=per_requester)
        kiosks.go()
        r = kiosks.results()
        out.update(rate=len(r["lat"]) / r["elapsed"], p50=bq.pct(r["lat"], 50), p99=bq.pct(r["lat"], 99))
        time.sleep(5)  # the statistics and boards of the burst go out
        c0, t0 = cpu_s(proc.pid), time.monotonic()
        time.sleep(idle_s)
        out["idle_cpu"] = (cpu_s(proc.pid) - c0) / (time.monotonic() - t0) * 100
        out["rss"] = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
    return out


# -- failover --------------------------------------------------------------------------------
def owners(engine) -> dict[str, str]:
    with engine.connect() as c:
        return {r.hall: r.owner for r in c.execute(sa.text("SELECT hall, owner FROM hall_leases")).all()}


def failover(tmp: Path, broker: MosquittoBroker, cfg, url: str, burst_s: float) -> dict:
    peers = cfg.model_copy(update={"controller_peers": ["city-controller-2", "city-controller-3"],
                                   "database": cfg.database.model_copy(update={"url": url})})
    ids = peers.controller_ids
    procs = {}
    for cid in ids:
        procs[cid], _ = spawn(tmp, broker, peers, url, cid, cid)
    engine = sa.create_engine(url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (len(owners(engine)) < len(cfg.halls)
                                               or len(set(owners(engine).values())) < 3):
            time.sleep(0.2)
        kiosks = Kiosks(broker, [f"{h.id}-k1" for h in cfg.halls], per=None, timeout=2.0)
        kiosks.go()
        time.sleep(burst_s / 2)
        victim = ids[1]
        held = {h for h, o in owners(engine).items() if o == victim}
        killed = time.monotonic()
        os.kill(procs[victim].pid, signal.SIGKILL)
        procs[victim].wait(10)
        time.sleep(burst_s / 2 + 10)
        kiosks.stop()
        r = kiosks.results()
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
                p.wait(30)
    back: dict[str, float] = {}
    for hall, at in r["answered"]:
        if hall in held and at > killed and hall not in back:
            back[hall] = at - killed
        elif hall in held and at > killed:
            back[hall] = min(back[hall], at - killed)
    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT hall, request_id, number FROM tickets")).all()
    engine.dispose()
    stored = {r.request_id.split(":", 1)[1]: (r.hall, r.number) for r in rows}
    lost = sum(1 for rid, hall, number in r["acked"] if stored.get(mask_text(rid)) != (hall, number))
    twice = sum(n - 1 for n in Counter((row.hall, row.number) for row in rows).values() if n > 1)
    return {"held": len(held), "answered_again": len(back), "takeover_max": max(back.values()) if back else None,
            "takeover_p50": statistics.median(back.values()) if back else None, "lost": lost, "twice": twice,
            "acked": len(r["acked"])}


# -- the document ----------------------------------------------------------------------------
def write_doc(cfg, one: dict, city_: dict, rss_one: float, fo: dict | None, quick: bool) -> None:
    halls = len(cfg.halls)
    per_hall = (city_["rss"] - rss_one) / (halls - 1)
    rows = [f"Measured by `bench/bench_city.py` on {datetime.date.today().isoformat()}, {os.cpu_count()} cores"
            f"{' (--quick)' if quick else ''}: the generated city ({halls} halls, {devices(cfg)} devices), "
            f"limits measured in the same run.", "",
            "| figure | limit (same run) | measured |", "|---|---|---|",
            f"| start-up, every hall loaded and its board out | 3 s | {city_['startup']:.2f} s |",
            f"| durable tickets/s over all {halls} halls, {REQUESTERS} requesters (SQLite) | one hall, same "
            f"requesters: {one['rate']:.0f}/s (goal 0.9 x) | {city_['rate']:.0f}/s = {city_['rate'] / one['rate']:.2f} x "
            f"(p50 {city_['p50']:.1f} ms, p99 {city_['p99']:.1f} ms) |",
            f"| controller CPU, idle city | 0.5 % of a core | {city_['idle_cpu']:.2f} % |",
            f"| memory per hall | - | {per_hall * 1024:.0f} KB ({city_['rss']:.0f} MB for the city, "
            f"{rss_one:.0f} MB for one hall) |"]
    if fo:
        rows.append(f"| failover: kill -9 one of 3 processes (PostgreSQL), its {fo['held']} halls answer again | "
                    f"10 s | all {fo['answered_again']} within {fo['takeover_max']:.1f} s (median "
                    f"{fo['takeover_p50']:.1f} s) |")
        rows.append(f"| failover: acknowledged tickets lost / numbers issued twice | 0 / 0 | {fo['lost']} / "
                    f"{fo['twice']} (of {fo['acked']} acknowledged) |")
    else:
        rows.append("| failover | - | not measured (no PostgreSQL) |")
    text = DOC.read_text("utf-8")
    block = BEGIN + "\n" + "\n".join(rows) + "\n" + END
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text += "\n### The city\n\n" + block + "\n"
    DOC.write_text(text, "utf-8")
    print(f"wrote the figures into {DOC.relative_to(ROOT)}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer requests (a check that the bench runs)")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/queue.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-city-"))
    cfg = city(peers=2)
    print(f"the city: {len(cfg.halls)} halls, {devices(cfg)} devices")
    per = 15 if args.quick else 60
    with MosquittoBroker(tmp / "broker", identities(cfg)) as broker:
        cfg = cfg.model_copy(update={"broker": cfg.broker.model_copy(update={"port": broker.port}),
                                     "controller_peers": []})
        one = single_hall(tmp, broker, cfg, per)
        print(f"one hall, {REQUESTERS} requesters: {one['rate']:.0f} tickets/s (p99 {one['p99']:.1f} ms)")
        c = the_city(tmp, broker, cfg, per, 8 if args.quick else 20)
        print(f"start-up {c['startup']:.2f} s (limit 3 s)")
        print(f"all {len(cfg.halls)} halls, {REQUESTERS} requesters: {c['rate']:.0f} tickets/s "
              f"= {c['rate'] / one['rate']:.2f} x one hall (goal 0.9); p50 {c['p50']:.1f} ms, p99 {c['p99']:.1f} ms")
        print(f"idle city: controller CPU {c['idle_cpu']:.2f} % of a core (limit 0.5 %)")
        rss_one = one_hall_rss(tmp, broker, cfg)
        print(f"memory: {c['rss']:.0f} MB for the city, {rss_one:.0f} MB for one hall: "
              f"{(c['rss'] - rss_one) / (len(cfg.halls) - 1) * 1024:.0f} KB per hall")
        fo = None
        url = bq.postgres_url()
        if url:
            try:
                fo = failover(tmp, broker, cfg, url, 10 if args.quick else 20)
            finally:
                bq.drop_schema(url)
            print(f"failover: {fo['answered_again']} of {fo['held']} halls of the killed process answered again "
                  f"within {fo['takeover_max']} s (limit 10 s); lost {fo['lost']}, issued twice {fo['twice']} "
                  f"(of {fo['acked']} acknowledged; limits 0)")
    if not args.no_doc:
        write_doc(cfg, one, c, rss_one, fo, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
