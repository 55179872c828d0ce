"""The gettext catalogs are complete, consistent with the template, and load in the bot.

Fails while any string of locales/messages.pot is untranslated (see locales/update.sh).
"""

from __future__ import annotations

import gettext
import io
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LOCALES
from bot.core.i18n import Catalogs

LOCALES = Path(__file__).resolve().parents[2] / "locales"
TEMPLATE = LOCALES / "messages.pot"
TIMEZONE = ZoneInfo("America/Guatemala")

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
QUOTED = re.compile(r"«([^«»]+)»")
# A button's icon: a run of symbols (no letters or digits) followed by a space.
ICON_PREFIX = re.compile(r"^[^\w\s«»{}]+\s+", re.UNICODE)


def po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def ids(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def strings(message: Message) -> list[str]:
    """Its translated forms (a form not translated yet is left out)."""
    if isinstance(message.string, str):
        return [message.string] if message.string else []
    return [form for form in message.string or () if form]


def entries(catalog: Catalog) -> dict[str, Message]:
    return {key(m): m for m in catalog if m.id}


def symbols(text: str) -> list[str]:
    """Emoji and other pictographs, in order (variation selectors ignored)."""
    return sorted(c for c in text if unicodedata.category(c) == "So")


def without_icon(text: str) -> str:
    return ICON_PREFIX.sub("", text, count=1)


def quote_problems(catalog: Catalog) -> list[str]:
    """«X» naming a button must be exactly that button's translated label.

    A quoted English label Y matches the button whose msgid is Y, or whose msgid
    is an icon followed by Y (then the icon is left out of the translation too).
    """
    translated = {key(m): strings(m)[0] for m in catalog if m.id and strings(m)}
    by_bare_label = {without_icon(k): k for k in translated if without_icon(k) != k}
    problems = []
    for message in catalog:
        if not message.id:
            continue
        labels = {label for source in ids(message) for label in QUOTED.findall(source)}
        for label in sorted(labels):
            if label in translated:
                expected = translated[label]
            elif label in by_bare_label:
                expected = without_icon(translated[by_bare_label[label]])
            else:
                continue  # not a button, e.g. «{name}»
            for text in strings(message):
                if f"«{expected}»" not in text:
                    problems.append(f"{key(message)!r}: {text!r} should say «{expected}»")
    return problems


TEMPLATE_IDS = sorted(entries(load(TEMPLATE)))


# Complete, always: the office's language and English. Other languages (K'iche',
# Q'eqchi'…) fill in over time and must only be consistent with the template.
COMPLETE = ("es", "en")


@pytest.fixture(scope="module", params=SUPPORTED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def catalog(locale: str) -> Catalog:
    return load(po_path(locale), locale)


@pytest.fixture(scope="module", params=COMPLETE)
def complete_catalog(request: pytest.FixtureRequest) -> Catalog:
    return load(po_path(request.param), request.param)


def test_template_is_not_empty() -> None:
    assert len(TEMPLATE_IDS) > 50


def test_header(catalog: Catalog, locale: str) -> None:
    assert str(catalog.locale) == locale
    assert not catalog.fuzzy
    header = dict(catalog.mime_headers)
    assert header["Language"] == locale
    assert "utf-8" in header["Content-Type"].lower()
    if locale in COMPLETE:
        assert catalog.num_plurals == 2
        assert catalog.plural_expr == "(n != 1)"
        assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_every_language_holds_every_template_entry(catalog: Catalog) -> None:
    missing = sorted(set(TEMPLATE_IDS) - set(entries(catalog)))
    assert not missing, f"not in the catalog (run locales/update.sh): {missing}"


def test_every_template_message_is_translated(complete_catalog: Catalog) -> None:
    catalog = complete_catalog
    template = entries(load(TEMPLATE))
    translated = entries(catalog)
    missing = [msgid for msgid in template if msgid not in translated]
    assert not missing, f"not in the catalog (run locales/update.sh): {missing}"
    problems = []
    for msgid, source in template.items():
        message = translated[msgid]
        if ids(message) != ids(source):
            problems.append(f"{msgid!r}: plural form differs from the template")
        if "fuzzy" in message.flags:
            problems.append(f"{msgid!r}: fuzzy")
        forms = strings(message)
        if len(forms) != (1 if isinstance(source.id, str) else catalog.num_plurals):
            problems.append(f"{msgid!r}: {len(forms)} forms")
        if not forms or not all(form.strip() for form in forms):
            problems.append(f"{msgid!r}: empty translation")
    assert not problems, "\n".join(problems)


def test_no_messages_beyond_the_template(catalog: Catalog) -> None:
    extra = sorted(set(entries(catalog)) - set(TEMPLATE_IDS))
    assert not extra, f"not in locales/messages.pot: {extra}"


def test_no_obsolete_entries(locale: str) -> None:
    path = po_path(locale)
    assert not load(path, locale).obsolete
    obsolete = [line for line in path.read_text("utf-8").splitlines() if line.startswith("#~")]
    assert not obsolete, obsolete[:5]


def test_english_is_the_source_text() -> None:
    for message in load(po_path("en"), "en"):
        if message.id:
            assert strings(message) == ids(message), key(message)


def test_placeholders_match(catalog: Catalog) -> None:
    problems = []
    for message in catalog:
        if not message.id:
            continue
        expected = {name for source in ids(message) for name in PLACEHOLDER.findall(source)}
        for text in strings(message):
            found = set(PLACEHOLDER.findall(text))
            if found != expected:
                problems.append(f"{key(message)!r}: {sorted(found)} != {sorted(expected)}")
            try:
                text.format(**dict.fromkeys(expected, "x"))
            except (KeyError, IndexError, ValueError) as exc:
                problems.append(f"{key(message)!r}: cannot be formatted ({exc!r})")
    assert not problems, "\n".join(problems)


def test_emoji_and_line_breaks_are_kept(catalog: Catalog) -> None:
    problems = []
    for message in catalog:
        if not message.id:
            continue
        sources = ids(message)
        for index, text in enumerate(strings(message)):
            source = sources[min(index, len(sources) - 1)]
            if symbols(text) != symbols(source):
                problems.append(f"{key(message)!r}: emoji {symbols(text)} != {symbols(source)}")
            if text.count("\n") != source.count("\n"):
                problems.append(f"{key(message)!r}: line breaks differ")
            if text.startswith(" ") or text.endswith(" "):
                problems.append(f"{key(message)!r}: leading or trailing space")
    assert not problems, "\n".join(problems)


def test_quoted_buttons_use_the_buttons_own_label(catalog: Catalog) -> None:
    problems = quote_problems(catalog)
    assert not problems, "\n".join(problems)


def test_quote_check_catches_a_wrong_label() -> None:
    catalog = Catalog(locale="es")
    catalog.add("📨 Send", "📨 Enviar")
    catalog.add("✅ I agree", "✅ Acepto")
    catalog.add("Tap «📨 Send».", "Toque «📨 Mandar».")
    catalog.add("Tap «I agree».", "Toque «Acepto».")
    catalog.add("Use «{name}»", "Usar «{name}»")
    assert quote_problems(catalog) == [
        "'Tap «📨 Send».': 'Toque «📨 Mandar».' should say «📨 Enviar»"
    ]


def test_catalog_compiles(catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    for message in catalog:
        if not message.id or not strings(message):
            continue  # not translated yet: the bot shows Spanish (Catalogs' fallback)
        if isinstance(message.id, str):
            assert translations.gettext(message.id) == message.string
        else:
            singular, plural = message.id
            assert translations.ngettext(singular, plural, 1) == message.string[0]
            assert translations.ngettext(singular, plural, 5) == message.string[1]


def test_bot_loader_translates() -> None:
    spanish = entries(load(po_path("es"), "es"))
    catalogs = Catalogs(TIMEZONE)
    es, en = catalogs.get("es"), catalogs.get("en")
    assert es("📨 Send") == spanish["📨 Send"].string != "📨 Send"
    assert en("📨 Send") == "📨 Send"
    assert catalogs.get(None)("🚪 Quick exit") == spanish["🚪 Quick exit"].string
    plural = spanish["The office answered {count} time."]
    singular_id, plural_id = plural.id
    assert es.plural(singular_id, plural_id, 1) == plural.string[0]
    assert es.plural(singular_id, plural_id, 3) == plural.string[1]
    assert en.plural(singular_id, plural_id, 3) == plural_id


def test_dates_are_localised() -> None:
    catalogs = Catalogs(TIMEZONE)
    when = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 10:00 in Guatemala (UTC-6)
    spanish = catalogs.get("es").date_and_time(when)
    english = catalogs.get("en").date_and_time(when)
    assert "martes" in spanish and "diciembre" in spanish and "10:00" in spanish
    assert "Tuesday" in english and "December" in english and "10:00" in english


# Placeholders that hold a count. A word right after one ("{n} places") agrees with the
# number, so the message must be a plural one (ngettext): "1 lugares" is what slipped.
COUNT_BEFORE_WORD = re.compile(
    r"\{(n|count|days|hours|minutes|length|sent|left|going|waiting|came|capacity|blocked"
    r"|failed|places|women|total)\}\s+[^\W\d_]",
    re.UNICODE,
)


def test_a_number_before_a_word_goes_through_ngettext() -> None:
    singular_only = [
        key(m)
        for m in load(TEMPLATE)
        if m.id and isinstance(m.id, str) and COUNT_BEFORE_WORD.search(m.id)
    ]
    assert singular_only == [], "use t.plural(...) for these:\n" + "\n".join(singular_only)


def test_the_number_check_catches_a_singular_count() -> None:
    assert COUNT_BEFORE_WORD.search("👥 {capacity} places · {going} going")
    assert not COUNT_BEFORE_WORD.search("✅ Sent: {count}")


@pytest.mark.parametrize("path", [TEMPLATE, *(po_path(locale) for locale in SUPPORTED_LOCALES)])
def test_every_catalog_file_is_well_formed(path: Path) -> None:
    """An entry without its msgstr lines (left by a merge) only makes Babel print a
    warning at every start; here it fails."""
    with path.open("rb") as fp:
        read_po(fp, abort_invalid=True)
