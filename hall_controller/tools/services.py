"""`hall-provision install-services`: the systemd units of deploy/systemd/ rendered with this
machine's paths and written under a root directory (default /), so a technician installs a
hall's processes as services with one command (docs/technician.md, "Install a hall as
services"). Safe to run again: a unit whose text is the same is left alone, and an env file
the technician filled in (display.env) is never overwritten.

    hall-provision install-services                      # into /, entry points of this Python
    hall-provision install-services --root /tmp/img --bin-dir /opt/hall/venv/bin --activate no
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hall_controller.tools.files import replace_file

UNITS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
UNITS = ("hall-broker.service", "hall-controller.service", "hall-web.service", "hall-display.service",
         "hall-kiosk@.service", "hall-calling-screen@.service", "hall-window-caller@.service",
         "hall-rating-pad@.service")


@dataclass(frozen=True)
class Paths:
    bin_dir: Path                     # where hall-controller, hall-web, kiosk ... are (the venv's bin)
    etc: Path = Path("/etc/hall")     # the hall file, web.toml, the broker's files, the env files
    user: str = "hall"                # the controller and the web service
    kiosk_user: str = "hall-kiosk"    # the Qt apps
    mosquitto: Path = Path("/usr/sbin/mosquitto")
    xserver: Path = Path("/usr/bin/Xorg")

    def render(self, text: str) -> str:
        for key, value in (("@BIN@", self.bin_dir), ("@ETC@", self.etc), ("@USER@", self.user),
                           ("@KIOSK_USER@", self.kiosk_user), ("@MOSQUITTO@", self.mosquitto),
                           ("@XSERVER@", self.xserver)):
            text = text.replace(key, str(value))
        return text


def default_bin_dir() -> Path:
    """The directory of this Python's entry points (the venv the suite is installed in)."""
    return Path(sys.executable).parent


def install(root: Path, paths: Paths, *, source: Path = UNITS_DIR) -> list[str]:
    """Write the units, the sysusers file and (if absent) display.env under `root`; returns one
    line per file: written, unchanged or kept."""
    out = []
    unit_dir = root / "etc/systemd/system"
    files = [(source / name, unit_dir / name, 0o644, True) for name in UNITS]
    files.append((source / "hall.sysusers", root / "usr/lib/sysusers.d/hall-suite.conf", 0o644, True))
    files.append((source / "display.env", _under(root, paths.etc) / "display.env", 0o644, False))
    for src, dst, mode, ours in files:
        text = paths.render(src.read_text("utf-8"))
        if dst.exists() and (not ours or dst.read_text("utf-8") == text):
            out.append(f"{'unchanged' if ours else 'kept (yours)'}: {dst}")
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        replace_file(dst, text.encode("utf-8"), mode)
        out.append(f"written: {dst}")
    return out


def activate(root: Path) -> list[str]:
    """On the machine itself (root /): create the users and make systemd read the units."""
    if root.resolve() != Path("/"):
        return []
    done = []
    for cmd in (["systemd-sysusers", "/usr/lib/sysusers.d/hall-suite.conf"], ["systemctl", "daemon-reload"]):
        if shutil.which(cmd[0]) is None:
            done.append(f"skipped (not found): {' '.join(cmd)}")
            continue
        r = subprocess.run(cmd, capture_output=True, text=True)
        done.append(f"{'ran' if r.returncode == 0 else 'FAILED'}: {' '.join(cmd)}"
                    + (f": {r.stderr.strip()[:300]}" if r.returncode else ""))
    return done


def _under(root: Path, path: Path) -> Path:
    return root / path.relative_to(path.anchor)


def add_parser(sub) -> None:
    s = sub.add_parser("install-services", help="install the hall's systemd units (deploy/systemd/) with this "
                                                "machine's paths; safe to run again")
    s.add_argument("--root", default="/", help="install under this directory (an image, a test); default /")
    s.add_argument("--bin-dir", help="where the suite's commands are (default: next to this Python, "
                                     f"{default_bin_dir()})")
    s.add_argument("--etc", default="/etc/hall", help="the hall's configuration directory (default /etc/hall)")
    s.add_argument("--user", default="hall", help="the controller's and the web service's user (default hall)")
    s.add_argument("--kiosk-user", default="hall-kiosk", help="the Qt apps' user (default hall-kiosk)")
    s.add_argument("--mosquitto", default="/usr/sbin/mosquitto", help="the broker (default Debian's)")
    s.add_argument("--x-server", default="/usr/bin/Xorg", help="hall-display.service's X server (default Xorg)")
    s.add_argument("--activate", choices=("auto", "no"), default="auto",
                   help="auto: with --root /, run systemd-sysusers and systemctl daemon-reload")


def cmd_install_services(args) -> int:
    bin_dir = Path(args.bin_dir) if args.bin_dir else default_bin_dir()
    missing = [n for n in ("hall-controller", "hall-web", "kiosk", "calling-screen", "window-caller", "rating-pad")
               if not os.access(bin_dir / n, os.X_OK)]
    if missing:
        print(f"hall-provision: --bin-dir {bin_dir}: no {', '.join(missing)} there (the suite's venv bin directory)",
              file=sys.stderr)
        return 2
    for opt, value in (("--etc", args.etc), ("--mosquitto", args.mosquitto), ("--x-server", args.x_server)):
        if not os.path.isabs(value):
            print(f"hall-provision: {opt} {value}: an absolute path is needed (systemd wants one)", file=sys.stderr)
            return 2
    root = Path(args.root)
    paths = Paths(bin_dir=bin_dir.absolute(), etc=Path(args.etc), user=args.user, kiosk_user=args.kiosk_user,
                  mosquitto=Path(args.mosquitto), xserver=Path(args.x_server))
    try:
        lines = install(root, paths)
    except OSError as err:
        print(f"hall-provision: cannot install under {root}: {err.strerror}: {err.filename}", file=sys.stderr)
        return 1
    if args.activate == "auto":
        lines += activate(root)
    print("\n".join(lines))
    print("next: the files of docs/technician.md in " + str(paths.etc) + ", then "
          "`systemctl enable --now hall-broker hall-controller` (and hall-web, hall-kiosk@<id>, ...)")
    return 0
