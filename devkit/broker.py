"""Run a private Mosquitto (for the demo and the tests): a free port on 127.0.0.1, its own
password file and access rules, no persistence (unless asked), stopped with the process that started it."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from hall_controller.tools.provision import Identity, write_broker_files
from privacy import open_log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MosquittoBroker:
    def __init__(self, workdir: Path, identities: list[Identity] | None = None, port: int | None = None, *,
                 persistence: bool = False, log_all: bool = False) -> None:
        """`persistence`: keep retained messages in workdir/data/mosquitto.db (as production does);
        `log_all`: log every connection, subscription and publish (never a payload)."""
        self.workdir = Path(workdir)
        self.persistence, self.log_all = persistence, log_all
        self.identities = identities
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.passwords = {i.client_id: i.password for i in identities or []}

    def start(self, timeout: float = 10.0) -> "MosquittoBroker":
        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = [f"listener {self.port} 127.0.0.1", "log_dest stderr", "max_queued_messages 10000",
                "set_tcp_nodelay true"]  # small MQTT packets must not wait for delayed ACKs
        conf += ["log_type all"] if self.log_all else ["log_type error", "log_type warning"]
        if self.persistence:
            (self.workdir / "data").mkdir(exist_ok=True)
            conf += ["persistence true", f"persistence_location {self.workdir / 'data'}/"]
        else:
            conf += ["persistence false"]
        if os.geteuid() == 0:
            # Mosquitto drops root for the "mosquitto" user, who cannot read our 0600 files
            # in a private directory; this broker is private to the demo or the tests.
            conf.append("user root")
        if self.identities is not None:
            passwd, acl, _ = write_broker_files(self.workdir, self.identities)
            conf += ["allow_anonymous false", f"password_file {passwd}", f"acl_file {acl}"]
        else:
            conf += ["allow_anonymous true"]
        (self.workdir / "mosquitto.conf").write_text("\n".join(conf) + "\n")
        self.log = open_log(self.workdir / "mosquitto.log")
        self.proc = subprocess.Popen([exe, "-c", str(self.workdir / "mosquitto.conf")],
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited: see {self.workdir / 'mosquitto.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
