"""Hall files written from a configuration model (generated cities for benches and tests)."""
from __future__ import annotations

from pathlib import Path

import tomli_w

from config.schema import HallSuiteConfig


def toml_text(config: HallSuiteConfig) -> str:
    """The TOML a technician would write for `config` (defaults left out); loads back equal."""
    data = config.model_dump(mode="python", exclude_defaults=True, exclude_none=True)
    return tomli_w.dumps(data)


def write(config: HallSuiteConfig, path: Path) -> Path:
    path.write_text(toml_text(config), encoding="utf-8")
    return path
