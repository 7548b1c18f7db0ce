#!/usr/bin/env bash
# Run the whole test suite. Under CI=true a skipped test fails the run (see tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
export HALL_STATE_DIR="${HALL_STATE_DIR:-$(mktemp -d /tmp/hall-state.XXXXXX)}"
# The arrows only point down: the import contracts of pyproject.toml (docs/architecture.md).
.venv/bin/lint-imports --no-cache
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
# Every test: the suite, then the accelerated day (tests/soak, about 4.5 min) in a process and a
# state folder of its own, so that nothing an earlier test left running shares its machine's day.
.venv/bin/python -m pytest -m "not soak"
HALL_STATE_DIR="$(mktemp -d /tmp/hall-state.XXXXXX)" exec .venv/bin/python -m pytest -m soak tests/soak
