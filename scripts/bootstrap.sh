#!/usr/bin/env bash
# Set up everything the demo and the tests need on a fresh Debian machine.
# Safe to run twice: each step checks first and does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  mosquitto mosquitto-clients          # MQTT broker (with its dynamic security plugin), mosquitto_rr
  iproute2                             # tests: this machine's non-loopback address (ip -j addr)
  espeak-ng sox                        # speech and its measurement
  fonts-noto-cjk fonts-wqy-microhei    # Simplified Chinese fonts (Qt, PDFs, receipts)
  pcscd libpcsclite-dev swig vsmartcard-vpcd   # PC/SC stack with a virtual reader
  cups cups-client cups-bsd libcups2-dev       # A4 licence printing
  socat xvfb xauth poppler-utils               # ptys, virtual screen, PDF to PNG
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0   # Qt offscreen
  postgresql                                    # optional shared state database
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[all,dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
