"""Build step for wheels (`pip install .`, `pip wheel .`): the package carries its data.

locales/ and config/ live at the top of the repository, where translators and offices
find them. A built package must carry them too, or an installed bot would silently
speak English and have no example office file. So building the package compiles each
catalog (locales/<lang>/LC_MESSAGES/messages.po) to a .mo file and copies the example
office file and the vendored Bot API spec (for the Telegram stand-in), into bot/_data/
inside the package; bot/data_files.py finds them there.
An editable install (scripts/run.sh) reads them from the checkout instead.

Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
EXAMPLE_OFFICE_FILE = Path("config") / "office.example.toml"
BOT_API_SPEC = Path("vendor") / "telegram-bot-api"


class BuildPyWithData(build_py):
    """build_py, then the compiled catalogs and the example office file under bot/_data."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "bot" / "_data"
        self._compile_catalogs(target / "locales")
        destination = target / EXAMPLE_OFFICE_FILE
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / EXAMPLE_OFFICE_FILE, destination)
        # The Bot API spec the Telegram stand-in (bot.standin, the demo) validates against.
        shutil.copytree(ROOT / BOT_API_SPEC, target / BOT_API_SPEC, dirs_exist_ok=True)

    @staticmethod
    def _compile_catalogs(target: Path) -> None:
        # The bot's own compiler (imports only Babel), so the wheel's texts fall back to
        # Spanish exactly as a checkout's do.
        sys.path.insert(0, str(ROOT))
        from bot.catalog_build import compile_po

        catalogs = sorted((ROOT / "locales").glob("*/LC_MESSAGES/messages.po"))
        if not catalogs:
            raise SystemExit("setup.py: no catalogs under locales/: the package would have no texts")
        for po_path in catalogs:
            locale = po_path.parent.parent.name
            mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            mo_path.write_bytes(compile_po(po_path, locale))


setup(cmdclass={"build_py": BuildPyWithData})
