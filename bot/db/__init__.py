"""Database: models, engine and session factory, Alembic migrations."""
