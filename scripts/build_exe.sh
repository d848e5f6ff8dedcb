#!/usr/bin/env bash
# Build the double-clickable program: sets up .venv with the build extras, builds
# dist/CoprodAnalyser/ with build.spec and zips it as
# dist/CoprodAnalyser-<version>-<platform>.zip. Prints build time, size and file count.
#
#   scripts/build_exe.sh               build + zip
#   scripts/build_exe.sh --self-test   ... then run the BUILT program's --self-test
#                                      (offscreen) and fail if it fails
#   scripts/build_exe.sh --startup     ... and time launch -> window, frozen and from source
# Other options: see `python scripts/build_exe.py --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup_env.sh build offscreen
# No QT_QPA_PLATFORM here: the self-test picks offscreen itself, and --startup should
# time a normal launch (the real screen when there is one).
exec "$PY" scripts/build_exe.py "$@"
