"""An announcement as women see it, and what staff see while composing one.

Staff buttons are `sb:<action>:<draft id>[:<arg>]` (see bot.broadcasts.staff_compose).
Women's buttons follow the shared contract: `ac:v:<activity id>:<stamp>` opens one
date of an activity, `bc:stop` stops announcements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.service import Occurrence
from bot.activities.service import occurrence_stamp as stamp
from bot.broadcasts.service import MAX_CAPTION, telegram_length
from bot.core.i18n import Translator
from bot.core.keyboards import COMMUNITIES_PER_PAGE, button, for_her
from bot.core.labels import activity_kind_label
from bot.db.models import ActivityKind

PREFIX = "sb"
NOOP = "noop"
ACTIVITIES_LISTED = 10


# ── What women see ─────────────────────────────────────────────────────────────


def _announcement_labels(t: Translator, about_activity: bool) -> list[str]:
    labels = [t("🔕 Stop announcements")]
    if about_activity:
        labels.insert(0, t("🗓️ See and sign up"))
    return labels


def announcement_keyboard(
    t: Translator, activity_id: int | None, occurrence: datetime | None
) -> InlineKeyboardMarkup:
    """Under every announcement: see the activity (if it is about one), stop, quick exit."""
    about_activity = activity_id is not None and occurrence is not None
    labels = _announcement_labels(t, about_activity)
    rows = [[button(labels[-1], "bc", "stop")]]
    if about_activity:
        assert occurrence is not None
        rows.insert(0, [button(labels[0], "ac", "v", activity_id, stamp(occurrence))])
    return for_her(t, rows)


def preview_keyboard(t: Translator, about_activity: bool) -> InlineKeyboardMarkup:
    """The same buttons as women get, doing nothing: pressed in the staff group they must
    not stop anyone's announcements or wipe the chat."""
    labels = [*_announcement_labels(t, about_activity), t("🚪 Quick exit")]
    return InlineKeyboardMarkup([[button(label, PREFIX, NOOP)] for label in labels])


def activity_text(t: Translator, occurrence: Occurrence) -> str:
    """A first draft of an announcement about one date of an activity (fits a caption)."""
    details = occurrence.details
    lines = [f"🗓️ {details.title}", f"📅 {t.date_and_time(occurrence.starts_at)}"]
    if details.place:
        lines.append(f"📍 {details.place}")
    text = "\n".join(lines)
    description = details.description.strip()
    if description:
        room = MAX_CAPTION - telegram_length(text) - 3
        if telegram_length(description) > room:
            while description and telegram_length(description) > room - 1:
                description = description[: max(0, len(description) - 16)]
            description = description.rstrip() + "…"
        text = f"{text}\n\n{description}"
    return text


# ── Composing (staff) ──────────────────────────────────────────────────────────


def _sb(text: str, draft_id: int, *args: object) -> InlineKeyboardButton:
    return button(text, PREFIX, *_parts(draft_id, args))


def _parts(draft_id: int, args: Sequence[object]) -> list[object]:
    return [args[0], draft_id, *args[1:]] if args else [draft_id]


def photo_question(t: Translator) -> str:
    return t(
        "📷 Add a photo? Reply to this message with the photo, or press «No photo». "
        "The text will go as its caption."
    )


def photo_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_sb(t("⏭️ No photo"), draft_id, "skip"), _sb(t("✖️ Cancel"), draft_id, "x")]]
    )


AUDIENCE_KINDS = ("everyone", "communities", "activity_type", "network", "activity")


def audience_kind_label(t: Translator, kind: str) -> str:
    labels = {
        "everyone": t("👥 Everyone"),
        "communities": t("🏘️ One or more communities"),
        "activity_type": t("🗓️ Who hears about a kind of activity"),
        "network": t("🤝 Women's network"),
        "activity": t("✅ Women signed up to an activity"),
    }
    return labels.get(kind, kind)


def audience_menu_text(t: Translator) -> str:
    return t("👥 Who should receive this announcement?")


def audience_menu(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    rows = [[_sb(audience_kind_label(t, kind), draft_id, "ak", kind)] for kind in AUDIENCE_KINDS]
    rows.append([_sb(t("✖️ Cancel"), draft_id, "x")])
    return InlineKeyboardMarkup(rows)


def _done_and_back(t: Translator, draft_id: int) -> list[list[InlineKeyboardButton]]:
    return [[_sb(t("✅ Done"), draft_id, "ok")], [_sb(t("◀️ Back"), draft_id, "aud")]]


def communities_text(t: Translator) -> str:
    return t("🏘️ Choose one or more communities, then press «Done».")


def communities_keyboard(
    t: Translator, draft_id: int, communities: Sequence[str], chosen: Sequence[str], page: int
) -> InlineKeyboardMarkup:
    """Toggle buttons over the office's communities, a page at a time."""
    pages = max(1, -(-len(communities) // COMMUNITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * COMMUNITIES_PER_PAGE
    rows = [
        [_sb(f"{'✅' if name in chosen else '▫️'} {name}", draft_id, "c", index)]
        for index, name in enumerate(communities[first : first + COMMUNITIES_PER_PAGE], first)
    ]
    nav = []
    if page > 0:
        nav.append(_sb(t("◀️ Previous"), draft_id, "cp", page - 1))
    if page < pages - 1:
        nav.append(_sb(t("More ▶️"), draft_id, "cp", page + 1))
    if nav:
        rows.append(nav)
    rows.extend(_done_and_back(t, draft_id))
    return InlineKeyboardMarkup(rows)


def page_of(index: int) -> int:
    return index // COMMUNITIES_PER_PAGE


def types_text(t: Translator) -> str:
    return t(
        "🗓️ Choose one or more kinds of activity: it goes to the women who hear about "
        "any of them. Then press «Done»."
    )


def types_keyboard(t: Translator, draft_id: int, chosen: Sequence[str]) -> InlineKeyboardMarkup:
    rows = [
        [
            _sb(
                f"{'✅' if kind.value in chosen else '▫️'} {activity_kind_label(t, kind.value)}",
                draft_id,
                "t",
                kind.value,
            )
        ]
        for kind in ActivityKind
    ]
    rows.extend(_done_and_back(t, draft_id))
    return InlineKeyboardMarkup(rows)


def activities_text(t: Translator, found: bool) -> str:
    if not found:
        return t("There are no upcoming activities. Choose another audience.")
    return t("✅ Which activity? Choose one of its dates.")


def activities_keyboard(
    t: Translator, draft_id: int, occurrences: Sequence[Occurrence]
) -> InlineKeyboardMarkup:
    rows = [
        [
            _sb(
                f"{t.stamp(o.starts_at)} · {o.details.title}"[:60],
                draft_id,
                "ad",
                o.activity_id,
                stamp(o.key),
            )
        ]
        for o in occurrences[:ACTIVITIES_LISTED]
    ]
    rows.append([_sb(t("◀️ Back"), draft_id, "aud")])
    return InlineKeyboardMarkup(rows)


def activity_scope_text(t: Translator, occurrence: Occurrence) -> str:
    return t(
        "✅ {title}: the women signed up to this date only, or to any date from now on?"
    ).format(title=occurrence.details.title)


def activity_scope_keyboard(
    t: Translator, draft_id: int, occurrence: Occurrence
) -> InlineKeyboardMarkup:
    key = stamp(occurrence.key)
    return InlineKeyboardMarkup(
        [
            [
                _sb(
                    t("📅 Only {date}").format(date=t.stamp(occurrence.starts_at)),
                    draft_id,
                    "ao",
                    occurrence.activity_id,
                    key,
                )
            ],
            [_sb(t("🔁 Every date from now on"), draft_id, "aa", occurrence.activity_id, key)],
            [_sb(t("◀️ Back"), draft_id, "ak", "activity")],
        ]
    )


def describe_audience(t: Translator, audience: dict[str, Any], activity_title: str = "") -> str:
    """One line for staff: who an audience reaches."""
    kind = audience.get("kind")
    communities = ", ".join(audience.get("communities") or [])
    if kind == "everyone":
        text = t("everyone")
    elif kind == "communities":
        text = t("communities: {names}").format(names=communities)
    elif kind == "network":
        text = t("the women's network")
    elif kind == "activity_type":
        names = ", ".join(activity_kind_label(t, k) for k in audience.get("types") or [])
        text = t("women who hear about: {kinds}").format(kinds=names)
    elif kind == "activity":
        what = activity_title or f"#{audience.get('activity_id')}"
        if audience.get("occurrence_start"):
            when = t.stamp(datetime.fromisoformat(audience["occurrence_start"]))
            text = t("signed up to {activity} on {date}").format(activity=what, date=when)
        else:
            text = t("signed up to {activity} (any date from now on)").format(activity=what)
    elif kind == "organization":
        text = t("the members of organization #{number}").format(
            number=audience.get("organization_id")
        )
    else:
        text = str(kind)
    if communities and kind not in ("communities",):
        text = t("{audience}, in {names}").format(audience=text, names=communities)
    return text


def preview_card(t: Translator, audience_line: str, count: int) -> str:
    lines = [
        t("👆 This is how women will see it."),
        "",
        t("👥 Audience: {audience}").format(audience=audience_line),
        t.plural(
            "📬 It would reach {count} woman now.", "📬 It would reach {count} women now.", count
        ).format(count=count),
    ]
    if count == 0:
        lines.append(t("Nobody would receive it: choose another audience."))
    return "\n".join(lines)


def preview_card_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_sb(t("📣 Send now"), draft_id, "send"), _sb(t("🕒 Schedule"), draft_id, "sch")],
            [
                _sb(t("👥 Change audience"), draft_id, "aud"),
                _sb(t("✏️ Change text"), draft_id, "txt"),
            ],
            [_sb(t("✖️ Cancel"), draft_id, "x")],
        ]
    )
