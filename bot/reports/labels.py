"""Names of report keys for people: categories, items, kinds, identities (pure)."""

from __future__ import annotations

from bot.core.i18n import N_, Translator
from bot.core.labels import AGE_GROUPS, NETWORK_ROLES, OUTCOMES, activity_kind_label, label
from bot.office import OfficeSettings
from bot.people import identity

ANSWER_BUCKETS = {
    "under_1h": N_("Less than 1 hour"),
    "1_24h": N_("1 to 24 hours"),
    "1_3d": N_("1 to 3 days"),
    "over_3d": N_("More than 3 days"),
    "none": N_("Not answered yet"),
}
OPEN = N_("Still open")


def key_label(t: Translator, office: OfficeSettings, dimension: str, key: object) -> str:
    if key is None:
        return t(identity.NOT_RECORDED)
    text = str(key)
    if dimension == "category":
        category = office.category(text)
        return category.label(t.locale) if category else text
    if dimension == "item":
        item = office.aid_item(text)
        return item.label(t.locale) if item else text
    if dimension == "age_group":
        return label(t, AGE_GROUPS, text)
    if dimension == "outcome":
        return t(OPEN) if text == "open" else label(t, OUTCOMES, text)
    if dimension == "people":
        return identity.people_label(t, text)
    if dimension == "language":
        return identity.language_label(t, text)
    if dimension == "disability":
        return identity.disability_label(t, text)
    if dimension == "kind":
        return activity_kind_label(t, text)
    if dimension == "role":
        return label(t, NETWORK_ROLES, text)
    if dimension == "answer":
        return t(ANSWER_BUCKETS[text]) if text in ANSWER_BUCKETS else text
    return text


def no_emoji(text: object) -> str:
    """Without emoji (DejaVu Sans, used by the charts and the PDF, has none)."""
    kept = "".join(c for c in str(text) if ord(c) < 0x2190 or 0x2200 <= ord(c) < 0x2600)
    return kept.strip()
