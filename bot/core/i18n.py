"""Translations (gettext catalogs under locales/) and date formatting with Babel.

Catalogs are read from compiled `.mo` files when they are up to date (a built package
carries only those: setup.py compiles them) and otherwise compiled from the `.po` files
in memory, so a fresh checkout runs without a build step.
"""

from __future__ import annotations

import gettext
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LOCALES
from bot.data_files import shipped_path

LOCALES_DIR = shipped_path("locales")
DOMAIN = "messages"
# Babel's skeletons abbreviate the weekday; women read the full word more easily.
LONG_DATE_PATTERNS = {"es": "EEEE, d 'de' MMMM", "en": "EEEE, MMMM d"}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def _load_catalog(locale: str, locales_dir: Path) -> gettext.NullTranslations:
    folder = locales_dir / locale / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Everything locale-dependent for one language: text, plurals, dates."""

    def __init__(self, locale: str, translations: gettext.NullTranslations, timezone: ZoneInfo):
        self.locale = locale
        self._translations = translations
        self.timezone = timezone

    def __call__(self, message: str) -> str:
        return self._translations.gettext(message)

    def plural(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def date_and_time(self, when: datetime) -> str:
        """E.g. "martes, 3 de diciembre, 10:00"."""
        return f"{self.date(when)}, {self.time(when)}"

    def date(self, when: datetime) -> str:
        """Weekday, day and month as the language writes them ("martes, 3 de diciembre")."""
        local = when.astimezone(self.timezone)
        pattern = LONG_DATE_PATTERNS.get(self.locale)
        if pattern is None:
            return format_skeleton("MMMMEEEEd", local, locale=self.locale)
        return format_date(local, pattern, locale=self.locale)

    def short_date(self, when: datetime) -> str:
        return format_skeleton("MMMd", when.astimezone(self.timezone), locale=self.locale)

    def time(self, when: datetime) -> str:
        return format_time(when.astimezone(self.timezone), "HH:mm", locale=self.locale)

    def stamp(self, when: datetime) -> str:
        """Compact date and time for staff lists: "21 nov 10:05"."""
        local = when.astimezone(self.timezone)
        return f"{format_skeleton('MMMd', local, locale=self.locale)} {format_time(local, 'HH:mm', locale=self.locale)}"

    def age(self, since: datetime, now: datetime) -> str:
        """How long ago, in words: "hace 3 horas"."""
        delta: timedelta = since - now
        return format_timedelta(delta, add_direction=True, locale=self.locale, threshold=1.0)

    def duration(self, delta: timedelta) -> str:
        return format_timedelta(delta, locale=self.locale, threshold=1.0)


class Catalogs:
    """One translator per supported locale, loaded once at start-up."""

    def __init__(
        self, timezone: ZoneInfo, default_locale: str = "es", locales_dir: Path = LOCALES_DIR
    ) -> None:
        self.default_locale = default_locale
        self._translators = {
            locale: Translator(locale, _load_catalog(locale, locales_dir), timezone)
            for locale in SUPPORTED_LOCALES
        }

    def get(self, locale: str | None) -> Translator:
        return self._translators.get(locale or "", self._translators[self.default_locale])

    def pick_locale(self, language_code: str | None) -> str:
        """Choose from Telegram's language_code; unknown languages get the default."""
        if language_code:
            base = language_code.split("-")[0].lower()
            if base in self._translators:
                return base
        return self.default_locale
