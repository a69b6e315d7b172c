#!/usr/bin/env bash
# Set up .venv (if needed) with the test extra, then run the linter and the whole test suite, spread over
# the machine's cores (pytest-xdist; a test file stays on one worker, so a module's fixtures run once).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/python -m ruff check src tests benchmarks
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
