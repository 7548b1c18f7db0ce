"""`hall-provision install-services`: the units of deploy/systemd/ rendered with this machine's
paths into a temporary root, checked by systemd's own `systemd-analyze verify` (the ExecStart
paths are the real entry points of this venv, so verify checks they exist and run), and safe
to run twice."""
from __future__ import annotations

import configparser
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hall_controller.tools import services
from hall_controller.tools.provision_cli import main as provision

BIN = Path(sys.executable).parent
INSTANCES = {"hall-kiosk@.service": "kiosk-01", "hall-calling-screen@.service": "screen-main",
             "hall-window-caller@.service": "caller-w1", "hall-rating-pad@.service": "pad-w1"}


def _install(root: Path, capsys, *extra: str) -> list[str]:
    rc = provision(["install-services", "--root", str(root), "--bin-dir", str(BIN), "--x-server", "/usr/bin/Xvfb",
                    *extra])
    out = capsys.readouterr()
    assert rc == 0, out.err
    return out.out.splitlines()


def _verify(path: Path) -> str:
    """systemd-analyze verify; its whole output (a warning it 'ignores' still means a broken line)."""
    r = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
    return f"rc={r.returncode} {r.stdout}{r.stderr}".strip()


def _unit(path: Path) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    cp.read_string(path.read_text("utf-8"))
    return cp


def test_every_unit_verifies_and_says_how_it_runs(tmp_path, capsys):
    lines = _install(tmp_path, capsys)
    unit_dir = tmp_path / "etc/systemd/system"
    assert sorted(p.name for p in unit_dir.iterdir()) == sorted(services.UNITS)
    assert any(line.startswith("written:") for line in lines)
    for name in services.UNITS:
        path = unit_dir / name
        text = path.read_text("utf-8")
        assert not re.search(r"@[A-Z_]+@", text), f"{name}: a placeholder was left"
        if name in INSTANCES:  # a template verifies through an instance
            instance = unit_dir / name.replace("@", f"@{INSTANCES[name]}")
            instance.symlink_to(path.name)
            assert _verify(instance) == "rc=0", name
            instance.unlink()
        else:
            assert _verify(path) == "rc=0", name
        svc = _unit(path)["Service"]
        assert svc["Restart"] in ("always", "on-failure") and float(svc["RestartSec"]) >= 1, name
        if name in ("hall-broker.service", "hall-display.service"):
            continue  # Debian's mosquitto says READY itself and feeds no watchdog; an X server neither
        assert svc["Type"] == "notify" and svc["NotifyAccess"] == "main", name
        assert float(svc["WatchdogSec"]) > 0, name
        assert str(BIN) in svc["ExecStart"], name
        assert svc["User"] in ("hall", "hall-kiosk") and svc["NoNewPrivileges"] == "yes", name
    controller = _unit(unit_dir / "hall-controller.service")
    assert controller["Service"]["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert controller["Service"]["ExecStart"] == f"{BIN}/hall-controller --config /etc/hall/hall.toml $HALL_ARGS"
    assert "StartLimitBurst" in controller["Unit"]
    assert float(_unit(unit_dir / "hall-kiosk@.service")["Service"]["WatchdogSec"]) + \
        float(_unit(unit_dir / "hall-kiosk@.service")["Service"]["RestartSec"]) < 10  # a frozen kiosk: back in 10 s
    assert "u hall " in (tmp_path / "usr/lib/sysusers.d/hall-suite.conf").read_text("utf-8")


def test_running_it_again_changes_nothing_and_keeps_the_technicians_env(tmp_path, capsys):
    _install(tmp_path, capsys)
    env = tmp_path / "etc/hall/display.env"
    env.write_text("DISPLAY=:1\n", "utf-8")
    again = _install(tmp_path, capsys)
    assert all(line.startswith(("unchanged:", "kept (yours):", "next:")) for line in again), again
    assert env.read_text("utf-8") == "DISPLAY=:1\n"
    # another configuration directory: the units change, and say so
    moved = _install(tmp_path, capsys, "--etc", "/srv/hall")
    assert any(line.startswith("written:") and "hall-controller.service" in line for line in moved)
    assert "--config /srv/hall/hall.toml" in (tmp_path / "etc/systemd/system/hall-controller.service").read_text()


def test_verify_is_meaningful_and_bad_arguments_are_refused(tmp_path, capsys):
    # the same unit with an ExecStart that does not exist fails systemd's verification
    broken = tmp_path / "broken"
    services.install(broken, services.Paths(bin_dir=tmp_path / "no-venv/bin", xserver=Path("/usr/bin/Xvfb")))
    assert "is not executable" in _verify(broken / "etc/systemd/system/hall-controller.service")
    rc = provision(["install-services", "--root", str(tmp_path / "r"), "--bin-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2 and f"--bin-dir {tmp_path}: no hall-controller" in err
    rc = provision(["install-services", "--root", str(tmp_path / "r"), "--bin-dir", str(BIN), "--etc", "etc/hall"])
    assert rc == 2 and "--etc etc/hall: an absolute path is needed" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("name", ["hall-controller.service"])
def test_a_unit_with_a_bad_line_does_not_verify_clean(tmp_path, capsys, name):
    _install(tmp_path, capsys)
    path = tmp_path / "etc/systemd/system" / name
    path.write_text(path.read_text("utf-8").replace("WatchdogSec=30", "WatchdogSec=thirty"), "utf-8")
    assert "Failed to parse sec value" in _verify(path)
