"""`pip install .` (not editable) ships the compiled catalogs and the example office file,
and an installed bot finds them inside itself, never next to site-packages; the
database and the office file stay relative to the working directory."""

from __future__ import annotations

import gettext
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "bot",
    "scheduler",
    "locales",
    "vendor",
)


def _can_build_without_isolation() -> bool:
    """setuptools with bdist_wheel (70.1+) and babel here: no download needed."""
    if importlib.util.find_spec("babel") is None:
        return False
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy of the sources, so that the build leaves nothing in the checkout.
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    (source / "config").mkdir()
    shutil.copy2(ROOT / "config" / "office.example.toml", source / "config")
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    if _can_build_without_isolation():
        command.append("--no-build-isolation")
    subprocess.run([*command, str(source)], check=True, timeout=300)
    (built,) = out.glob("omm_bot-*.whl")
    return built


def test_the_wheel_carries_compiled_catalogs_and_the_example(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for locale in ("es", "en"):
            assert f"bot/_data/locales/{locale}/LC_MESSAGES/messages.mo" in names
        assert "bot/_data/config/office.example.toml" in names
        # The Telegram stand-in (the demo) validates against the spec, shipped with its licence.
        assert "bot/_data/vendor/telegram-bot-api/api.min.json" in names
        assert "bot/_data/vendor/telegram-bot-api/LICENSE" in names
        assert "bot/db/migrations/env.py" in names
        assert "bot/db/migrations/versions/0010_heartbeat.py" in names
        # Only our two packages at the top: no stray locales/, config/ or tests/.
        assert {name.split("/")[0] for name in names if "dist-info" not in name} == {
            "bot",
            "scheduler",
        }
        spanish = gettext.GNUTranslations(
            io.BytesIO(archive.read("bot/_data/locales/es/LC_MESSAGES/messages.mo"))
        )
        assert spanish.gettext("Start / main menu") == "Inicio / menú principal"
        entry_points = next(n for n in names if n.endswith("dist-info/entry_points.txt"))
        assert "omm-bot = bot.__main__:main" in archive.read(entry_points).decode()


def test_an_installed_bot_finds_its_files_inside_itself(wheel: Path, tmp_path: Path) -> None:
    installed = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)  # what pip install --target does with a pure wheel
    elsewhere = tmp_path / "office"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed)}
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "OFFICE_SETTINGS_FILE"):
        env.pop(name, None)
    probe = (
        "import bot, bot.config as c, bot.office as o, bot.core.i18n as i\n"
        "from zoneinfo import ZoneInfo\n"
        "print(bot.__file__); print(i.LOCALES_DIR); print(o.EXAMPLE_OFFICE_FILE)\n"
        "print(i.Catalogs(ZoneInfo('America/Guatemala')).get('es')('Start / main menu'))\n"
        "s = c.load_settings({'TELEGRAM_BOT_TOKEN': '1:a', 'STAFF_CHAT_ID': '-100',\n"
        "    'OFFICE_SETTINGS_FILE': str(o.EXAMPLE_OFFICE_FILE)})\n"
        "print(s.database_url); print(s.office.name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    package, locales, example, text, database, office = done.stdout.splitlines()
    assert Path(package).is_relative_to(installed)
    assert Path(locales) == installed / "bot" / "_data" / "locales"
    assert Path(example) == installed / "bot" / "_data" / "config" / "office.example.toml"
    assert text == "Inicio / menú principal"
    assert database == "sqlite+aiosqlite:///./data/omm.sqlite3"
    assert office.startswith("Oficina Municipal de la Mujer de ")

    # The console script's code: example-office prints the shipped file; the bot
    # without an office file says, in one sentence, where it looked: the working directory.
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "example-office"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert shown.stdout == Path(example).read_text(encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=elsewhere,
        env={**env, "TELEGRAM_BOT_TOKEN": "1:a", "STAFF_CHAT_ID": "-100"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "omm-bot: The office settings file config/office.toml does not exist"
    )
    assert not (elsewhere / "data").exists()
