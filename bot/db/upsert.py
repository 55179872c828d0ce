"""INSERT ... ON CONFLICT DO NOTHING for the two backends we run on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_or_ignore(
    session: AsyncSession, model: type[Any], conflict_columns: Sequence[str]
) -> Any:
    """An insert that skips rows whose `conflict_columns` already exist (one round trip)."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))


def insert_or_update(
    session: AsyncSession, model: type[Any], conflict_columns: Sequence[str], update: Sequence[str]
) -> Any:
    """An insert that, where `conflict_columns` already exist, overwrites `update` instead."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model)
    return statement.on_conflict_do_update(
        index_elements=list(conflict_columns),
        set_={name: getattr(statement.excluded, name) for name in update},
    )
