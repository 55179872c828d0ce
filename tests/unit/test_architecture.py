"""Dependencies point one way: handlers → services → db; scheduler → services."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def is_within(name: str, module: str) -> bool:
    """`bot.app` covers bot.app and bot.app.x, not bot.appointment_cards."""
    return name == module or name.startswith(module + ".")


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{path} imports {name}"
        for path, names in imports_of(folder).items()
        for name in names
        if any(is_within(name, module) for module in forbidden)
    )


def test_services_know_nothing_of_telegram_or_handlers() -> None:
    assert (
        offenders(
            "bot/services", ("telegram", "bot.handlers", "bot.app", "scheduler", "bot.notify")
        )
        == []
    )


def test_database_layer_depends_on_nothing_above_it() -> None:
    assert (
        offenders("bot/db", ("telegram", "bot.services", "bot.handlers", "bot.app", "scheduler"))
        == []
    )


def test_scheduler_does_not_reach_into_handlers() -> None:
    assert offenders("scheduler", ("bot.handlers", "bot.app")) == []


def test_only_the_app_wires_handlers_and_jobs() -> None:
    allowed = {"bot/app.py"}
    for folder in ("bot",):
        for path, names in imports_of(folder).items():
            if path in allowed or path.startswith("bot/handlers/"):
                continue
            # Handlers of the new domain folders (bot/aid/staff_*.py…) are handlers too.
            if Path(path).name.startswith(("staff_", "her_")):
                continue
            assert not any(is_within(n, m) for n in names for m in ("bot.handlers", "scheduler")), (
                path
            )


def test_domain_services_know_nothing_of_telegram() -> None:
    """bot/aid, bot/plan, bot/reports: services, aggregates and files never import Telegram."""
    for folder in ("bot/aid", "bot/plan", "bot/reports"):
        for path, names in imports_of(folder).items():
            name = Path(path).name
            if name.startswith(("staff_", "her_", "views")) or name == "jobs.py":
                continue
            assert not any(is_within(n, m) for n in names for m in ("telegram", "bot.handlers")), (
                path
            )
