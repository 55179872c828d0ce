"""Her people (pueblo), language community and disability: the keys stored and their names.

The people are the national census categories; the language communities come from the
office file (per municipality), plus Spanish and "other". Every question can be answered
"prefer not to say" (UNDISCLOSED); NULL means she was never asked.
"""

from __future__ import annotations

from bot.core.i18n import N_, Translator

UNDISCLOSED = "undisclosed"
PEOPLES = {
    "maya": N_("Maya"),
    "garifuna": N_("Garífuna"),
    "xinka": N_("Xinka"),
    "ladina": N_("Ladina / Mestiza"),
    "other": N_("Other people"),
    UNDISCLOSED: N_("Prefers not to say"),
}
SPANISH = "spanish"
OTHER_LANGUAGE = "other"
FIXED_LANGUAGES = {
    SPANISH: N_("Spanish"),
    OTHER_LANGUAGE: N_("Another language"),
    UNDISCLOSED: N_("Prefers not to say"),
}
DISABILITY = {
    "yes": N_("Yes, lives with a disability"),
    "no": N_("No disability"),
    UNDISCLOSED: N_("Prefers not to say"),
}
NOT_RECORDED = N_("Not recorded")


def people_label(t: Translator, key: str | None) -> str:
    return t(PEOPLES[key]) if key in PEOPLES else t(NOT_RECORDED)


def language_label(t: Translator, key: str | None) -> str:
    """Configured communities are stored by name (as the office file writes it)."""
    if key is None:
        return t(NOT_RECORDED)
    return t(FIXED_LANGUAGES[key]) if key in FIXED_LANGUAGES else key


def disability_label(t: Translator, key: str | None) -> str:
    return t(DISABILITY[key]) if key in DISABILITY else t(NOT_RECORDED)
