#!/usr/bin/env bash
# Every check: ruff, mypy and the tests (SQLite, and PostgreSQL when TEST_DATABASE_URL
# is set), in ./.venv with the dev tools (installed the first time, and again only when
# pyproject.toml changes). Arguments go to pytest: ./scripts/test.sh -x tests/unit
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
ensure_venv "[dev]"
"$VENV_DIR/bin/ruff" check bot scheduler tests bench
"$VENV_DIR/bin/mypy"
exec "$VENV_PY" -m pytest "$@"
