# Sourced by run.sh and test.sh: make sure ./.venv exists and holds the bot.
#
#   ensure_venv ""      the bot alone           ensure_venv "[dev]"   with the dev tools
#
# The virtual environment is created with the system's python3 (3.11 or newer) the first
# time; the bot is installed into it (editable) only when pyproject.toml or setup.py
# changed since the last successful install, so later starts need no network and no pip.
# The fingerprint of what was installed is kept in .venv/omm-installed.
# Environment: OMM_PYTHON (default python3) is the interpreter that creates the venv.

VENV_DIR=".venv"
VENV_PY="$VENV_DIR/bin/python"
STAMP="$VENV_DIR/omm-installed"

venv_say() { printf 'omm-bot: %s\n' "$*" >&2; }

venv_base_python() {
    local python="${OMM_PYTHON:-python3}"
    if ! command -v "$python" >/dev/null 2>&1; then
        venv_say "$python is not installed: install Python 3.11 or newer (sudo apt install python3 python3-venv)."
        exit 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        venv_say "$("$python" --version 2>&1) is too old: the bot needs Python 3.11 or newer."
        exit 1
    fi
    printf '%s' "$python"
}

venv_create() {
    local python="$1"
    "$python" -m venv "$VENV_DIR" >/dev/null 2>&1 && [ -x "$VENV_DIR/bin/pip" ] && return 0
    rm -rf "$VENV_DIR"
    # Debian and Ubuntu ship venv apart. CI runs as root with no one to ask: install it.
    if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        venv_say "python3 -m venv failed; installing python3-venv (CI, root)."
        local version
        version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq python3-venv >/dev/null \
            || apt-get install -y -qq "python$version-venv" >/dev/null || true
        "$python" -m venv "$VENV_DIR" >/dev/null 2>&1 && [ -x "$VENV_DIR/bin/pip" ] && return 0
        rm -rf "$VENV_DIR"
    fi
    venv_say "could not create $VENV_DIR with $python -m venv: install the venv module (on Debian or Ubuntu: sudo apt install python3-venv) and run this again."
    exit 1
}

venv_fingerprint() {
    # What the installed environment depends on: the package's metadata, the extras
    # asked for, and the interpreter the venv was made with.
    "$VENV_PY" - "$1" <<'PY'
import hashlib, sys
digest = hashlib.sha256()
for name in ("pyproject.toml", "setup.py"):
    try:
        with open(name, "rb") as fp:
            digest.update(name.encode() + b"\0" + fp.read() + b"\0")
    except FileNotFoundError:
        pass
digest.update(sys.argv[1].encode() + b"\0" + sys.version.encode())
print(digest.hexdigest())
PY
}

ensure_venv() {
    local extras="$1" python wanted
    if [ ! -x "$VENV_PY" ]; then
        python="$(venv_base_python)"
        venv_say "creating the virtual environment $VENV_DIR (first run)."
        venv_create "$python"
    fi
    wanted="$(venv_fingerprint "$extras")"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
        return 0
    fi
    venv_say "installing the bot$([ -n "$extras" ] && printf ' with %s' "$extras") into $VENV_DIR (pyproject.toml changed or first run; needs the internet)."
    rm -f "$STAMP"
    "$VENV_PY" -m pip install --quiet --disable-pip-version-check -e ".$extras"
    printf '%s\n' "$wanted" >"$STAMP"
}
