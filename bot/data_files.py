"""Where the files shipped with the bot are: the translations, the example office file
and the Bot API spec the Telegram stand-in validates against.

In a checkout (and an editable install, which scripts/run.sh makes) they are read where
they live in the repository: locales/ and config/ at its top. A built package (`pip
install .`, the Docker image) carries them inside itself, under bot/_data/, with the
catalogs compiled to .mo (setup.py's build step). An installed package never looks
outside itself for them: next to site-packages there is no checkout.

Only shipped, read-only files are found here. What belongs to an office (its
config/office.toml, the SQLite database under data/) is relative to the working
directory, never inside the package.
"""

from __future__ import annotations

from pathlib import Path

import bot

PACKAGE_DATA = Path(bot.__file__).resolve().parent / "_data"
CHECKOUT = Path(bot.__file__).resolve().parent.parent


def shipped_path(relative: str) -> Path:
    """The shipped file or folder `relative` (like "locales"): the package's own copy when
    it has one, else the checkout's."""
    packaged = PACKAGE_DATA / relative
    if packaged.exists() or not (CHECKOUT / "pyproject.toml").is_file():
        return packaged
    return CHECKOUT / relative
