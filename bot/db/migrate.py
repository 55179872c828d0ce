"""Schema upgrades with Alembic, callable from code (start-up, tests, `python -m bot migrate`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The options are read with configparser interpolation: a percent-encoded password
    # (%40 for @) must reach env.py unchanged.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (blocking; runs its own event loop)."""
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_database_async(database_url: str, revision: str = "head") -> None:
    """Same as `upgrade_database`, from inside a running event loop."""
    await asyncio.to_thread(upgrade_database, database_url, revision)
