"""A language is added by dropping in its catalog: the bot loads it, speaks Spanish
where it is not translated yet, formats dates with Babel where the CLDR knows the
language (and in Spanish where it does not), and offers it in the picker once enough
of it is translated."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.config import SUPPORTED_LOCALES, load_settings
from bot.core.i18n import LOCALES_DIR, Catalogs, language_name
from bot.office import EXAMPLE_OFFICE_FILE
from bot.privacy.views import languages

TZ = ZoneInfo("America/Guatemala")
TUESDAY = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def drop_in(folder: Path, locale: str, share: float, translate: dict[str, str]) -> None:
    """A catalog for `locale`: the Spanish texts for the first `share` of the entries
    (a stand-in for a translator's work), `translate` for a few, the rest empty."""
    with (LOCALES_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        spanish = read_po(fp, locale="es")
    catalog = Catalog(locale=None, project="omm-bot")
    catalog.locale = None
    messages = [m for m in spanish if m.id]
    for index, message in enumerate(messages):
        done = index < share * len(messages)
        string = translate.get(message.id if isinstance(message.id, str) else message.id[0])
        if string is None:
            string = message.string if done else ("" if isinstance(message.id, str) else ("", ""))
        catalog.add(message.id, string)
    target = folder / locale / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as fp:
        write_po(fp, catalog)


def locales_with(tmp_path: Path) -> Path:
    folder = tmp_path / "locales"
    for base in ("es", "en"):
        shutil.copytree(LOCALES_DIR / base, folder / base)
    return folder


def test_the_shipped_mayan_catalogs_wait_until_translated() -> None:
    assert {"quc", "kek"} <= set(SUPPORTED_LOCALES)
    catalogs = Catalogs(TZ)
    assert catalogs.offered == ("es", "en")  # empty yet: not offered
    assert catalogs.completeness["quc"] == 0
    # Reached anyway (an old button), K'iche' speaks Spanish meanwhile, dates in K'iche'.
    quc = catalogs.get("quc")
    assert quc("📨 Send") == catalogs.get("es")("📨 Send")
    assert quc.babel_locale == "quc" and quc.date(TUESDAY) != catalogs.get("es").date(TUESDAY)
    assert catalogs.pick_locale("quc") == "es"


def test_a_third_language_dropped_in_is_offered_once_complete_enough(tmp_path: Path) -> None:
    folder = locales_with(tmp_path)
    drop_in(folder, "quc", 1.0, {"✅ I agree": "✅ Kinkʼamowik"})
    catalogs = Catalogs(TZ, locales_dir=folder)
    assert catalogs.offered == ("es", "en", "quc")
    quc = catalogs.get("quc")
    assert quc("✅ I agree") == "✅ Kinkʼamowik"
    assert catalogs.pick_locale("quc-GT") == "quc"
    picker = [b.text for row in languages(catalogs.offered) for b in row]
    assert picker == ["🇬🇹 Español", "🇬🇧 English", language_name("quc")]
    assert language_name("quc") == "🗣️ Kʼicheʼ"


def test_a_half_done_language_waits_for_the_threshold_and_falls_back_to_spanish(
    tmp_path: Path,
) -> None:
    folder = locales_with(tmp_path)
    # Kaqchikel: no CLDR data in Babel, so dates fall back to Spanish.
    drop_in(folder, "kaq", 0.5, {})
    strict = Catalogs(TZ, locales_dir=folder)
    assert "kaq" not in strict.offered and 45 <= strict.completeness["kaq"] <= 55
    relaxed = Catalogs(TZ, locales_dir=folder, min_translated=40)
    assert "kaq" in relaxed.offered
    kaq, spanish = relaxed.get("kaq"), relaxed.get("es")
    # The untranslated half shows in Spanish, never in English.
    assert all(kaq(text) == spanish(text) for text in ("🚪 Quick exit", "📨 Send"))
    assert kaq.babel_locale == "es" and kaq.date(TUESDAY) == spanish.date(TUESDAY)
    assert kaq.plural("{n} place", "{n} places", 2).endswith("lugares")


def test_the_threshold_is_a_setting_and_a_bad_one_is_refused() -> None:
    env = {"TELEGRAM_BOT_TOKEN": "1:a", "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE)}
    assert load_settings(env).language_min_translated == 90
    assert load_settings({**env, "LANGUAGE_MIN_TRANSLATED": "60"}).language_min_translated == 60
    for bad in ("101", "-1", "mucho"):
        try:
            load_settings({**env, "LANGUAGE_MIN_TRANSLATED": bad})
        except Exception as exc:  # ConfigError: one sentence naming the variable
            assert "LANGUAGE_MIN_TRANSLATED" in str(exc)
        else:
            raise AssertionError(f"{bad!r} accepted")
