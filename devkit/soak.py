"""An accelerated day: a busy hall's 24 hours played in a few minutes with the real processes.

Real: Mosquitto (devkit/broker.py, every device its own identity), the controller
(`python -m hall_controller`, SQLite or PostgreSQL), the reference platform
(`python -m reference_backend`), one ESC/POS printer emulator process per kiosk
(`python -m drivers.escpos.emulator`) printed to by the real driver. Played by threads of this
process over MQTT as the devices would: kiosks issuing tickets (and printing them), window
callers calling, starting and finishing, citizens rating on the window's pad or at a kiosk, the
supervisor's desk acknowledging the alerts (bad ratings).

Simulated, and why:
- the hall's clock: the controller and the platform run `--test-clock` (drivers/core/clock.py
  AcceleratedClock), their wall clock `speed` times faster, so that a day, and its midnight,
  fit in minutes; timeouts and back-offs stay real;
- the citizens and the clerks (arrivals with a morning and an afternoon peak, service times);
- the kiosks and callers are threads speaking the contract, not the Qt apps.

During the day: paper runs out on the first kiosk's printer (near end, out, refilled), the broker
restarts, the platform is down for a while (ratings wait in the controller's outbox), and the
hall's clock crosses midnight.

Every few seconds each process's RSS, open files (/proc/<pid>/fd) and threads
(/proc/<pid>/task) are sampled. The run fails on:
- a growing trend after warm-up: the Theil-Sen slope (median of the slopes of all pairs of
  samples; a few outliers, like a garbage collection or a burst, do not move it) over the samples
  of the last incarnation of a process after the first WARMUP of the run, extrapolated over
  those samples' span, above LIMITS (RSS: 40 MB and 25 % of its median; open files: 8; threads:
  4). The controller holds the day's tickets in memory until midnight: in a 3,000 ticket day its
  RSS grew 21-26 MB after warm-up (and stayed flat once the day's work was done), so the memory
  limit sits above that; a leak of 3 KB or more per request (the day makes about 15,000) or of
  an fd or a thread per hundred tickets exceeds these limits; the allocator's arenas, a burst
  and a reconnect's short-lived threads do not;
- any issued ticket missing from the database, or a number given twice on a day;
- any accepted rating not received by the platform exactly once;
- a traceback in any process's stderr, or an exception in a player's thread.

`python -m devkit.soak --minutes 30` runs a longer soak by hand (docs/technician.md).
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
import sqlalchemy as sa

from config.schema import DatabaseConfig, DeviceConfig, HallSuiteConfig, LimitsConfig
from devkit.broker import MosquittoBroker
from devkit.city import hall as make_hall
from devkit.hallfile import write as write_config
from drivers.core.clock import AcceleratedClock
from drivers.core.errors import DeviceError
from drivers.escpos.printer import ReceiptPrinter
from drivers.escpos.templates import TicketReceipt
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.alerts import AlertBoard
from hall_protocol.mqtt import Endpoint, MqttError

ROOT = Path(__file__).resolve().parents[1]
HALL = "soak-hall"
CST = timezone(timedelta(hours=8))
START = datetime(2026, 12, 8, 6, 0, tzinfo=CST)   # a Tuesday, 06:00: midnight comes 18 h into the day
DAY_S = 86_400.0
WARMUP = 0.25                                       # the share of the run before trends are judged
LIMITS = {"rss_mb": (40.0, 0.25), "fds": (8, 0.0), "threads": (4, 0.0)}  # (absolute, share of median)
SERVICES = "ABCD"
SERVICE_MIX = (0.4, 0.3, 0.2, 0.1)


# -- figures ---------------------------------------------------------------------------------
def theil_sen(xs: list[float], ys: list[float]) -> float:
    """The median of the slopes of every pair of points (0 with fewer than two)."""
    slopes = [(ys[j] - ys[i]) / (xs[j] - xs[i])
              for i in range(len(xs)) for j in range(i + 1, len(xs)) if xs[j] != xs[i]]
    return statistics.median(slopes) if slopes else 0.0


@dataclass
class Sample:
    t: float
    pid: int
    rss_mb: float
    fds: int
    threads: int


def sample(pid: int, t: float) -> Sample | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        return Sample(t, pid, rss / 1024, len(os.listdir(f"/proc/{pid}/fd")), len(os.listdir(f"/proc/{pid}/task")))
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return None


@dataclass
class Trend:
    name: str
    what: str
    start: float
    end: float
    growth: float       # Theil-Sen slope x the judged span
    limit: float
    samples: int

    @property
    def growing(self) -> bool:
        return self.growth > self.limit


def judge(name: str, samples: list[Sample], warmup_until: float) -> list[Trend]:
    """The trends of one process: its last incarnation's samples after warm-up."""
    if not samples:
        return []
    last = [s for s in samples if s.pid == samples[-1].pid]
    judged = [s for s in last if s.t >= warmup_until]
    if len(judged) < 8:        # a process (re)started late: judge all it has after its first quarter
        judged = last[len(last) // 4:]
    out = []
    for what, (absolute, share) in LIMITS.items():
        ys = [float(getattr(s, what)) for s in judged]
        xs = [s.t for s in judged]
        span = xs[-1] - xs[0] if len(xs) > 1 else 0.0
        growth = theil_sen(xs, ys) * span
        limit = max(absolute, share * statistics.median(ys)) if ys else absolute
        out.append(Trend(name, what, float(getattr(samples[0], what)), float(getattr(samples[-1], what)),
                         growth, limit, len(judged)))
    return out


# -- processes -------------------------------------------------------------------------------
class Proc:
    """`python -m ...` with its stderr kept in a file (appended to by every incarnation)."""

    def __init__(self, name: str, args: list[str], log_dir: Path, env: dict | None = None) -> None:
        self.name, self.args, self.env = name, args, env or {}
        self.log_path = log_dir / f"{name}.stderr.log"
        self.proc: subprocess.Popen | None = None

    def start(self, ready: str | None = None, timeout: float = 60.0) -> dict | str:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, *self.args], cwd=ROOT, env={**os.environ, **self.env},
                                     stdout=subprocess.PIPE, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start: see {self.log_path}")
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if not r:
                continue
            line = self.proc.stdout.readline().decode("utf-8", "replace").strip()
            if (ready is None and line.startswith("{")) or (ready and ready in line):
                threading.Thread(target=self._drain, daemon=True).start()   # its stdout never fills
                return json.loads(line) if ready is None else line
        raise RuntimeError(f"{self.name} did not start within {timeout} s: see {self.log_path}")

    def _drain(self) -> None:
        proc = self.proc
        if proc and proc.stdout:
            try:
                for _ in proc.stdout:
                    pass
            except (ValueError, OSError):   # closed by stop() while reading: the process is gone
                pass

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    def stop(self) -> int | None:
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        code = self.proc.returncode
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        return code


def tracebacks(path: Path) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text("utf-8", "replace")
    return [text[m.start():m.start() + 600] for m in re.finditer(r"Traceback \(most recent call last\)", text)]


def stored_id(request_id: str) -> str:
    """A request id as the controller keeps it: the contract masks what looks like an ID or a phone
    number in it (a hex id may hold 11 digits in a row)."""
    return contract.TicketRequest(service="A", request_id=request_id).request_id


def control(port: int, line: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(line.encode() + b"\n")
        return s.makefile().readline().strip()


# -- the day ---------------------------------------------------------------------------------
def arrivals(hour: float) -> float:
    """Relative arrivals per hour of the day: a quiet night, a morning and an afternoon peak."""
    h = hour % 24
    day = 1.0 if 8 <= h < 18 else 0.35 if 6 <= h < 8 or 18 <= h < 22 else 0.15
    return day + 1.6 * math.exp(-((h - 10) ** 2) / 2) + 1.2 * math.exp(-((h - 15) ** 2) / 2)


STEPS = 1440
_WEIGHTS = list(itertools.accumulate(arrivals(START.hour + 24 * (i + 0.5) / STEPS) for i in range(STEPS)))


def cumulative(share_of_day: float) -> float:
    """The share of the day's arrivals before `share_of_day` (0..1) of the 24 h from START."""
    i = int(max(0.0, min(1.0, share_of_day)) * STEPS)
    return (_WEIGHTS[i - 1] if i else 0.0) / _WEIGHTS[-1]


@dataclass
class Figures:
    tickets: int = 0
    calls: int = 0
    finished: int = 0
    ratings_pad: int = 0
    ratings_kiosk: int = 0
    printed: int = 0
    unprinted: int = 0
    paper_out_turned_away: int = 0
    retries: int = 0
    refused: Counter = field(default_factory=Counter)
    restarts: Counter = field(default_factory=Counter)
    days: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)   # the tickets' states in the database at the end
    alerts_acknowledged: int = 0
    answer_p50_ms: float = 0.0
    answer_p99_ms: float = 0.0


@dataclass
class Result:
    figures: Figures
    trends: list[Trend]
    failures: list[str]
    duration_s: float
    workdir: Path

    def report(self) -> str:
        f = self.figures
        lines = [f"accelerated day: {self.duration_s:.0f} s wall for 24 h of the hall (workdir {self.workdir})",
                 f"tickets {f.tickets} (per day {dict(sorted(f.days.items()))}), calls {f.calls}, "
                 f"finished {f.finished}; in the database {dict(f.states)} (expired: waiting at midnight)",
                 f"ratings {f.ratings_pad + f.ratings_kiosk} (pad {f.ratings_pad}, kiosk {f.ratings_kiosk}), "
                 f"alerts acknowledged {f.alerts_acknowledged}",
                 f"printed {f.printed}, unprinted {f.unprinted}, citizens turned away by paper out "
                 f"{f.paper_out_turned_away}, request retries {f.retries}",
                 f"a ticket's answer p50 {f.answer_p50_ms:.0f} ms, p99 {f.answer_p99_ms:.0f} ms (wall, retries "
                 f"included)",
                 f"restarts {dict(f.restarts)}, refusals {dict(f.refused)}",
                 "process          what      start       end    growth     limit  samples"]
        for t in self.trends:
            lines.append(f"{t.name:<16} {t.what:<8} {t.start:>7.1f} {t.end:>9.1f} {t.growth:>9.2f} {t.limit:>9.2f}"
                         f"  {t.samples:>7}{'  GROWING' if t.growing else ''}")
        lines += [f"FAIL: {x}" for x in self.failures] or ["no failures"]
        return "\n".join(lines)


class Soak:
    """One accelerated day. `minutes`: the wall time of the 24 hours (drain and start-up come on top)."""

    def __init__(self, workdir: Path, *, minutes: float = 4.0, tickets: int = 3000, kiosks: int = 3,
                 windows: int = 12, database_url: str | None = None, sample_s: float = 2.0, seed: int = 15) -> None:
        self.workdir, self.minutes, self.total = Path(workdir), minutes, tickets
        self.kiosks, self.windows, self.sample_s = kiosks, windows, sample_s
        self.database_url = database_url or f"sqlite:///{self.workdir}/hall.db"
        self.rng = random.Random(seed)
        self.wall = minutes * 60.0
        self.speed = DAY_S / self.wall
        self.figures = Figures()
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.stop_play = threading.Event()
        self.answers: dict[str, tuple[str, str]] = {}     # request id -> (day, number)
        self.rated: list[str] = []                        # ticket numbers whose rating was accepted
        self.samples: dict[str, list[Sample]] = {}
        self.claimed = 0
        self.latency: list[float] = []                    # a ticket's request -> answer, wall seconds
        self.retried: list[tuple] = []                    # (hall time, topic, request id) asked again
        self.refused_requests: list[str] = []              # ticket requests answered with a refusal
        self.received_receipts = 0                        # receipts the printer emulators cut

    # -- set-up ----------------------------------------------------------------------
    def config(self) -> HallSuiteConfig:
        hall = make_hall(HALL, "加速一日测试大厅", self.windows, self.kiosks, daily_limit=9999, desks=1)
        pads = [DeviceConfig(id=f"{HALL}-p{n}", role="ratingpad", window=n) for n in range(1, self.windows + 1)]
        hall = hall.model_copy(update={"devices": hall.devices + pads})
        return HallSuiteConfig(controller_id="soak-controller", database=DatabaseConfig(url=self.database_url),
                               limits=LimitsConfig(requests_per_s=1e4, burst=1e4, queued_per_device=10_000),
                               halls=[hall])

    def hall_now(self) -> datetime:
        return self.clock.now().astimezone(CST)

    def share(self) -> float:
        return (time.time() - self.clock.anchor) / self.wall

    # -- players ---------------------------------------------------------------------
    def _ask(self, ep: Endpoint, topic: str, payload: dict) -> dict:
        """One request, retried with the same request id until answered (broker restart)."""
        deadline = time.monotonic() + 120
        while True:
            try:
                return ep.request(topic, payload, timeout=5)
            except MqttError:
                if time.monotonic() > deadline:
                    raise
                with self.lock:
                    self.figures.retries += 1
                    self.retried.append((f"{self.hall_now():%d %H:%M:%S}", topic, payload.get("request_id")))
                time.sleep(0.3)

    def _guard(self, name, target, *args) -> threading.Thread:
        def run() -> None:
            try:
                target(*args)
            except Exception:  # noqa: BLE001 - a player's failure is a failure of the run, with its traceback
                with self.lock:
                    self.failures.append(f"{name}: {traceback.format_exc()}")
                self.stop_play.set()
        th = threading.Thread(target=run, name=name, daemon=True)
        th.start()
        return th

    def kiosk(self, n: int, printer_url: str) -> None:
        cid = f"{HALL}-k{n}"
        ep = self.connect(cid)
        printer = ReceiptPrinter(printer_url, f"printer-{n}")
        topic = contract.TICKET_REQUEST.format(hall=HALL, client=cid)
        while not self.stop_play.is_set():
            target = round(self.total * cumulative(min(1.0, self.share())))
            with self.lock:
                go = self.claimed < min(target, self.total)
                if go:
                    self.claimed += 1
            if not go:
                if self.claimed >= self.total:
                    return
                time.sleep(0.02)
                continue
            try:
                printer.check_ready()
            except DeviceError:       # paper out: this citizen walks to the next kiosk
                with self.lock:
                    self.claimed -= 1
                    self.figures.paper_out_turned_away += 1
                time.sleep(0.1)
                continue
            service = self.rng.choices(SERVICES, SERVICE_MIX)[0]
            rid = uuid.uuid4().hex
            asked = time.monotonic()
            answer = self._ask(ep, topic, {"service": service, "request_id": rid})
            with self.lock:
                self.latency.append(time.monotonic() - asked)
            if answer.get("status") != "ok":   # the citizen is told, and presses again (a new request)
                with self.lock:
                    self.figures.refused[f"ticket:{answer.get('code')}"] += 1
                    self.refused_requests.append(f"{cid}:{stored_id(rid)}")
                    self.claimed -= 1
                continue
            info = contract.TicketInfo.model_validate(answer["data"])
            with self.lock:   # stored as source:request id, masked like any free text of a request
                self.answers[f"{cid}:{stored_id(rid)}"] = (info.day, info.number)
                self.figures.tickets += 1
                self.figures.days[info.day] += 1
            try:
                printer.print_ticket(TicketReceipt(
                    hall_name=info.hall_name, hall_name_en=info.hall_name_en, number=info.number,
                    service_name=info.service_name, service_name_en=info.service_name_en,
                    people_ahead=info.people_ahead, estimated_wait_min=info.estimated_wait_min,
                    window_area=info.area, window_area_en=info.area_en,
                    issued_at=datetime.fromisoformat(info.issued_at), qr_url=info.qr_url))
                with self.lock:
                    self.figures.printed += 1
            except DeviceError:       # out between the check and the print: the kiosk shows the QR
                with self.lock:
                    self.figures.unprinted += 1

    def window(self, n: int) -> None:
        caller = self.connect(f"{HALL}-c{n}")
        pad = self.connect(f"{HALL}-p{n}")
        rater = self.connect(f"{HALL}-k{1 + n % self.kiosks}")
        topic = contract.WINDOW_REQUEST.format(hall=HALL, client=caller.client_id)
        rng = random.Random(n)

        def act(action: str) -> dict:
            r = self._ask(caller, topic, {"window": n, "action": action, "request_id": uuid.uuid4().hex})
            if r.get("status") != "ok":
                with self.lock:
                    self.figures.refused[f"{action}:{r.get('code')}"] += 1
            return r

        while not self.stop_play.is_set():
            r = act("call_next")
            ticket = (r.get("data") or {}).get("ticket") if r.get("status") == "ok" else None
            if ticket is None:
                if self.claimed >= self.total and self.share() > 1.0:
                    return
                time.sleep(0.4)           # an idle clerk looks again (not a flood of call_next)
                continue
            with self.lock:
                self.figures.calls += 1
            if act("start").get("status") != "ok":
                continue
            time.sleep(min(2.0, rng.lognormvariate(math.log(0.45), 0.4)))  # the clerk serves (wall seconds)
            if act("finish").get("status") != "ok":
                continue
            with self.lock:
                self.figures.finished += 1
            if rng.random() < 0.7:
                self.rate(rng, pad if rng.random() < 0.6 else rater, ticket["number"])

    def supervisor(self) -> None:
        """The supervisor's desk acknowledges the hall's open alerts (bad ratings, mostly) every
        few seconds, as staff do; unacknowledged, they would stay on the board by design."""
        ep = self.connect(f"{HALL}-desk1")
        latest: list[AlertBoard | None] = [None]

        def on_board(msg) -> None:
            board = AlertBoard.model_validate_json(msg.payload)
            if board.is_newer_than(latest[0]):
                latest[0] = board

        ep.subscribe(contract.ALERTS.format(hall=HALL), on_board)
        topic = contract.ALERT_ACK.format(hall=HALL, client=ep.client_id)
        done: set[str] = set()
        while not self.stop_play.wait(2.0):
            board = latest[0]
            for alert in board.alerts if board else []:
                if alert.state == "open" and alert.id not in done:
                    r = self._ask(ep, topic, {"alert_id": alert.id, "request_id": uuid.uuid4().hex, "by": "S001"})
                    done.add(alert.id)
                    with self.lock:
                        if r.get("status") == "ok":
                            self.figures.alerts_acknowledged += 1
                        else:
                            self.figures.refused[f"alert_ack:{r.get('code')}"] += 1

    def rate(self, rng: random.Random, ep: Endpoint, number: str) -> None:
        score = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
        reasons = ["waiting"] if score <= 2 else []
        rid = uuid.uuid4().hex
        if ep.client_id.startswith(f"{HALL}-p"):
            r = self._ask(ep, contract.RATING_REQUEST.format(hall=HALL, client=ep.client_id),
                          {"request_id": rid, "ticket": number, "score": score, "reasons": reasons})
            kind = "pad"
        else:
            r = self._ask(ep, contract.BACKEND_REQUEST.format(hall=HALL, client=ep.client_id),
                          {"op": "rate", "ticket": number, "score": score, "reason_codes": reasons,
                           "request_id": rid})
            kind = "kiosk"
        with self.lock:
            if r.get("status") == "ok":
                self.rated.append(number)
                if kind == "pad":
                    self.figures.ratings_pad += 1
                else:
                    self.figures.ratings_kiosk += 1
            else:
                self.figures.refused[f"rating_{kind}:{r.get('code')}"] += 1

    # -- the run ---------------------------------------------------------------------
    def connect(self, cid: str) -> Endpoint:
        """The device's one connection (a second one under its client id would take the first
        one's place at the broker, and the two would keep pushing each other off)."""
        with self.lock:
            for ep in self.endpoints:
                if ep.client_id == cid:
                    return ep
            for attempt in range(3):   # a broker busy with a suite's earlier work may answer late
                ep = Endpoint(cid, "127.0.0.1", self.broker.port, username=cid, password=self.broker.passwords[cid])
                try:
                    ep.start(20)
                    break
                except MqttError:
                    if attempt == 2:
                        raise
            self.endpoints.append(ep)
        return ep

    def sampler(self) -> None:
        while not self.stop_sampling.wait(self.sample_s):
            t = time.monotonic()
            pids = {"broker": self.broker.proc.pid if self.broker.proc and self.broker.proc.poll() is None else None,
                    **{p.name: p.pid for p in self.procs}}
            for name, pid in pids.items():
                s = sample(pid, t) if pid else None
                if s:
                    self.samples.setdefault(name, []).append(s)
            self.take_receipts()

    def take_receipts(self) -> None:
        """Count the receipts each emulator cut, and let it forget them (it keeps every one)."""
        for _, port in self.printers:
            try:
                answer = control(port, "take")
            except OSError as err:
                self.failures.append(f"printer emulator on control port {port}: {err}")
                continue
            with self.lock:
                self.received_receipts += int(answer.split()[1])

    def at(self, share: float) -> bool:
        """Wait until `share` of the wall day has passed (False when the play stopped)."""
        while self.share() < share:
            if self.stop_play.wait(0.1):
                return False
        return True

    def events(self) -> None:
        """Paper, the broker, the platform: each at its hour of the day."""
        ctl = self.printers[0][1]
        script = [(0.14, "paper near end", lambda: control(ctl, "state near_end")),
                  (0.17, "paper out", lambda: control(ctl, "state out")),
                  (0.20, "paper refilled", lambda: control(ctl, "state ok")),
                  (0.28, "broker restart", self.restart_broker),
                  (0.42, "platform down", self.platform.stop),
                  (0.55, "platform up", lambda: self.platform.start(ready=None))]
        for share, what, do in script:
            if not self.at(share):
                return
            do()
            print(f"[soak] {self.hall_now():%H:%M} hall time ({share:.0%} of the day): {what}", flush=True)
            if "restart" in what or "up" in what:
                with self.lock:
                    self.figures.restarts[what.split()[0]] += 1

    def restart_broker(self) -> None:
        self.broker.stop()
        time.sleep(1.0)
        self.broker.start()

    def run(self) -> Result:
        self.workdir.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        cfg = self.config()
        self.broker = MosquittoBroker(self.workdir / "broker", identities(cfg)).start()
        self.procs: list[Proc] = []
        self.endpoints: list[Endpoint] = []
        self.stop_sampling = threading.Event()
        self.printers: list[tuple[str, int]] = []
        engine = sa.create_engine(self.database_url)
        try:
            for n in range(1, self.kiosks + 1):
                p = Proc(f"printer-{n}", ["-m", "drivers.escpos.emulator", "--tcp", "0", "--control-port", "0"],
                         self.workdir)
                info = p.start()
                self.procs.append(p)
                self.printers.append((f"tcp://127.0.0.1:{info['tcp']}", info["control"]))
            # The clock starts when the day's players are ready to play; both processes share it.
            anchor = time.time() + 25.0
            self.clock = AcceleratedClock(START, self.speed, anchor)
            spec = self.clock.spec()
            self.platform = Proc("platform", ["-m", "reference_backend", "--port", "0", "--app-key", "soak-key",
                                              "--app-secret", "soak-secret", "--admin-token", "soak-admin",
                                              "--state-dir", str(self.workdir / "platform"), "--test-clock", spec],
                                 self.workdir)
            url = self.platform.start(ready=None)["url"]
            port = url.rsplit(":", 1)[1]
            self.platform.args[self.platform.args.index("--port") + 1] = port   # a restart keeps the port
            self.procs.append(self.platform)
            toml = write_config(cfg, self.workdir / "hall.toml")
            controller = Proc("controller", ["-m", "hall_controller", "--config", str(toml), "--database",
                                             self.database_url, "--broker-port", str(self.broker.port), "--no-speaker",
                                             "--backend-url", url, "--test-clock", spec], self.workdir,
                              env={"HALL_MQTT_PASSWORD": self.broker.passwords[cfg.controller_id],
                                   "HALL_BACKEND_APP_KEY": "soak-key", "HALL_BACKEND_SECRET": "soak-secret"})
            controller.start(ready="hall-controller: ready")
            self.procs.append(controller)
            sampler = threading.Thread(target=self.sampler, name="soak-sampler", daemon=True)
            sampler.start()
            players = [self._guard(f"window-{n}", self.window, n) for n in range(1, self.windows + 1)]
            wait = anchor - time.time()
            if wait > 0:
                time.sleep(wait)
            print(f"[soak] the day begins: {self.hall_now():%Y-%m-%d %H:%M} hall time, x{self.speed:.0f}", flush=True)
            players += [self._guard(f"kiosk-{n}", self.kiosk, n, self.printers[n - 1][0])
                        for n in range(1, self.kiosks + 1)]
            players.append(self._guard("events", self.events))
            desk = self._guard("supervisor", self.supervisor)
            for th in players:
                th.join(self.wall + 180)
                if th.is_alive():
                    self.failures.append(f"{th.name} still playing {self.wall + 180:.0f} s after the day began")
                    self.stop_play.set()
            self.stop_play.set()
            desk.join(30)
            self.check_ratings(engine)
            self.stop_sampling.set()
            sampler.join(10)
            self.take_receipts()
            self.check_tickets(engine)
            if self.received_receipts != self.figures.printed:
                self.failures.append(f"the kiosks printed {self.figures.printed} tickets, the printers cut "
                                     f"{self.received_receipts}")
        finally:
            self.stop_play.set()
            self.stop_sampling.set()
            for ep in self.endpoints:
                ep.stop()
            for p in reversed(self.procs):
                code = p.stop()
                if code not in (None, 0, -signal.SIGTERM):
                    self.failures.append(f"{p.name} exited with {code} on SIGTERM")
            self.broker.stop()
            engine.dispose()
        for p in self.procs:
            self.failures += [f"traceback in {p.name}'s stderr ({p.log_path}):\n{tb}" for tb in tracebacks(p.log_path)]
        if len(self.latency) > 1:
            q = statistics.quantiles(self.latency, n=100)
            self.figures.answer_p50_ms, self.figures.answer_p99_ms = q[49] * 1000, q[98] * 1000
        (self.workdir / "samples.json").write_text(json.dumps(
            {name: [[round(x.t - began, 1), x.pid, round(x.rss_mb, 2), x.fds, x.threads] for x in ss]
             for name, ss in self.samples.items()}))
        warmup_until = began + (time.monotonic() - began) * WARMUP
        trends = [t for name, ss in self.samples.items() for t in judge(name, ss, warmup_until)]
        self.failures += [f"{t.name}: {t.what} grows by {t.growth:.1f} over the judged samples (limit {t.limit:.1f})"
                          for t in trends if t.growing]
        return Result(self.figures, trends, self.failures, time.monotonic() - began, self.workdir)

    # -- the checks ------------------------------------------------------------------
    def check_tickets(self, engine: sa.Engine) -> None:
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT request_id, day, number, state FROM tickets WHERE hall = :h"),
                             {"h": HALL}).all()
        self.figures.states = Counter(r.state for r in rows)
        stored = {r.request_id: (r.day, r.number) for r in rows}
        dup = [k for k, n in Counter((r.day, r.number) for r in rows).items() if n > 1]
        if dup:
            self.failures.append(f"numbers given twice on a day: {dup[:10]}")
        if len(stored) != len(rows):
            self.failures.append(f"{len(rows) - len(stored)} request ids stored twice")
        (self.workdir / "tickets.json").write_text(json.dumps({"answered": self.answers, "stored": stored,
                                                               "retried": self.retried}))
        lost = {k: v for k, v in self.answers.items() if stored.get(k) != v}
        if lost:
            self.failures.append(f"{len(lost)} answered tickets not in the database as answered: "
                                 f"{list(lost.items())[:5]}")
        extra = set(stored) - set(self.answers)
        if extra:
            told = sorted(extra & set(self.refused_requests))
            self.failures.append(f"{len(extra)} tickets in the database that no kiosk was given"
                                 + (f" ({len(told)} of them answered with a refusal: "
                                    f"{[(k, stored[k]) for k in told][:5]})" if told else ""))
        if len({d for d, _ in self.answers.values()}) < 2:
            self.failures.append(f"the hall's clock did not cross midnight (days {sorted(self.figures.days)})")
        if self.figures.tickets < self.total * 0.95:
            self.failures.append(f"only {self.figures.tickets} of {self.total} tickets were issued")

    def check_ratings(self, engine: sa.Engine) -> None:
        """The outbox delivers every accepted rating to the platform exactly once."""
        deadline = time.monotonic() + 120
        received: list[str] = []
        while time.monotonic() < deadline:
            with engine.connect() as c:
                pending = c.execute(sa.text("SELECT count(*) FROM backend_outbox WHERE state = 'pending'")
                                    ).scalar_one()
            url = f"http://127.0.0.1:{self.platform.args[self.platform.args.index('--port') + 1]}"
            try:
                r = requests.get(f"{url}/_admin/received", headers={"X-Admin-Token": "soak-admin"}, timeout=10)
                r.raise_for_status()
                received = [x["ticket_no"] for x in r.json()["ratings"]]
            except requests.RequestException as err:
                self.failures.append(f"the platform's received ratings could not be read: {err}")
                return
            if pending == 0 and len(received) >= len(self.rated):
                break
            time.sleep(1.0)
        (self.workdir / "ratings.json").write_text(json.dumps({"accepted": self.rated, "received": received}))
        want, got = Counter(self.rated), Counter(received)
        if want != got:
            self.failures.append(f"ratings: {sum((want - got).values())} accepted but not received, "
                                 f"{sum((got - want).values())} received more than once or never accepted "
                                 f"(accepted {len(self.rated)}, received {len(received)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devkit.soak", description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=4.0, help="wall minutes for the hall's 24 hours (default 4)")
    ap.add_argument("--tickets", type=int, default=3000, help="tickets issued over the day (default 3000)")
    ap.add_argument("--kiosks", type=int, default=3)
    ap.add_argument("--windows", type=int, default=12)
    ap.add_argument("--database", help="the controller's database URL (default SQLite in the work directory)")
    ap.add_argument("--workdir", type=Path, help="where the logs, the database and the broker live "
                                                  "(default a new temporary directory, kept)")
    args = ap.parse_args(argv)
    if args.minutes <= 0 or args.tickets <= 0 or args.kiosks < 1 or args.windows < 1:
        ap.error("--minutes, --tickets, --kiosks and --windows must be positive")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="soak-"))
    result = Soak(workdir, minutes=args.minutes, tickets=args.tickets, kiosks=args.kiosks, windows=args.windows,
                  database_url=args.database).run()
    print(result.report())
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
