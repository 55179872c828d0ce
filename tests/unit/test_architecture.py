"""The layout's rules, kept by walking the imports with `ast`.

One folder per domain (bot/<domain>/), what every domain uses in bot/core/, the
database in bot/db/. Inside a domain the file name says the role:

- `service*.py` hold the domain logic: never Telegram, a screen, the sender (notify)
  or the wiring;
- `her_*.py` and `staff_*.py` are screens and handlers: registered by bot/routes.py, and
  imported by no service, view, job or core module (screens may use each other);
- `jobs*.py` are the domain's sweeps: imported only by bot/jobs.py;
- bot/routes.py and bot/jobs.py are imported only by bot/app.py;
- bot/db imports nothing above it; bot/core imports no domain;
- bot/standin (the Telegram stand-in) is imported only by the demo, and imports nothing
  of the bot but where its shipped files are: the bot talks to it over HTTP only.

`check` works on any tree, so the last tests plant a violation in a temporary one and
see it reported.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Folders of bot/ that are not domains: what domains use, and the stand-in.
NOT_DOMAINS = {"core", "db", "standin", "demo", "_data"}
WIRING = {"bot.routes": "bot/routes.py", "bot.jobs": "bot/jobs.py"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> dict[str, set[str]]:
    """Every module under bot/ and scheduler/ → the modules it imports (`from a import b`
    counts as a.b when a.b is a module of the tree, else as a)."""
    paths = {
        module_name(path, root): path
        for folder in ("bot", "scheduler")
        for path in (root / folder).rglob("*.py")
        if "migrations" not in path.parts
    }
    found: dict[str, set[str]] = {}
    for name, path in paths.items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    names.add(full if full in paths else node.module)
        found[name] = names
    return found


def is_within(name: str, module: str) -> bool:
    """`bot.app` covers bot.app and bot.app.x, not bot.appointments."""
    return name == module or name.startswith(module + ".")


def leaf(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def is_screen(name: str) -> bool:
    return name.startswith("bot.") and leaf(name).startswith(("her_", "staff_"))


def domains_of(root: Path) -> list[str]:
    """Every folder of bot/ holding a package, but core, db and the stand-in."""
    return sorted(
        path.parent.name
        for path in (root / "bot").glob("*/__init__.py")
        if path.parent.name not in NOT_DOMAINS
    )


def is_jobs(name: str, domains: list[str]) -> bool:
    """A domain's sweeps: bot/<domain>/jobs*.py (not bot/jobs.py, the list of them)."""
    parts = name.split(".")
    return (
        len(parts) == 3
        and parts[0] == "bot"
        and parts[1] in domains
        and parts[2].startswith("jobs")
    )


def check(root: Path) -> list[str]:
    """Every import that breaks a rule of the layout, as `module imports name: rule`."""
    broken: list[str] = []
    domains = domains_of(root)
    for module, names in imports_of(root).items():
        for name in sorted(names):
            if leaf(module).startswith("service") and (
                is_within(name, "telegram")
                or is_screen(name)
                or name in WIRING
                or name in ("bot.app", "bot.core.notify")
            ):
                broken.append(f"{module} imports {name}: a service knows no Telegram nor screen")
            if is_screen(name) and not (module == "bot.routes" or is_screen(module)):
                broken.append(f"{module} imports {name}: screens are registered by routes.py")
            if is_jobs(name, domains) and module != "bot.jobs":
                broken.append(f"{module} imports {name}: jobs are listed by bot/jobs.py")
            if name in WIRING and module != "bot.app":
                broken.append(f"{module} imports {name}: only bot/app.py wires")
            if is_within(module, "bot.db") and (
                is_within(name, "telegram")
                or (is_within(name, "bot") and not is_within(name, "bot.db"))
                or is_within(name, "scheduler")
            ):
                broken.append(f"{module} imports {name}: the database layer is the bottom")
            if is_within(module, "bot.core") and any(
                is_within(name, f"bot.{domain}") for domain in domains
            ):
                broken.append(f"{module} imports {name}: core knows no domain")
            if is_within(name, "bot.standin") and not (
                is_within(module, "bot.standin") or is_within(module, "bot.demo")
            ):
                broken.append(f"{module} imports {name}: only the demo runs the stand-in")
            if (
                is_within(module, "bot.standin")
                and is_within(name, "bot")
                and not (is_within(name, "bot.standin") or name == "bot.data_files")
            ):
                broken.append(f"{module} imports {name}: the stand-in knows the bot by HTTP only")
    return broken


def test_the_layout_holds() -> None:
    assert check(ROOT) == []


def test_every_domain_has_its_folder() -> None:
    expected = {"activities", "aid", "appointments", "broadcasts", "cases", "people"}
    assert expected | {"plan", "privacy", "reports"} <= set(domains_of(ROOT))
    assert (ROOT / "bot" / "core" / "__init__.py").is_file()


def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"bot/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "bot/cases/__init__.py": "",
            "bot/cases/service.py": "from bot.db import models\n",
            "bot/cases/her_report.py": "from telegram import Update\nfrom bot.cases import service\n",
            "bot/cases/jobs.py": "from bot.cases import service\n",
            "bot/routes.py": "from bot.cases import her_report\n",
            "bot/jobs.py": "from bot.cases import jobs\n",
            "bot/app.py": "from bot import jobs, routes\n",
        },
    )
    assert check(root) == []


def test_each_planted_violation_is_reported(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "bot/cases/__init__.py": "",
            "bot/cases/service.py": "from telegram import Update\n",
            "bot/cases/her_report.py": "",
            "bot/cases/jobs.py": "",
            "bot/cases/views.py": "from bot.cases import her_report\n",
            "bot/people/__init__.py": "",
            "bot/people/service.py": "from bot.cases.jobs import sweep\n",
            "bot/core/__init__.py": "",
            "bot/core/notify.py": "import bot.people.service\n",
            "bot/db/__init__.py": "",
            "bot/db/models.py": "from bot.core import notify\n",
            "bot/routes.py": "",
            "bot/jobs.py": "",
            "bot/app.py": "",
            "bot/gate.py": "from bot.routes import x\n",
            "bot/standin/__init__.py": "",
            "bot/standin/server.py": "from bot.cases import service\n",
            "bot/cases/views_demo.py": "from bot.standin import server\n",
        },
    )
    assert sorted(check(root)) == sorted(
        [
            "bot.cases.service imports telegram: a service knows no Telegram nor screen",
            "bot.cases.views imports bot.cases.her_report: screens are registered by routes.py",
            "bot.people.service imports bot.cases.jobs: jobs are listed by bot/jobs.py",
            "bot.core.notify imports bot.people.service: core knows no domain",
            "bot.db.models imports bot.core.notify: the database layer is the bottom",
            "bot.gate imports bot.routes: only bot/app.py wires",
            "bot.standin.server imports bot.cases.service: the stand-in knows the bot by HTTP only",
            "bot.cases.views_demo imports bot.standin.server: only the demo runs the stand-in",
        ]
    )
