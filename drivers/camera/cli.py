"""kioskctl camera: read a frame to check a camera; `snapshot` saves one for a technician.

`snapshot --out` is the only place in the suite where a camera frame is written to disk,
and only because a technician asked for it explicitly.
"""
from __future__ import annotations

import argparse

import cv2

from drivers.camera.device import Camera
from drivers.cli import emit
from drivers.core import DeviceUnavailable


def _snapshot(args: argparse.Namespace) -> int:
    with Camera(args.url, reconnect_attempts=args.attempts) as camera:
        frame = camera.read_frame()
    try:
        ok = cv2.imwrite(args.out, frame)
    except cv2.error as err:
        raise DeviceUnavailable(f"cannot write {args.out}: {err}") from err
    if not ok:
        raise DeviceUnavailable(f"cannot write {args.out} (the extension picks the format: .png, .jpg)")
    h, w = frame.shape[:2]
    emit(args, {"out": args.out, "width": w, "height": h}, f"saved {w}x{h} frame to {args.out}")
    return 0


def _status(args: argparse.Namespace) -> int:
    camera = Camera(args.url, reconnect_attempts=args.attempts)
    report = camera.health_check()
    camera.close()
    data = report.to_dict() | {"extra": report.status.extra}
    size = f"{report.status.extra.get('width', '?')}x{report.status.extra.get('height', '?')}"
    emit(args, data, f"{report.status.state.value} {size} {report.status.message}".strip())
    return 0 if report.ok else 1


def register(sub, common: argparse.ArgumentParser) -> None:
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--url", required=True, help="device://0, rtsp://..., file:///x.avi?loop=1, sim://camera")
    target.add_argument("--attempts", type=int, default=2, help="reconnect attempts when the source fails")
    camera = sub.add_parser("camera", parents=[common], help="cameras (frame sources)")
    cmds = camera.add_subparsers(dest="camera_command", metavar="ACTION", required=True)
    snap = cmds.add_parser("snapshot", parents=[common, target], help="save one frame to --out (PNG/JPEG)")
    snap.add_argument("--out", required=True, help="where to save the frame; the only place a frame is written")
    snap.set_defaults(func=_snapshot)
    status = cmds.add_parser("status", parents=[common, target], help="open the source and read one frame")
    status.set_defaults(func=_status)
