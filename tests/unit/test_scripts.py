"""scripts/run.sh and scripts/test.sh: they use ./.venv (never a bare `python`), and
install into it only when pyproject.toml changed, so later starts need no network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "scripts" / "run.sh", ROOT / "scripts" / "test.sh", ROOT / "scripts" / "venv.sh"]
# `python` where a command starts: at the line's start or after ; & | ( or `.
BARE_PYTHON = re.compile(r"(^|[;&|(`]\s*|\bexec\s+|\btime\s+)python(\s|$)")


@pytest.mark.parametrize("path", [*SCRIPTS, ROOT / ".ci" / "run"], ids=lambda p: p.name)
def test_no_script_calls_a_bare_python(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#!") else ""
        assert not BARE_PYTHON.search(code.strip()), f"{path.name}:{number}: {line}"


# run.sh without arguments: the bot, or the demo when no token is configured.
RUN_OR_DEMO = "bot -m bot run --demo-if-no-token"

FAKE_TOOL = """#!/bin/sh
# A stand-in for .venv/bin/{name}: notes how it was called.
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
    echo "$2 $*" >> "$CALLS"
    exit "${{FAKE_PIP_EXIT:-0}}"
fi
if [ "$1" = "-m" ] && {{ [ "$2" = "bot" ] || [ "$2" = "pytest" ]; }}; then
    echo "$2 $*" >> "$CALLS"
    exit 0
fi
if [ "{name}" != "python" ]; then echo "{name} $*" >> "$CALLS"; exit 0; fi
exec {real} "$@"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the scripts and pyproject.toml with a .venv whose tools only take notes."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy2(ROOT / "setup.py", tmp_path / "setup.py")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "pip", "ruff", "mypy"):
        tool = bin_dir / name
        tool.write_text(FAKE_TOOL.format(name=name, real=sys.executable))
        tool.chmod(0o755)
    return tmp_path


def run(
    project: Path, script: str, *args: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = project / "calls.log"
    calls.unlink(missing_ok=True)
    done = subprocess.run(
        [str(project / "scripts" / script), *args],
        cwd=project,
        env={**os.environ, "CALLS": str(calls)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done, calls.read_text().splitlines() if calls.exists() else []


def test_run_installs_once_then_starts_without_pip(project: Path) -> None:
    first, calls = run(project, "run.sh", "migrate")
    assert calls == [
        "pip -m pip install --quiet --disable-pip-version-check -e .",
        "bot -m bot migrate",
    ]
    assert "installing the bot into .venv" in first.stderr
    second, calls = run(project, "run.sh")
    assert calls == [RUN_OR_DEMO]
    assert second.stderr == ""
    # A changed pyproject.toml (a new dependency) installs again, once.
    with (project / "pyproject.toml").open("a") as fp:
        fp.write("\n# changed\n")
    _, calls = run(project, "run.sh")
    assert calls[0].startswith("pip -m pip install")
    _, calls = run(project, "run.sh")
    assert calls == [RUN_OR_DEMO]


def test_test_sh_installs_the_dev_extras_once(project: Path) -> None:
    run(project, "run.sh")  # the bot alone: the dev extras are another installation
    _, calls = run(project, "test.sh", "-x")
    assert calls == [
        "pip -m pip install --quiet --disable-pip-version-check -e .[dev]",
        "ruff check bot scheduler tests bench",
        "mypy ",
        "pytest -m pytest -x",
    ]
    _, calls = run(project, "test.sh")
    assert calls == ["ruff check bot scheduler tests bench", "mypy ", "pytest -m pytest"]


def test_a_failed_install_is_tried_again(project: Path) -> None:
    calls = project / "calls.log"
    done = subprocess.run(
        [str(project / "scripts" / "run.sh")],
        cwd=project,
        env={**os.environ, "CALLS": str(calls), "FAKE_PIP_EXIT": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert calls.read_text().splitlines() == [
        "pip -m pip install --quiet --disable-pip-version-check -e ."
    ]  # and the bot did not start
    assert not (project / ".venv" / "omm-installed").exists()
    _, again = run(project, "run.sh")
    assert again[0].startswith("pip -m pip install") and again[1] == RUN_OR_DEMO


def test_without_python3_it_says_what_to_install(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    done = subprocess.run(
        [str(tmp_path / "scripts" / "run.sh")],
        cwd=tmp_path,
        env={**os.environ, "OMM_PYTHON": "no-such-python3"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "omm-bot: no-such-python3 is not installed: install Python 3.11 or newer "
        "(sudo apt install python3 python3-venv)."
    )
    assert not (tmp_path / ".venv").exists()


def test_ci_installs_chromium_for_the_browser_test() -> None:
    """tests/browser must run in CI: .ci/run installs Debian's Chromium and its driver
    (as root, CI=true) when they are missing."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = ci[ci.index('if [ "${CI:-}" = "true" ]') : ci.index("fi\n")]
    assert "apt-get install" in install
    assert "chromium chromium-driver" in install
