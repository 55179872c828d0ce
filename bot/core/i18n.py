"""Translations (gettext catalogs under locales/) and date formatting with Babel.

Catalogs are read from compiled `.mo` files when they are up to date (a built package
carries only those: setup.py compiles them) and otherwise compiled from the `.po` files
in memory, so a fresh checkout runs without a build step.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, format_timedelta

from bot.catalog_build import babel_knows, compile_po
from bot.data_files import shipped_path
from bot.settings_errors import BASE_LOCALES, catalog_locales

LOCALES_DIR = shipped_path("locales")
DOMAIN = "messages"
# Babel's skeletons abbreviate the weekday; women read the full word more easily.
LONG_DATE_PATTERNS = {"es": "EEEE, d 'de' MMMM", "en": "EEEE, MMMM d"}
# A language is offered in the picker once this share of its texts is translated
# (LANGUAGE_MIN_TRANSLATED); the rest shows in Spanish meanwhile.
DEFAULT_MIN_TRANSLATED = 90


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
    return gettext.GNUTranslations(io.BytesIO(compile_po(po_path, locale)))


# How the picker names Spanish and English; other languages by their own name (CLDR).
_LANGUAGE_NAMES = {"es": "🇬🇹 Español", "en": "🇬🇧 English"}


def language_name(locale: str) -> str:
    """The language as its speakers write it ("🇬🇹 Español", "🗣️ Kʼicheʼ")."""
    if locale in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[locale]
    if babel_knows(locale):
        own = Locale.parse(locale).display_name or locale
        return f"🗣️ {own[:1].upper()}{own[1:]}"
    return f"🗣️ {locale}"


def picker_label(offered: Sequence[str]) -> str:
    """The button to the language picker, in the languages it offers."""
    names = [language_name(locale).split(" ", 1)[-1] for locale in offered]
    return "🌐 " + " / ".join(names[:3]) + (" / …" if len(names) > 3 else "")





def _translated(translations: gettext.NullTranslations) -> int:
    """How many texts a loaded catalog translates (its header aside)."""
    return max(0, len(getattr(translations, "_catalog", {})) - 1)


class Translator:
    """Everything locale-dependent for one language: text, plurals, dates."""

    def __init__(self, locale: str, translations: gettext.NullTranslations, timezone: ZoneInfo):
        self.locale = locale
        self._translations = translations
        self.timezone = timezone
        # Dates and numbers in her language where the CLDR knows it, else in Spanish.
        self.babel_locale = locale if babel_knows(locale) else "es"

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
        pattern = LONG_DATE_PATTERNS.get(self.babel_locale)
        if pattern is None:
            return format_skeleton("MMMMEEEEd", local, locale=self.babel_locale)
        return format_date(local, pattern, locale=self.babel_locale)

    def short_date(self, when: datetime) -> str:
        return format_skeleton("MMMd", when.astimezone(self.timezone), locale=self.babel_locale)

    def time(self, when: datetime) -> str:
        return format_time(when.astimezone(self.timezone), "HH:mm", locale=self.babel_locale)

    def stamp(self, when: datetime) -> str:
        """Compact date and time for staff lists: "21 nov 10:05"."""
        local = when.astimezone(self.timezone)
        return f"{format_skeleton('MMMd', local, locale=self.babel_locale)} {format_time(local, 'HH:mm', locale=self.babel_locale)}"

    def age(self, since: datetime, now: datetime) -> str:
        """How long ago, in words: "hace 3 horas"."""
        delta: timedelta = since - now
        return format_timedelta(delta, add_direction=True, locale=self.babel_locale, threshold=1.0)

    def duration(self, delta: timedelta) -> str:
        return format_timedelta(delta, locale=self.babel_locale, threshold=1.0)


class Catalogs:
    """One translator per language with a catalog, loaded once at start-up.

    Spanish and English are complete. Another language (K'iche', Q'eqchi'…) speaks
    what its translators have done and Spanish for the rest, and is offered in the
    language picker once `min_translated` percent of the texts are translated.
    """

    def __init__(
        self,
        timezone: ZoneInfo,
        default_locale: str = "es",
        locales_dir: Path = LOCALES_DIR,
        *,
        min_translated: int = DEFAULT_MIN_TRANSLATED,
    ) -> None:
        self.default_locale = default_locale
        loaded = {locale: _load_catalog(locale, locales_dir) for locale in catalog_locales(locales_dir)}
        spanish = loaded["es"]
        for locale, translations in loaded.items():
            if locale not in BASE_LOCALES:
                translations.add_fallback(spanish)
        self._translators = {
            locale: Translator(locale, translations, timezone)
            for locale, translations in loaded.items()
        }
        total = max(1, _translated(spanish))
        # Every language's share of translated texts, in percent.
        self.completeness = {
            locale: min(100, 100 * _translated(translations) // total)
            for locale, translations in loaded.items()
        }
        self.offered = tuple(
            locale
            for locale in loaded
            if locale in BASE_LOCALES or self.completeness[locale] >= min_translated
        )

    def get(self, locale: str | None) -> Translator:
        return self._translators.get(locale or "", self._translators[self.default_locale])

    def pick_locale(self, language_code: str | None) -> str:
        """Choose from Telegram's language_code; unknown languages get the default."""
        if language_code:
            base = language_code.split("-")[0].lower()
            if base in self.offered:
                return base
        return self.default_locale
