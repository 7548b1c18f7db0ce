"""The kiosk's voice (kiosk_app/devices/voice.py) and help (kiosk_app/flows/help.py), built from
its configuration for kiosk_app/app.py: the [voice] section, the hall's guide robot, the
controller's retained help board."""
from __future__ import annotations

from config.schema import HallConfig, KioskConfig
from drivers.core.clock import Clock
from drivers.speech.output import AudioOutput
from hall_protocol import contract
from hall_protocol.help import HelpBoard
from hall_protocol.mqtt import Endpoint
from kiosk_app.clients.help import HelpClient
from kiosk_app.devices.voice import KioskVoice
from kiosk_app.flows.help import HelpFlow


def build_voice(config: KioskConfig) -> KioskVoice:
    """Started on first use: a kiosk that never speaks starts no speech engine."""
    v = config.voice
    return KioskVoice(AudioOutput(v.speaker), volume=v.volume, engine=v.engine, voice=v.voice_zh, en_voice=v.voice_en)


def build_help(endpoint: Endpoint, hall: HallConfig, clock: Clock) -> HelpFlow:
    """The help flow, following the hall's help board (an unreadable board is ignored)."""
    flow = HelpFlow(HelpClient(endpoint, hall.id), clock, robot=hall.robot is not None)

    def on_board(msg) -> None:
        board = contract.read(msg, HelpBoard)
        if board is not None:
            flow.on_board(board)

    endpoint.subscribe(contract.HELP_BOARD.format(hall=hall.id), on_board)
    return flow
