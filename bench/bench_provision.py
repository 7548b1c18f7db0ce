"""Provisioning a whole city's broker: 1 centre, 18 town centres and 333 village stations
(~3,100 device identities, generated here), by `hall-provision broker` as a technician runs it.
Plain script: `.venv/bin/python bench/bench_provision.py`.

Figures, each next to its limit:
- seconds to write every identity (dynsec.json with PBKDF2 hashes, credentials.json, CA and
  broker certificate, mosquitto.conf), next to the limit of a few seconds and next to the old
  way measured in the same run (one `mosquitto_passwd` process per identity, timed on a
  sample and scaled to the city);
- seconds until Mosquitto listens on that file, then a sample of devices logging in (plain
  text on 127.0.0.1 and TLS with the hall's CA) and the same credentials refused under
  another client id;
- seconds to add a village (7 devices) to the running broker (one batch on the control topic).
"""
from __future__ import annotations

import json
import random
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import paho.mqtt.client as paho  # noqa: E402

from devkit.broker import free_port  # noqa: E402
from hall_controller.tools.provision_cli import main as provision  # noqa: E402

LIMIT_S = 5.0
TOWNS, VILLAGES, PEERS = 18, 333, 3
SAMPLE = 60
SERVICES = '''
  [[halls.services]]
  code = "A"
  name = "综合受理"
  name_en = "General Services"
'''


def hall(hall_id: str, windows: int, kiosks: int, screens: int, desks: int, robots: int) -> str:
    out = [f'[[halls]]\nid = "{hall_id}"\nname = "{hall_id} 政务服务"\n', SERVICES]
    out += [f'  [[halls.windows]]\n  number = {n}\n  services = {{ A = 1.0 }}\n' for n in range(1, windows + 1)]

    def device(i: str, role: str, window: int | None = None) -> str:
        return f'  [[halls.devices]]\n  id = "{hall_id}-{i}"\n  role = "{role}"\n' + (
            f"  window = {window}\n" if window else "")
    out += [device(f"caller-{n}", "caller", n) for n in range(1, windows + 1)]
    out += [device(f"display-{n}", "display", n) for n in range(1, windows + 1)]
    out += [device(f"kiosk-{n}", "kiosk") for n in range(1, kiosks + 1)]
    out += [device(f"screen-{n}", "screen") for n in range(1, screens + 1)]
    out += [device(f"desk-{n}", "supervisor") for n in range(1, desks + 1)]
    out += [device(f"robot-{n}", "robot") for n in range(1, robots + 1)]
    return "\n".join(out)


def city(extra_village: bool = False) -> str:
    peers = ", ".join(f'"city-controller-{n}"' for n in range(2, PEERS + 2))
    out = [f'controller_id = "city-controller"\ncontroller_peers = [{peers}]\n\n[broker]\nhost = "127.0.0.1"\n'
           'port = 1883\n', hall("centre", 48, 12, 8, 2, 2)]
    out += [hall(f"town-{n:02d}", 14, 3, 2, 1, 1) for n in range(1, TOWNS + 1)]
    out += [hall(f"village-{n:03d}", 2, 1, 1, 1, 0) for n in range(1, VILLAGES + 1 + extra_village)]
    return "\n".join(out)


def login(port: int, cid: str, password: str, client_id: str | None = None, ca: Path | None = None) -> int:
    """CONNACK reason code (0 accepted, 135 not authorized)."""
    c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id or cid, protocol=paho.MQTTv5)
    c.username_pw_set(cid, password)
    if ca:
        c.tls_set_context(ssl.create_default_context(cafile=str(ca)))
    got: list[int] = []
    done = threading.Event()
    c.on_connect = lambda cl, u, f, rc, p: (got.append(rc.value), done.set())
    try:
        c.connect("localhost" if ca else "127.0.0.1", port)
    except OSError:  # not listening yet
        return -1
    c.loop_start()
    done.wait(10)
    c.disconnect()
    c.loop_stop()
    return got[0] if got else -1


def old_way_s(tmp: Path, count: int) -> float:
    """Seconds for `count` identities the old way (one mosquitto_passwd per identity), from a sample."""
    sample, path = 100, tmp / "passwd"
    path.write_text("")
    start = time.perf_counter()
    for n in range(sample):
        subprocess.run(["mosquitto_passwd", "-b", str(path), f"device-{n}", "x" * 24], check=True, capture_output=True)
    return (time.perf_counter() - start) / sample * count


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-provision-"))
    (tmp / "city.toml").write_text(city(), encoding="utf-8")
    out, port, tls_port = tmp / "broker", free_port(), free_port()
    args = ["broker", "--config", str(tmp / "city.toml"), "--out", str(out), "--port", str(port),
            "--tls-port", str(tls_port), "--bind", "127.0.0.1", "--tls-name", "localhost", "--user", "root"]
    start = time.perf_counter()
    assert provision([*args, "--offline"]) == 0
    took = time.perf_counter() - start
    creds = json.loads((out / "credentials.json").read_text())
    devices = [c for c, v in creds.items() if v["role"] not in ("controller", "admin")]
    old = old_way_s(tmp, len(creds))
    print(f"\n{len(creds)} identities ({len(devices)} devices in {1 + TOWNS + VILLAGES} halls)")
    print(f"provision (hall-provision broker): {took:.2f} s   limit {LIMIT_S:.0f} s   "
          f"one mosquitto_passwd per identity (measured on 100): {old:.1f} s")
    conf = out / "mosquitto.conf"
    log = open(tmp / "mosquitto.log", "wb")
    start = time.perf_counter()
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=log, stderr=log)
    try:
        rng = random.Random(7)
        sample = rng.sample(devices, SAMPLE)
        while login(port, sample[0], creds[sample[0]]["password"]) != 0:
            if proc.poll() is not None or time.perf_counter() - start > 30:
                print(f"mosquitto did not start: {(tmp / 'mosquitto.log').read_text()}")
                return 1
            time.sleep(0.05)
        print(f"broker start on the file until the first login: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        plain = sum(login(port, c, creds[c]["password"]) == 0 for c in sample)
        tls = sum(login(tls_port, c, creds[c]["password"], ca=out / "ca.crt") == 0 for c in sample[:20])
        refused = sum(login(port, c, creds[c]["password"], client_id=f"{c}-x") == 135 for c in sample[:20])
        print(f"logins: {plain}/{SAMPLE} plain text, {tls}/20 TLS, {refused}/20 impostor client ids refused "
              f"({(time.perf_counter() - start) / (SAMPLE + 40) * 1000:.1f} ms each, with paho's start and stop)")
        (tmp / "city.toml").write_text(city(extra_village=True), encoding="utf-8")
        start = time.perf_counter()
        assert provision(args) == 0
        added = time.perf_counter() - start
        new = sorted(set(json.loads((out / "credentials.json").read_text())) - set(creds))
        ok = sum(login(port, c, json.loads((out / "credentials.json").read_text())[c]["password"]) == 0 for c in new)
        print(f"add a village ({len(new)} devices) to the running broker: {added:.2f} s   limit {LIMIT_S:.0f} s   "
              f"({ok}/{len(new)} log in at once)")
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
