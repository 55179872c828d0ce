#!/usr/bin/env bash
# Run the bot: creates ./.venv and installs the bot into it the first time (and again
# only when pyproject.toml changes), then starts it (SQLite under ./data by default;
# settings from .env). Arguments go to the bot: ./scripts/run.sh migrate
# With no arguments and no TELEGRAM_BOT_TOKEN (in the environment or .env) it starts the
# demo instead: the simulator in the browser, on http://127.0.0.1:8080 (python -m bot demo).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
ensure_venv ""
if [ "$#" -eq 0 ]; then
    exec "$VENV_PY" -m bot run --demo-if-no-token
fi
exec "$VENV_PY" -m bot "$@"
