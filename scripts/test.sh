#!/usr/bin/env bash
# Install the bot with its dev extras and run every check: tests (SQLite, and
# PostgreSQL when TEST_DATABASE_URL is set), ruff and mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
ruff check bot scheduler tests bench
mypy
python -m pytest
