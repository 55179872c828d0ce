"""The Docker files keep their promises (no engine here: the text is checked; hadolint
and `docker compose config` were run by hand, see the README)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_build_context_leaves_out_secrets_data_and_history() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", "data/", ".venv/", ".git", "config/office.toml"} <= ignored


def test_the_image_is_pinned_healthchecked_and_has_no_anonymous_volume() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert bases and all(re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", b) for b in bases)
    assert not re.search(r"^VOLUME", dockerfile, re.MULTILINE)
    assert re.search(r'^\s+CMD \["omm-bot", "health"\]', dockerfile, re.MULTILINE)
    assert re.search(r"^USER 10001$", dockerfile, re.MULTILINE)


def test_compose_passes_only_the_bots_variables_and_rotates_logs() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in compose.splitlines())
    assert "env_file" not in code
    assert "condition: service_healthy" in code
    assert "pg_isready" in code
    assert "restart: unless-stopped" in code
    assert "max-size:" in code and "max-file:" in code
    assert code.count("logging: *logging") == 2
    assert "create_host_path: false" in code
    # The bot container never gets POSTGRES_PASSWORD as a variable of its own.
    bot = code.split("\n  bot:\n", 1)[1]
    assert not re.search(r"^\s+POSTGRES_PASSWORD:", bot, re.MULTILINE)
