"""What she reads and taps about activities: the list, one date, her sign-ups, what she
hears about. Pure functions of translated text and keyboards.

Callback data: bot.activities.callbacks. Texts are short: cheap phones, and little time
to read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.callbacks import (
    ActivityList,
    CannotCome,
    KindFilter,
    MyActivities,
    OnDate,
    Subscriptions,
    ToggleSubscription,
    ViewDate,
    WillCome,
)
from bot.activities.service_her import HerDate, Standing
from bot.activities.service_series import Occurrence
from bot.activities.service_series import occurrence_stamp as stamp
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.core.labels import ACTIVITY_KINDS, activity_kind_label

PER_PAGE = 8
ALL = "all"
BUTTON_TITLE_LENGTH = 32
CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
GOING = "going"
WAITLIST = "waitlist"


# ── Naming a date ──────────────────────────────────────────────────────────────


D = TypeVar("D", bound=OnDate)


def ref(kind: type[D], occurrence: Occurrence) -> D:
    """A button of `kind` on one date."""
    return kind(occurrence.activity_id, stamp(occurrence.key))


def kind_emoji(kind: str) -> str:
    return ACTIVITY_KINDS[kind][0] if kind in ACTIVITY_KINDS else "✨"


def short_when(t: Translator, moment: datetime) -> str:
    """E.g. "mar, 1 dic 9:00": weekday, day, month and time, in her language."""
    local = moment.astimezone(t.timezone)
    return f"{format_skeleton('MMMEd', local, locale=t.babel_locale)} {t.time(moment)}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def date_label(t: Translator, occurrence: Occurrence, status: str | None = None) -> str:
    """One button: her mark (✅ going, ⏳ waiting), emoji, title and short date."""
    details = occurrence.details
    mark = {GOING: "✅ ", WAITLIST: "⏳ "}.get(status or "", "")
    title = _shorten(details.title, BUTTON_TITLE_LENGTH)
    return f"{mark}{kind_emoji(details.kind)} {title} · {short_when(t, occurrence.starts_at)}"


# ── The list ───────────────────────────────────────────────────────────────────


def list_text(t: Translator, kind: str, count: int) -> str:
    if count == 0 and kind == ALL:
        return t("There are no activities in the next weeks. We will tell you when there are.")
    if count == 0:
        return t("There are no activities of this kind in the next weeks.")
    return t("🗓️ Activities in the next weeks. Choose one to see it and sign up:")


def list_keyboard(
    t: Translator,
    dates: Sequence[Occurrence],
    statuses: Mapping[tuple[int, datetime], str],
    *,
    kind: str,
    page: int,
    kinds: Collection[str],
) -> InlineKeyboardMarkup:
    """A page of dates, then "more", the filters (kinds that have dates), mine and news."""
    pages = max(1, -(-len(dates) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = dates[page * PER_PAGE : (page + 1) * PER_PAGE]
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                date_label(t, o, statuses.get((o.activity_id, o.key))),
                ref(ViewDate, o),
            )
        ]
        for o in shown
    ]
    nav = []
    if page > 0:
        nav.append(button(t("◀️ Previous"), KindFilter(kind, page - 1)))
    if page < pages - 1:
        nav.append(button(t("More ▶️"), KindFilter(kind, page + 1)))
    if nav:
        rows.append(nav)
    rows.extend(filter_rows(t, kind, kinds))
    rows.append([button(t("⭐ My activities"), MyActivities())])
    rows.append([button(t("🔔 What I hear about"), Subscriptions())])
    return for_her(t, rows, menu=True)


def filter_rows(
    t: Translator, chosen: str, kinds: Collection[str]
) -> list[list[InlineKeyboardButton]]:
    """Filter buttons, two to a row; none when there is only one kind to choose from."""
    present = [k for k in ACTIVITY_KINDS if k in kinds]
    if len(present) < 2 and chosen == ALL:
        return []
    options = [(ALL, t("🗓️ All"))] + [(k, activity_kind_label(t, k)) for k in present]
    buttons_ = [
        button(("🔘 " if key == chosen else "") + label, KindFilter(key)) for key, label in options
    ]
    return [buttons_[i : i + 2] for i in range(0, len(buttons_), 2)]


# ── One date ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DateFacts:
    """What the card of one date shows besides the activity itself."""

    places_left: int | None
    standing: Standing | None
    begun: bool


def _places(t: Translator, places_left: int | None) -> str | None:
    if places_left is None:
        return None
    if places_left == 0:
        return t("👥 Full: you can join the waiting list.")
    return t.plural("👥 {n} place left", "👥 {n} places left", places_left).format(n=places_left)


def standing_line(t: Translator, standing: Standing | None) -> str | None:
    if standing is None:
        return None
    if standing.status == WAITLIST:
        if standing.position is None:
            return t("⏳ You are on the waiting list.")
        return t("⏳ You are on the waiting list (number {n}).").format(n=standing.position)
    return t("✅ You are signed up.")


def card(t: Translator, occurrence: Occurrence, facts: DateFacts, limit: int = TEXT_LIMIT) -> str:
    """Title, kind, when, where, for whom, description, places and her status, in `limit`
    characters (a photo's caption allows 1024): the description is shortened to fit."""
    details = occurrence.details
    duration = t.duration(timedelta(minutes=details.duration_minutes))
    head = [
        f"{kind_emoji(details.kind)} {details.title}",
        activity_kind_label(t, details.kind),
        "",
        f"📅 {t.date_and_time(occurrence.starts_at)} ({duration})",
    ]
    if details.place:
        head.append(f"📍 {details.place}")
    head.append(f"🏘️ {details.community}" if details.community else t("🏘️ Whole municipality"))
    tail = [
        line
        for line in (
            t("This activity has already begun.") if facts.begun else _places(t, facts.places_left),
            standing_line(t, facts.standing),
        )
        if line
    ]
    fixed = "\n".join(head) + ("\n\n" + "\n".join(tail) if tail else "")
    description = details.description.strip()
    room = limit - len(fixed) - 2
    if not description or room < 20:
        return fixed[:limit]
    if len(description) > room:
        description = description[: room - 1].rstrip() + "…"
    return "\n".join(head) + "\n\n" + description + ("\n\n" + "\n".join(tail) if tail else "")


def date_keyboard(
    t: Translator,
    occurrence: Occurrence,
    facts: DateFacts,
    extra: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """Her answers, then `extra` rows (the club's, on a club session), then back."""
    rows: list[list[InlineKeyboardButton]] = []
    if not facts.begun:
        if facts.standing is None:
            rows.append([button(t("✅ I will come"), ref(WillCome, occurrence))])
        rows.append([button(t("❌ I can't"), ref(CannotCome, occurrence))])
    rows.extend(list(r) for r in extra)
    rows.append([button(t("⬅️ Activities"), ActivityList())])
    return for_her(t, rows, menu=True)


# ── After a button ─────────────────────────────────────────────────────────────


def signed_up_text(t: Translator, occurrence: Occurrence, standing: Standing) -> str:
    what = f"{kind_emoji(occurrence.details.kind)} {occurrence.details.title}\n📅 " + (
        t.date_and_time(occurrence.starts_at)
    )
    if standing.status == WAITLIST:
        head = t(
            "⏳ You are on the waiting list (number {n}). If a place opens up, we will tell you."
        ).format(n=standing.position or 1)
    else:
        head = t("✅ You are signed up. We will remind you the day before.")
    return f"{head}\n\n{what}"


def after_keyboard(
    t: Translator, occurrence: Occurrence | None = None, *, can_cancel: bool = False
) -> InlineKeyboardMarkup:
    """Under an answer: her activities, back to the list, and "I can't" once signed up."""
    rows: list[list[InlineKeyboardButton]] = []
    if occurrence is not None and can_cancel:
        rows.append([button(t("❌ I can't"), ref(CannotCome, occurrence))])
    rows.append([button(t("⭐ My activities"), MyActivities())])
    rows.append([button(t("⬅️ Activities"), ActivityList())])
    return for_her(t, rows, menu=True)


def promoted_text(t: Translator, occurrence: Occurrence) -> str:
    return (
        t("🎉 A place opened up: you are now signed up for {title}.").format(
            title=occurrence.details.title
        )
        + "\n📅 "
        + t.date_and_time(occurrence.starts_at)
    )


def promoted_keyboard(t: Translator, occurrence: Occurrence) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("📋 See details"), ref(ViewDate, occurrence))]], menu=True)


# ── Her activities ─────────────────────────────────────────────────────────────


def mine_text(t: Translator, dates: Sequence[HerDate]) -> str:
    if not dates:
        return t("You have not signed up for any activity yet.")
    lines = [t("⭐ Your activities:"), ""]
    for her in dates:
        lines.append(f"• {date_label(t, her.occurrence, her.standing.status)}")
        waiting = standing_line(t, her.standing) if her.standing.status == WAITLIST else None
        if waiting:
            lines.append(f"   {waiting}")
    return "\n".join(lines)


def mine_keyboard(
    t: Translator,
    dates: Sequence[HerDate],
    extra: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """Her dates, then `extra` rows (her club date, when she gave one), then back."""
    rows = [
        [button(date_label(t, d.occurrence, d.standing.status), ref(ViewDate, d.occurrence))]
        for d in dates
    ]
    rows.extend(list(r) for r in extra)
    rows.append([button(t("⬅️ Activities"), ActivityList())])
    return for_her(t, rows, menu=True)


# ── What she hears about ───────────────────────────────────────────────────────


def subscriptions_text(t: Translator) -> str:
    return t(
        "🔔 Choose the kinds of activities you want to hear about. "
        "We will only send you news about those marked ✅."
    )


def subscriptions_keyboard(t: Translator, chosen: Collection[str]) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                ("✅ " if kind in chosen else "⬜ ") + activity_kind_label(t, kind),
                ToggleSubscription(kind),
            )
        ]
        for kind in ACTIVITY_KINDS
    ]
    rows.append([button(t("⬅️ Activities"), ActivityList())])
    return for_her(t, rows, menu=True)
