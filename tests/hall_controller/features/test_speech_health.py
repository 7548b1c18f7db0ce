"""The loudspeakers' speech part publishes its health (hall_controller/features/voice.py): the
real espeak-ng behind the real speech worker, the controller's retained device health read by
the supervisor desk through the private Mosquitto. A voice espeak-ng does not have is a
technician's visit, and the calls go on without that loudspeaker."""
from __future__ import annotations

import time

from hall_controller.features.voice import Announcer, Speaker
from hall_protocol import contract
from hall_protocol.contract import DeviceHealth

from .test_voice import command, issue

HALL = "demo-hall"
DEVICE = f"speech-{HALL}-hall"


def _follow(device) -> list[DeviceHealth]:
    seen: list[DeviceHealth] = []
    desk = device("supervisor-desk")
    desk.subscribe(contract.DEVICE_HEALTH.format(hall=HALL, client=DEVICE),
                   lambda msg: msg.payload and seen.append(contract.read(msg, DeviceHealth)))
    return seen


def _speech(seen: list[DeviceHealth], timeout: float = 20.0, **want):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        part = next((p for p in seen[-1].parts if p.part == "speech"), None) if seen else None
        if part is not None and all(getattr(part, k) == v for k, v in want.items()):
            return part
        time.sleep(0.05)
    raise AssertionError(f"no speech health {want}; last: {seen[-1] if seen else None}")


def test_the_speech_part_is_online_and_speaks(controller, device, tmp_path):
    ann = Announcer([Speaker(HALL, None, "none", 100, ("zh",), True)], tmp_path / "wav", check_s=0.5)
    ann.subscribe(controller.endpoint).start()
    try:
        seen = _follow(device)
        part = _speech(seen, state="online", action="none")
        assert seen[-1].role == "speaker" and seen[-1].device == DEVICE and part.message == ""
        counters = ann.workers[ann.speakers[0]].counters  # kept across runs (the state directory)
        before = counters.snapshot().get("utterances", 0)
        issue(device, 1)
        command(device, 1, "call_next")
        deadline = time.monotonic() + 60
        while len(ann.done) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        spoken = [f.result(timeout=60) for f in ann.done[:2]]
        assert [u.engine_used for u in spoken][0] == "chime" and spoken[1].duration_s > 0.3
        assert counters.snapshot()["utterances"] == before + 1
    finally:
        ann.stop()


def test_a_missing_voice_is_a_technicians_visit_and_the_calls_go_on(controller, device, tmp_path):
    ann = Announcer([Speaker(HALL, None, "none", 100, ("zh",), True)], tmp_path / "wav",
                    voice="zz-no-such-voice", check_s=0.5)
    ann.subscribe(controller.endpoint).start()
    try:
        seen = _follow(device)
        part = _speech(seen, action="technician")
        assert part.state == "no_device" and "zz-no-such-voice" in part.message
        issue(device, 1)
        command(device, 1, "call_next")  # answered: the controller does not stop for a silent loudspeaker
        assert not ann.announce(HALL, "A099", 1) and ann.done == []
        time.sleep(1.2)  # two scheduled checks retry the engine: still no voice, still a technician's visit
        assert _speech(seen, action="technician").state == "no_device"
    finally:
        ann.stop()
