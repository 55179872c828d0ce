"""A misconfiguration stops start-up with one sentence saying what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import EXAMPLE_OFFICE_FILE, ConfigError, load_office_settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "TELEGRAM_BOT_TOKEN": "123:abc",
    "STAFF_CHAT_ID": "-1001",
    "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
}


def test_defaults() -> None:
    settings = load_settings(GOOD)
    assert settings.api_url == "https://api.telegram.org"
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert (
        settings.database_url.startswith("sqlite+aiosqlite:///")
        and "/data/" in settings.database_url
    )
    assert str(settings.timezone) == "America/Guatemala"
    assert settings.default_locale == "es"
    assert settings.admin_user_ids == frozenset()


@pytest.mark.parametrize(
    ("env", "mentions"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token", "STAFF_CHAT_ID": "-1"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "1:a"}, "STAFF_CHAT_ID"),
        ({**GOOD, "STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID"),
        ({**GOOD, "ADMIN_USER_IDS": "12, maria"}, "ADMIN_USER_IDS"),
        ({**GOOD, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({**GOOD, "DEFAULT_LOCALE": "fr"}, "DEFAULT_LOCALE"),
        ({**GOOD, "TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL"),
        ({**GOOD, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({**GOOD, "OFFICE_SETTINGS_FILE": "/nonexistent/office.toml"}, "office settings file"),
        ({**GOOD, "SWEEP_INTERVAL_SECONDS": "soon"}, "SWEEP_INTERVAL_SECONDS"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert mentions in message
    assert "\n" not in message


def test_incomplete_office_file_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "office.toml"
    bad.write_text('[office]\nname = "OMM"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="incomplete"):
        load_office_settings(bad)
    bad.write_text("[office\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_office_settings(bad)


def test_shipped_office_example_is_complete() -> None:
    office = load_office_settings(EXAMPLE_OFFICE_FILE)
    assert office.name and office.emergency_contacts and office.communities
    keys = {c.key for c in office.categories}
    assert {"food", "diapers", "medicine", "legal", "violence", "other"} <= keys
    violence = office.category("violence")
    assert violence is not None and violence.sensitive and violence.urgent


def test_python_m_bot_without_token_prints_one_sentence_and_exits_2(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "STAFF_", "DATABASE_"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_unreachable_database_is_one_sentence(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "1:a",
        "STAFF_CHAT_ID": "-1",
        "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none",
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_migrate_command_creates_the_schema(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "1:a",
        "STAFF_CHAT_ID": "-1",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'omm.sqlite3'}",
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    import sqlite3

    tables = {
        r[0]
        for r in sqlite3.connect(tmp_path / "omm.sqlite3").execute("select name from sqlite_master")
    }
    assert {"users", "cases", "case_entries", "inbox_updates", "alembic_version"} <= tables
