#!/usr/bin/env bash
# Run the whole test suite. Under CI=true a skipped test fails the run (see tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
export HALL_STATE_DIR="${HALL_STATE_DIR:-$(mktemp -d /tmp/hall-state.XXXXXX)}"
# The arrows only point down: the import contracts of pyproject.toml (docs/architecture.md).
.venv/bin/lint-imports --no-cache
exec .venv/bin/python -m pytest "$@"
