#!/usr/bin/env bash
# Run every benchmark in bench/ and print its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
for b in bench/bench_*.py; do
  echo "== $b"
  .venv/bin/python "$b"
done
