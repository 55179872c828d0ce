# omm-bot: slim Python, non-root, translations compiled at build time.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
RUN pip install --no-compile . && pip uninstall -y omm-bot

# The bot runs from /app (python -m bot), next to its locales/ and config/.
COPY bot ./bot
COPY scheduler ./scheduler
COPY locales ./locales
COPY config ./config
RUN pybabel compile -d locales -D messages \
    && useradd --system --uid 10001 --home /app omm \
    && mkdir -p /app/data && chown -R omm /app/data

USER omm
# SQLite lives here unless DATABASE_URL points at PostgreSQL.
VOLUME ["/app/data"]

# Migrates the database, then runs the bot; SIGTERM stops it cleanly.
CMD ["python", "-m", "bot"]
