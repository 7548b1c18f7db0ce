"""Window displays: Modbus RTU 7-segment number displays and text displays on the project's
own framed protocol (docs/display-protocol.md), each with an emulator on a pty."""
from drivers.display.modbus7seg import NumberDisplay
from drivers.display.textdisplay import TextDisplay

__all__ = ["NumberDisplay", "TextDisplay", "open_display"]


def open_display(url: str, kind: str, **kwargs) -> NumberDisplay | TextDisplay:
    """A display by kind ("modbus" or "text"); not started."""
    if kind == "modbus":
        return NumberDisplay(url, **kwargs)
    if kind == "text":
        return TextDisplay(url, **kwargs)
    raise ValueError(f"display kind must be 'modbus' or 'text', got {kind!r}")
