# omm-bot: the package is built as a wheel (the translations are compiled into it at
# build time, see setup.py) and installed into a pinned slim Python; it runs as a
# non-root user from /app, where ./config/office.toml is mounted and ./data would hold
# an SQLite file. Nothing from the build context but the package's sources gets in
# (.dockerignore keeps out .env, data/, .venv and .git).
FROM python:3.11.14-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY locales ./locales
COPY config/office.example.toml ./config/office.example.toml
RUN pip wheel --no-deps --wheel-dir /wheels .


FROM python:3.11.14-slim-bookworm

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The dependencies first, from pyproject.toml alone: a code change does not reinstall them.
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt /tmp/pyproject.toml

COPY --from=build /wheels /wheels
RUN pip install --no-deps /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home --home-dir /app omm \
    && mkdir -p /app/data /app/config \
    && chown 10001 /app/data

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

USER 10001

# Healthy when the database answers and the bot heard from Telegram in the last two
# minutes or so (python -m bot health). Docker only marks the container; the bot stops
# by itself when it stays cut off (WATCHDOG_SECONDS) and the restart policy restarts it.
HEALTHCHECK --interval=30s --timeout=20s --start-period=60s --retries=3 \
    CMD ["omm-bot", "health"]

# Migrates the database, then runs the bot; SIGTERM stops it cleanly.
CMD ["omm-bot"]
