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
  pulseaudio pulseaudio-utils                   # loudspeakers: a real sound server (null sinks in tests)
  chromium                                      # web pages tested in a real browser (Playwright)
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0
  libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 libxcb-cursor0   # Qt on X11 (xcb)
  libxcb1 libx11-6 libx11-xcb1 libxcb-glx0 libxcb-render0 libxcb-shm0 libxcb-sync1 libxcb-util1   # (ldd libqxcb.so)
  libwayland-client0 libwayland-cursor0 libwayland-egl1 libwayland-server0   # Qt on Wayland (cage)
  xdotool x11-utils openbox   # the demo and tests: windows mapped (xdotool, xwininfo); a window manager for Alt+F4
  weston                      # tests: a Wayland compositor (headless) for Qt's wayland plugin
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
check_qt_xcb() {   # every library Qt's xcb plugin loads is there (else every Qt app aborts on a display)
  local plugin
  plugin=$(ls .venv/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null | head -1)
  [ -n "$plugin" ] || return 0
  if ldd "$plugin" | grep -q "not found"; then
    echo "bootstrap: Qt's xcb plugin misses: $(ldd "$plugin" | awk '/not found/{print $1}' | tr '\n' ' ')" >&2
    echo "bootstrap: install the Debian packages that provide them (apt-file search NAME)" >&2
    exit 1
  fi
}
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

check_qt_xcb
# The kiosk's translations: Qt Linguist .ts -> .qm (pyside6-lrelease from the venv; idempotent).
scripts/compile_translations.sh

# The data screen's charts: ECharts from the npm registry, at set-up only (never at run time).
# npm: Debian's package where no Node.js is installed (a Node.js from elsewhere brings its own
# npm, and Debian's would conflict with it).
ECHARTS=hall_web/static/vendor/echarts.min.js
if [ ! -s "$ECHARTS" ] && ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap: installing Debian packages: nodejs npm"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if [ ! -s "$ECHARTS" ]; then
  echo "bootstrap: fetching ECharts 5 from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent echarts@5 >/dev/null && tar -xzf echarts-*.tgz package/dist/echarts.min.js package/LICENSE)
  mkdir -p hall_web/static/vendor
  cp "$tmp/package/dist/echarts.min.js" "$ECHARTS"
  cp "$tmp/package/LICENSE" hall_web/static/vendor/echarts.LICENSE
  rm -rf "$tmp"
fi
