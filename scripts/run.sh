#!/usr/bin/env bash
# Set up .venv (if needed) and run the default scenario (night-raid); extra arguments go to `bastion run`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/bastion run "${@:-night-raid}"
