"""Which unique constraint an INSERT or UPDATE broke: the one place that reads the
database's error text (PostgreSQL names the index; SQLite names the columns)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError


def violates(exc: IntegrityError, *, index: str, sqlite: str) -> bool:
    """`index`: the constraint's name (PostgreSQL); `sqlite`: SQLite's message for it,
    like "UNIQUE constraint failed: signups"."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    return index in message or sqlite in message
