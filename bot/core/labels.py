"""Translatable names for the domain's values (statuses, outcomes, age groups, roles)."""

from __future__ import annotations

from bot.core.i18n import N_, Translator

AGE_GROUPS = {
    "under18": N_("Under 18"),
    "18_29": N_("18 to 29"),
    "30_59": N_("30 to 59"),
    "60plus": N_("60 or more"),
}

# What she reads in "My requests": plain words.
STATUS_FOR_HER = {
    "open": N_("Received, waiting to be reviewed"),
    "in_progress": N_("Someone from the office is attending it"),
    "closed": N_("Closed"),
}

# Staff speak of the case ("caso", masculine in Spanish); she of her request
# ("solicitud", feminine): separate msgids so each language can agree.
STATUS_FOR_STAFF = {
    "open": N_("Open case"),
    "in_progress": N_("Case in progress"),
    "closed": N_("Case closed"),
}

# How a case ended; only staff read these.
OUTCOMES = {
    "attended": N_("Attended"),
    "referred": N_("Referred to another institution"),
    "unreachable": N_("Could not be reached"),
}

NETWORK_ROLES = {
    "leader": N_("Leader"),
    "member": N_("Member"),
    "promoter": N_("Community promoter"),
}


def label(t: Translator, table: dict[str, str], key: str | None) -> str:
    if key is None:
        return "—"
    return t(table[key]) if key in table else key


# Kinds of activity, with an emoji each: staff pick them, women filter by them.
ACTIVITY_KINDS = {
    "pregnant_club": ("🤰", N_("Pregnant women's club")),
    "fair": ("🧺", N_("Fair")),
    "training": ("📚", N_("Training")),
    "entrepreneurship_school": ("💼", N_("Entrepreneurship school")),
    "network_meeting": ("🤝", N_("Women's network meeting")),
    "other": ("✨", N_("Other activity")),
}


def activity_kind_label(t: Translator, kind: str) -> str:
    """E.g. "🤰 Club de embarazadas"; an unknown kind is shown as it is stored."""
    if kind not in ACTIVITY_KINDS:
        return f"✨ {kind}"
    emoji, name = ACTIVITY_KINDS[kind]
    return f"{emoji} {t(name)}"
