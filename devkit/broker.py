"""Run a private Mosquitto (for the demo and the tests): a free port on 127.0.0.1, its own
identities and rules in the dynamic security plugin (the files `hall-provision` writes, from
the same code), no persistence, stopped with the process that started it. With `tls=True` it
also listens with TLS on `tls_port` (on `tls_bind`, 127.0.0.1 unless given), with a CA and a
broker certificate for `tls_names` made in its directory (`ca_file`). `persistence` keeps
retained messages in workdir/data (as production does); `log_all` logs every connection,
subscription and publish (never a payload)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from devkit.ports import free_port  # noqa: F401 (the tests and the demo take it from here)
from hall_controller.tools import tls as certs
from hall_controller.tools.provision import Identity, TlsListener, mosquitto_conf, write_broker_files
from privacy import open_log


def answers_mqtt(port: int, timeout: float = 2.0) -> bool:
    """Whether what listens on 127.0.0.1:`port` is an MQTT broker: a CONNECT (MQTT 3.1.1, no
    identity) is answered with a CONNACK, accepted or not."""
    connect = bytes([0x10, 17, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 10, 0, 5]) + b"probe"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(connect)
            return s.recv(1)[:1] == b"\x20"
    except OSError:
        return False


class MosquittoBroker:
    def __init__(self, workdir: Path, identities: list[Identity] | None = None, port: int | None = None, *,
                 tls: bool = False, tls_bind: str = "127.0.0.1", tls_names: list[str] | None = None,
                 require_certificate: bool = False, persistence: bool = False, log_all: bool = False) -> None:
        self.workdir = Path(workdir)
        self.persistence, self.log_all = persistence, log_all
        self.identities = identities
        self.port = port or free_port()
        self.fixed_port = port is not None
        self.proc: subprocess.Popen | None = None
        self.passwords = {i.client_id: i.password for i in identities or []}
        self.tls_bind = tls_bind
        self.tls_port = free_port(tls_bind) if tls else None
        self.tls_names = tls_names or ["localhost", "127.0.0.1"]
        self.require_certificate = require_certificate
        self.ca_file: Path | None = None

    def _conf(self) -> str:
        listener = None
        if self.tls_port:
            ca = certs.ensure_ca(self.workdir, "devkit")
            server, _ = certs.ensure_server_cert(self.workdir, ca, self.tls_names)
            self.ca_file = ca.cert
            listener = TlsListener(self.tls_port, ca.cert, server.cert, server.key, self.require_certificate)
        user = "root" if os.geteuid() == 0 else None
        # Mosquitto drops root for the "mosquitto" user, who cannot read our 0600 files in a
        # private directory; this broker is private to the demo or the tests.
        if self.identities is None:  # anonymous, no rules
            lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true", "persistence false",
                     "log_dest stderr", "log_type error", "log_type warning", "max_queued_messages 10000",
                     "set_tcp_nodelay true"] + ([f"user {user}"] if user else [])
            return "\n".join(lines) + "\n"
        data = self.workdir / "data"
        dynsec_file, _ = write_broker_files(self.workdir, self.identities, data_dir=data)
        conf = mosquitto_conf(port=self.port, dynsec_file=dynsec_file, data_dir=data, tls=listener,
                              bind=self.tls_bind, user=user, persistence=self.persistence)
        if self.log_all:
            return conf.replace("log_type error\n", "log_type all\n")
        return conf.replace("log_type notice\n", "").replace("connection_messages true\n", "")

    def start(self, timeout: float = 10.0) -> "MosquittoBroker":
        """Start it and return once it answers MQTT on its port; a port taken meanwhile by
        someone else (mosquitto exits) is given up for another one unless the port was asked for."""
        for attempt in range(3):
            if self._start(timeout):
                return self
            if self.fixed_port or attempt == 2:
                break
            self.port = free_port()
        raise RuntimeError(f"mosquitto exited: see {self.workdir / 'mosquitto.log'}")

    def _start(self, timeout: float) -> bool:
        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "mosquitto.conf").write_text(self._conf())
        self.log = open_log(self.workdir / "mosquitto.log")
        self.proc = subprocess.Popen([exe, "-c", str(self.workdir / "mosquitto.conf")],
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if answers_mqtt(self.port, 0.5) and self.proc.poll() is None:
                return True      # our broker: another one on this port would have made ours exit
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"mosquitto did not answer MQTT on {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def restart(self) -> None:
        """Stopped and started on the same port (its clients come back to it)."""
        self.stop()
        fixed, self.fixed_port = self.fixed_port, True
        try:
            self.start()
        finally:
            self.fixed_port = fixed

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
