#!/usr/bin/env bash
# Install the bot and run it (SQLite under ./data by default; settings from .env).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e .
exec python -m bot "$@"
