"""Cameras as frame sources addressed by URL (device://, rtsp://, http://, file://, sim://camera)."""
from drivers.camera.device import Camera
from drivers.camera.sources import OpenCvSource, SyntheticSource, source_for_url

__all__ = ["Camera", "OpenCvSource", "SyntheticSource", "source_for_url"]
