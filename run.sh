#!/usr/bin/env bash
# Quick start: set everything up, then open the window on the bundled example survey.
# Where there is no display (a server, CI), run the same analysis headless instead and
# say where its Word/Excel/JSON output went. Extra arguments go to main.py.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  source scripts/setup_env.sh "" offscreen
  OUT="${COPROD_DEMO_OUT:-demo-output}"
  echo "No display found, so running the analysis without the window." >&2
  "$PY" main.py analyse --demo --out "$OUT" "$@"
  echo "Done. The brief and results are in: $(cd "$OUT" && pwd)"
else
  source scripts/setup_env.sh "" xcb
  exec "$PY" main.py --demo "$@"
fi
