"""Configuration: TOML files validated against pydantic schemas at start-up.

An unknown key, a wrong type or a missing file stops the program with a message naming
the file, the key and what was expected (see `config.load`).
"""
from config.load import ConfigError, load_config
from config.schema import HallSuiteConfig, KioskConfig, WebConfig

__all__ = ["ConfigError", "HallSuiteConfig", "KioskConfig", "WebConfig", "load_config"]
