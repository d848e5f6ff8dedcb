#!/usr/bin/env bash
# Run the whole test suite headless: sets up .venv with the test extras (and Qt's system
# libraries on Linux), checks style and the layer contracts, then runs pytest with Qt
# offscreen. Extra arguments go to pytest (e.g. ./test.sh tests/core -k mapping).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup_env.sh test offscreen
export QT_QPA_PLATFORM=offscreen
export MPLBACKEND=Agg
echo "== ruff" && "$PY" -m ruff check .
echo "== layer contracts (import-linter)" && "$(dirname "$PY")/lint-imports" --no-cache
echo "== pytest" && "$PY" -m pytest "$@"
