#!/usr/bin/env bash
# Set up everything the product needs, once: a virtual environment in .venv with the
# project installed (plus the extras named in $1, e.g. "test"), and on Linux the system
# libraries Qt needs ($2: "offscreen" for tests, "xcb" for a real window).
# Re-running is cheap: it reinstalls only when pyproject.toml or the extras change.
# Sourced by run.sh, test.sh and scripts/build_exe.sh; sets $PY to the venv's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"
QT_MODE="${2:-offscreen}"

find_python() {
  for cand in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python py; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed. Install it, then run this again." >&2
  return 1
}

if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"
elif [ -x "$ROOT/.venv/Scripts/python.exe" ]; then PY="$ROOT/.venv/Scripts/python.exe"
else
  BASE_PY="$(find_python)"
  echo "Creating a virtual environment in .venv ..." >&2
  "$BASE_PY" -m venv "$ROOT/.venv"
  if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY="$ROOT/.venv/Scripts/python.exe"; fi
fi

# One stamp per (pyproject.toml, extras) pair: "test" and "build" runs keep each other's
# stamps, and any change to pyproject.toml invalidates them all.
HASH="$(cksum < "$ROOT/pyproject.toml" | cut -d' ' -f1)"
STAMP="$ROOT/.venv/.installed-$HASH-${EXTRAS//,/_}"
if [ ! -f "$STAMP" ]; then
  echo "Installing the packages (first run only, about a minute) ..." >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
  spec="$ROOT"; [ -n "$EXTRAS" ] && spec="$ROOT[$EXTRAS]"
  "$PY" -m pip install --quiet --disable-pip-version-check -e "$spec"
  find "$ROOT/.venv" -maxdepth 1 -name '.installed-*' ! -name ".installed-$HASH-*" -delete
  touch "$STAMP"
fi

# Qt's system libraries on Linux (Debian/Ubuntu names); installed only if missing.
if [ "$(uname -s)" = "Linux" ] && command -v ldconfig >/dev/null 2>&1; then
  need=()
  have() { ldconfig -p 2>/dev/null | grep -q "$1"; }
  have libEGL.so.1 || need+=(libegl1)
  have libGL.so.1 || need+=(libgl1)
  have libglib-2.0.so.0 || need+=(libglib2.0-0)
  have libfontconfig.so.1 || need+=(libfontconfig1)
  have libxkbcommon.so.0 || need+=(libxkbcommon0)
  have libdbus-1.so.3 || need+=(libdbus-1-3)
  fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -1)" ] || need+=(fonts-dejavu-core)
  if [ "$QT_MODE" = "xcb" ]; then
    have libxcb-icccm.so.4 || need+=(libxcb-icccm4)
    have libxcb-keysyms.so.1 || need+=(libxcb-keysyms1)
    have libxcb-cursor.so.0 || need+=(libxcb-cursor0)
    have libxkbcommon-x11.so.0 || need+=(libxkbcommon-x11-0)
    have libxcb-image.so.0 || need+=(libxcb-image0)
    have libxcb-render-util.so.0 || need+=(libxcb-render-util0)
    have libxcb-shape.so.0 || need+=(libxcb-shape0)
    have libxcb-randr.so.0 || need+=(libxcb-randr0)
    have libxcb-xkb.so.1 || need+=(libxcb-xkb1)
    have libX11-xcb.so.1 || need+=(libx11-xcb1)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
    if command -v apt-get >/dev/null 2>&1 && { [ -z "$SUDO" ] || sudo -n true 2>/dev/null; }; then
      echo "Installing system libraries for Qt: ${need[*]} ..." >&2
      $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "Qt needs these system packages: ${need[*]}. Install them (e.g. sudo apt-get install ${need[*]}) and run this again." >&2
      exit 1
    fi
  fi
fi
export PY
