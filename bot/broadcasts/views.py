"""An announcement as women see it, and what staff see while composing one.

Callback data: bot.broadcasts.callbacks (an announcement about an activity links to one
of its dates: bot.activities.callbacks.ViewDate).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.callbacks import ViewDate
from bot.activities.service_series import Occurrence
from bot.activities.service_series import occurrence_stamp as stamp
from bot.broadcasts.callbacks import (
    AUDIENCE_KINDS,
    ActivityDate,
    ActivityDateOnly,
    ActivityEveryDate,
    Announcements,
    AnnouncementsButton,
    AudienceKind,
    AudienceMenu,
    ChangeText,
    CommunityPage,
    DiscardDraft,
    DoneChoosing,
    OnDraft,
    PreviewNoop,
    Schedule,
    SendNow,
    SkipPhoto,
    ToggleCommunity,
    ToggleType,
)
from bot.broadcasts.service import MAX_CAPTION, telegram_length
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.core.labels import activity_kind_label
from bot.core.paging import COMMUNITIES_PER_PAGE, paged_rows
from bot.db.models import ActivityKind

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
    rows = [[button(labels[-1], AnnouncementsButton(Announcements.STOP))]]
    if about_activity:
        assert activity_id is not None and occurrence is not None
        rows.insert(0, [button(labels[0], ViewDate(activity_id, stamp(occurrence)))])
    return for_her(t, rows)


def preview_keyboard(t: Translator, about_activity: bool) -> InlineKeyboardMarkup:
    """The same buttons as women get, doing nothing: pressed in the staff group they must
    not stop anyone's announcements or wipe the chat."""
    labels = [*_announcement_labels(t, about_activity), t("🚪 Quick exit")]
    return InlineKeyboardMarkup([[button(label, PreviewNoop())] for label in labels])


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


def _sb(text: str, draft_id: int, kind: Callable[[int], OnDraft]) -> InlineKeyboardButton:
    """A button of `kind` on this draft."""
    return button(text, kind(draft_id))


def photo_question(t: Translator) -> str:
    return t(
        "📷 Add a photo? Reply to this message with the photo, or press «No photo». "
        "The text will go as its caption."
    )


def photo_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_sb(t("⏭️ No photo"), draft_id, SkipPhoto), _sb(t("✖️ Cancel"), draft_id, DiscardDraft)]]
    )


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
    rows = [
        [button(audience_kind_label(t, kind), AudienceKind(draft_id, kind))]
        for kind in AUDIENCE_KINDS
    ]
    rows.append([_sb(t("✖️ Cancel"), draft_id, DiscardDraft)])
    return InlineKeyboardMarkup(rows)


def _done_and_back(t: Translator, draft_id: int) -> list[list[InlineKeyboardButton]]:
    return [
        [_sb(t("✅ Done"), draft_id, DoneChoosing)],
        [_sb(t("◀️ Back"), draft_id, AudienceMenu)],
    ]


def communities_text(t: Translator) -> str:
    return t("🏘️ Choose one or more communities, then press «Done».")


def communities_keyboard(
    t: Translator, draft_id: int, communities: Sequence[str], chosen: Sequence[str], page: int
) -> InlineKeyboardMarkup:
    """Toggle buttons over the office's communities, a page at a time."""
    rows = paged_rows(
        t,
        communities,
        page,
        choice=lambda index, name: button(
            f"{'✅' if name in chosen else '▫️'} {name}", ToggleCommunity(draft_id, index)
        ),
        turn=lambda label, to: button(label, CommunityPage(draft_id, to)),
    )
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
            button(
                f"{'✅' if kind.value in chosen else '▫️'} {activity_kind_label(t, kind.value)}",
                ToggleType(draft_id, kind.value),
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
            button(
                f"{t.stamp(o.starts_at)} · {o.details.title}"[:60],
                ActivityDate(draft_id, o.activity_id, stamp(o.key)),
            )
        ]
        for o in occurrences[:ACTIVITIES_LISTED]
    ]
    rows.append([_sb(t("◀️ Back"), draft_id, AudienceMenu)])
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
                button(
                    t("📅 Only {date}").format(date=t.stamp(occurrence.starts_at)),
                    ActivityDateOnly(draft_id, occurrence.activity_id, key),
                )
            ],
            [
                button(
                    t("🔁 Every date from now on"),
                    ActivityEveryDate(draft_id, occurrence.activity_id, key),
                )
            ],
            [button(t("◀️ Back"), AudienceKind(draft_id, "activity"))],
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
            [_sb(t("📣 Send now"), draft_id, SendNow), _sb(t("🕒 Schedule"), draft_id, Schedule)],
            [
                _sb(t("👥 Change audience"), draft_id, AudienceMenu),
                _sb(t("✏️ Change text"), draft_id, ChangeText),
            ],
            [_sb(t("✖️ Cancel"), draft_id, DiscardDraft)],
        ]
    )
