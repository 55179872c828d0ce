"""A misconfiguration stops start-up with one sentence saying what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings

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


def test_a_token_alone_is_enough_to_start() -> None:
    """A new office has no staff group yet: it is linked later with /vincular."""
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": "123:abc", "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE)}
    )
    assert settings.staff_chat_id is None
    assert settings.admin_user_ids == frozenset()


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


def test_texts_she_reads_come_per_language_or_once_for_all(tmp_path: Path) -> None:
    text = EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8")
    office = load_office_settings(EXAMPLE_OFFICE_FILE)
    assert office.address("en").startswith("Municipal building")
    assert office.address("es").startswith("Edificio municipal")
    police = office.emergency_contacts[0]
    assert police.label("en") == "National Civil Police (PNC)"
    # A language the file leaves out (or the bot adds later) shows the Spanish.
    assert police.label("quc") == "Policía Nacional Civil (PNC)"

    once = tmp_path / "office.toml"
    once.write_text(
        text.replace(
            'label = { es = "Policía Nacional Civil (PNC)", en = "National Civil Police (PNC)" }',
            'label = "PNC"',
        ),
        encoding="utf-8",
    )
    assert load_office_settings(once).emergency_contacts[0].label("en") == "PNC"


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


def _example_with(tmp_path: Path, old: str, new: str) -> Path:
    example = EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8")
    assert old in example
    path = tmp_path / "office.toml"
    path.write_text(example.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "where", "typo", "meant"),
    [
        # The observed one: violence silently not sensitive.
        (
            "sensitive = true\nurgent = true",
            "sensitve = true\nurgent = true",
            '[[categories]] entry 6 (key = "violence")',
            "sensitve",
            "sensitive",
        ),
        ("communities = [", "comunities = [", "the top level", "comunities", "communities"),
        ('[office]\nname = "', '[office]\nnmae = "', "[office]", "nmae", "name"),
        ('number = "110"', 'numbr = "110"', "[[emergency]] entry 1", "numbr", "number"),
        (
            'en = "Food" }',
            'eng = "Food" }',
            'label of [[categories]] entry 1 (key = "food")',
            "eng",
            "en",
        ),
        ('days = "mon-fri"', 'day = "mon-fri"', "[[opening_hours]] entry 1", "day", "days"),
        (
            "duration_minutes = 45",
            "duration_minute = 45",
            '[[services]] entry 2 (key = "psychological")',
            "duration_minute",
            "duration_minutes",
        ),
        (
            'daily_digest_time = "07:30"',
            'daily_digest_tim = "07:30"',
            "[scheduling]",
            "daily_digest_tim",
            "daily_digest_time",
        ),
    ],
)
def test_an_unknown_office_key_is_named_with_where_it_is_and_the_closest_known_key(
    tmp_path: Path, old: str, new: str, where: str, typo: str, meant: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_office_settings(_example_with(tmp_path, old, new))
    message = str(caught.value)
    assert f"{where} has an unknown key {typo!r}: did you mean {meant!r}?" in message
    assert "\n" not in message


def test_a_flag_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    path = _example_with(tmp_path, "sensitive = true\nurgent", 'sensitive = "yes"\nurgent')
    with pytest.raises(ConfigError, match="sensitive of the category 'violence' must be true"):
        load_office_settings(path)


def test_without_office_file_nothing_silently_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {k: v for k, v in GOOD.items() if k != "OFFICE_SETTINGS_FILE"}
    with pytest.raises(ConfigError) as caught:
        load_settings(env, read_dotenv=False)
    assert str(caught.value) == (
        "The office settings file config/office.toml does not exist: copy "
        "config/office.example.toml to config/office.toml and edit it (or set "
        "OFFICE_SETTINGS_FILE to the file's path)."
    )
    # config/office.toml in the working directory is the default...
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "office.toml").write_text(
        EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8").replace("San Juan La Laguna", "Xela"),
        encoding="utf-8",
    )
    settings = load_settings(env, read_dotenv=False)
    assert "Xela" in settings.office.name and settings.office_file == "config/office.toml"
    # ...and the example is read when it is named.
    assert load_settings(GOOD, read_dotenv=False).office_file == str(EXAMPLE_OFFICE_FILE)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://omm:secret@db:5432/omm", "postgresql+asyncpg://omm:secret@db:5432/omm"),
        ("postgres://omm:secret@db/omm", "postgresql+asyncpg://omm:secret@db/omm"),
        ("postgresql+asyncpg://omm@db/omm", "postgresql+asyncpg://omm@db/omm"),
        ("sqlite:///./data/x.sqlite3", "sqlite+aiosqlite:///./data/x.sqlite3"),
    ],
)
def test_database_url_without_a_driver_gets_ours(given: str, expected: str) -> None:
    assert load_settings({**GOOD, "DATABASE_URL": given}).database_url == expected


@pytest.mark.parametrize(
    "given",
    [
        "postgresql+asyncpg://omm:p@ss:w/rd@db:5432/omm",  # as she typed it
        "postgresql+asyncpg://omm:p%40ss%3Aw%2Frd@db:5432/omm",  # percent-encoded
    ],
)
def test_a_password_with_at_colon_or_slash_reaches_the_database_intact(given: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(load_settings({**GOOD, "DATABASE_URL": given}).database_url)
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "omm",
        "p@ss:w/rd",
        "db",
        5432,
        "omm",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POLL_TIMEOUT_SECONDS", "nan"),
        ("POLL_TIMEOUT_SECONDS", "-1"),
        ("POLL_TIMEOUT_SECONDS", "inf"),
        ("SWEEP_INTERVAL_SECONDS", "nan"),
        ("SWEEP_INTERVAL_SECONDS", "0"),
        ("SWEEP_INTERVAL_SECONDS", "-2"),
        ("MAX_CONCURRENT_UPDATES", "-1"),
        ("MAX_CONCURRENT_UPDATES", "0"),
        ("MAX_CONCURRENT_UPDATES", "inf"),
        ("STAFF_MESSAGES_PER_MINUTE", "-20"),
        ("STAFF_MESSAGES_PER_MINUTE", "nan"),
        ("BROADCAST_MESSAGES_PER_SECOND", "nan"),
        ("LOG_LEVEL", "LOUD"),
        ("DATABASE_URL", "postgresql+psycopg2://omm@db/omm"),
        ("DATABASE_URL", "postgresql+asyncpg://omm:secret@db:port/omm"),
    ],
)
def test_every_bad_value_is_refused_in_one_sentence(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**GOOD, name: value})
    message = str(caught.value)
    assert name in message and "\n" not in message
    assert "secret" not in message


def _python_m_bot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "STAFF_", "DATABASE_", "OFFICE_", "LOG_", "POLL_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={
            **base,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "STAFF_CHAT_ID": "-1001",
            "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "mentions"),
    [
        # Accepted (asyncpg is used), then the database is not there: one sentence.
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://omm:p@ss:w@127.0.0.1:1/none"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://omm:p%40ss%3Aw@127.0.0.1:1/none"}, "DATABASE_URL"),
        ({"OFFICE_SETTINGS_FILE": "{tmp}/office.toml"}, "is a directory"),
        ({"OFFICE_SETTINGS_FILE": "{tmp}/latin1.toml"}, "is not UTF-8"),
        ({"OFFICE_SETTINGS_FILE": ""}, "copy config/office.example.toml to config/office.toml"),
        ({"POLL_TIMEOUT_SECONDS": "nan"}, "POLL_TIMEOUT_SECONDS"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_python_m_bot_misconfigured_says_one_sentence_and_exits_2(
    tmp_path: Path, env: dict[str, str], mentions: str
) -> None:
    (tmp_path / "office.toml").mkdir()  # what Docker mounts when the file was never created
    (tmp_path / "latin1.toml").write_bytes(
        EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8").encode("latin-1", "replace")
    )
    env = {k: v.replace("{tmp}", str(tmp_path)) for k, v in env.items()}
    result = _python_m_bot(tmp_path, "migrate", **env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and mentions in lines[0], result.stderr
    assert "p@ss" not in lines[0] and "p%40ss" not in lines[0]
