#!/usr/bin/env bash
# Compile the kiosk's translations (Qt Linguist .ts -> .qm) with pyside6-lrelease from the venv.
# Safe to run again: each .qm is rewritten from its .ts. Usage: scripts/compile_translations.sh [out_dir]
# (default: next to the .ts files, where kiosk_app/translations/__init__.py reads them).
set -euo pipefail
cd "$(dirname "$0")/.."
LRELEASE=${LRELEASE:-.venv/bin/pyside6-lrelease}
SRC=kiosk_app/translations
OUT=${1:-$SRC}
mkdir -p "$OUT"
if [ ! -x "$LRELEASE" ]; then
  echo "compile_translations: $LRELEASE not found (run scripts/bootstrap.sh first)" >&2
  exit 1
fi
for ts in "$SRC"/*.ts; do
  qm="$OUT/$(basename "${ts%.ts}").qm"
  "$LRELEASE" -silent "$ts" -qm "$qm"
done
echo "compile_translations: $(ls "$OUT"/*.qm | wc -l) translation file(s) in $OUT"
