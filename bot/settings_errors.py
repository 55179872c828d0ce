"""What the environment settings (bot/config.py) and the office file (bot/office.py) share."""

from pathlib import Path

from bot.data_files import shipped_path

# Spanish is the office's language and the fallback of every other; English is complete.
BASE_LOCALES = ("es", "en")


def catalog_locales(folder: Path) -> tuple[str, ...]:
    """The languages with a catalog in `folder` (<lang>/LC_MESSAGES/messages.po or .mo):
    Spanish and English first, then the others in alphabetical order. A language is
    added by dropping its catalog in (locales/README.md)."""
    found = {path.parent.parent.name for path in folder.glob("*/LC_MESSAGES/messages.*o")}
    return BASE_LOCALES + tuple(sorted(found - set(BASE_LOCALES)))


SUPPORTED_LOCALES = catalog_locales(shipped_path("locales"))


class ConfigError(Exception):
    """A setting is missing or malformed; the message says how to fix it."""
