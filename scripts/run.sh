#!/usr/bin/env bash
# Run the bot: creates ./.venv and installs the bot into it the first time (and again
# only when pyproject.toml changes), then starts it (SQLite under ./data by default;
# settings from .env). Arguments go to the bot: ./scripts/run.sh migrate
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
ensure_venv ""
exec "$VENV_PY" -m bot "$@"
