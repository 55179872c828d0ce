"""What staff see and press about activities in the staff group (the notices the women
going to a date get when staff change or cancel it: views_notices.py). Pure functions.

Callback data: bot.activities.callbacks (the `sx:…` buttons; `sb:act:…` announces a date,
bot.broadcasts.callbacks).

What she receives names the activity (its title is not sensitive) but nothing about her.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.callbacks import (
    Attendance,
    BackToCard,
    CancelDates,
    CancelMenu,
    CancelQuestion,
    DraftButton,
    DraftStep,
    EditField,
    EditFieldButton,
    EditMenu,
    OpenCard,
    PosterQr,
    Scope,
    StartEdit,
    ToggleAttended,
)
from bot.activities.rules import capitalised, describe_rule
from bot.activities.service_series import Occurrence
from bot.activities.service_series import occurrence_stamp as stamp
from bot.activities.service_signups import Attendee
from bot.broadcasts.callbacks import AnnounceActivity
from bot.core.i18n import N_, Translator
from bot.core.keyboards import button
from bot.core.labels import ACTIVITY_KINDS, activity_kind_label
from bot.core.paging import paged_rows
from bot.db.models import Activity

DURATIONS = (60, 120, 180, 240, 480)
CAPACITIES = (10, 20, 30, 50)
ATTENDEES_PER_PAGE = 20
LIST_BUTTONS = 30
DESCRIPTION_ON_CARD = 400
BUTTON_TITLE_LENGTH = 30
ONE, ALL = Scope.ONE, Scope.ALL
# Fields staff may edit: code in callback data → (service field, label).
EDIT_FIELDS: dict[str, tuple[str, str]] = {
    EditField.TITLE: ("title", N_("Title")),
    EditField.DESCRIPTION: ("description", N_("Description")),
    EditField.WHEN: ("starts_at", N_("Date and time")),
    EditField.PLACE: ("place", N_("Place")),
    EditField.CAPACITY: ("capacity", N_("Capacity")),
    EditField.PHOTO: ("photo_file_id", N_("Photo")),
}


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def duration_label(t: Translator, minutes: int) -> str:
    if minutes == 240:
        return t("Half day (4 h)")
    if minutes == 480:
        return t("Whole day (8 h)")
    return t.duration(timedelta(minutes=minutes))


def community_label(t: Translator, community: str | None) -> str:
    return community if community is not None else t("Whole municipality")


def capacity_label(t: Translator, capacity: int | None) -> str:
    if capacity is None:
        return t("no limit")
    return t.plural("{n} place", "{n} places", capacity).format(n=capacity)


def going_label(t: Translator, n: int) -> str:
    return t.plural("{n} going", "{n} going", n).format(n=n)


def waiting_label(t: Translator, n: int) -> str:
    return t.plural("{n} waiting", "{n} waiting", n).format(n=n)


def came_label(t: Translator, n: int) -> str:
    return t.plural("{n} came", "{n} came", n).format(n=n)


def short_when(t: Translator, moment: datetime) -> str:
    """ "mar, 1 dic 9:00"."""
    local = moment.astimezone(t.timezone)
    return f"{format_skeleton('MMMEd', local, locale=t.babel_locale)} {t.time(moment)}"


# ── The wizard ─────────────────────────────────────────────────────────────────


def _draft(draft_id: int, step: DraftStep, value: object = None) -> DraftButton:
    return DraftButton(draft_id, step, None if value is None else str(value))


def discard_row(t: Translator, draft_id: int) -> list[InlineKeyboardButton]:
    return [button(t("✖️ Discard"), _draft(draft_id, DraftStep.DISCARD))]


def kind_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    rows = [
        [button(activity_kind_label(t, k), _draft(draft_id, DraftStep.KIND, k))] for k in ACTIVITY_KINDS
    ]
    return InlineKeyboardMarkup([*rows, discard_row(t, draft_id)])


def skip_keyboard(t: Translator, draft_id: int, *, editing: bool = False) -> InlineKeyboardMarkup:
    """Under an optional question: skip it (when editing: remove what is there)."""
    label = t("🗑️ Remove it") if editing else t("⏭️ Skip")
    return InlineKeyboardMarkup([[button(label, _draft(draft_id, DraftStep.SKIP))]])


def duration_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    labels = [button(duration_label(t, m), _draft(draft_id, DraftStep.DURATION, m)) for m in DURATIONS]
    return InlineKeyboardMarkup([labels[:3], labels[3:], discard_row(t, draft_id)])


def community_keyboard(
    t: Translator, draft_id: int, communities: Sequence[str], page: int
) -> InlineKeyboardMarkup:
    """The whole municipality first, then the office's communities a page at a time."""
    rows = [[button(t("🏘️ Whole municipality"), _draft(draft_id, DraftStep.COMMUNITY, "all"))]]
    rows.extend(
        paged_rows(
            t,
            communities,
            page,
            choice=lambda index, name: button(name, _draft(draft_id, DraftStep.COMMUNITY, index)),
            turn=lambda label, to: button(label, _draft(draft_id, DraftStep.COMMUNITY_PAGE, to)),
        )
    )
    rows.append(discard_row(t, draft_id))
    return InlineKeyboardMarkup(rows)


def capacity_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    numbers = [button(str(n), _draft(draft_id, DraftStep.CAPACITY, n)) for n in CAPACITIES]
    return InlineKeyboardMarkup(
        [
            [button(t("♾️ No limit"), _draft(draft_id, DraftStep.CAPACITY, 0))],
            numbers,
            [button(t("✏️ Type a number"), _draft(draft_id, DraftStep.CAPACITY, "type"))],
            discard_row(t, draft_id),
        ]
    )


def repeat_keyboard(
    t: Translator, draft_id: int, choices: Sequence[tuple[str, str | None]], first_start: datetime
) -> InlineKeyboardMarkup:
    """One button per way to repeat, each saying exactly what it means for this date."""
    rows = []
    for code, rule in choices:
        label = (
            t("1️⃣ Only this date")
            if rule is None
            else "🔁 " + capitalised(describe_rule(t, rule, first_start))
        )
        rows.append([button(label, _draft(draft_id, DraftStep.REPEAT, code))])
    rows.append(discard_row(t, draft_id))
    return InlineKeyboardMarkup(rows)


def confirm_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("✅ Create"), _draft(draft_id, DraftStep.CREATE)),
                button(t("✖️ Cancel"), _draft(draft_id, DraftStep.DISCARD)),
            ]
        ]
    )


def summary_text(t: Translator, data: Mapping[str, Any], starts_at: datetime) -> str:
    """The draft before it is created: everything staff chose, to check once."""
    lines = [
        t("Please check the new activity:"),
        "",
        f"{activity_kind_label(t, data['kind'])}",
        f"«{data['title']}»",
    ]
    if data.get("description"):
        lines.append(_shorten(data["description"], DESCRIPTION_ON_CARD))
    lines.append(
        f"🗓️ {describe_rule(t, data.get('rrule'), starts_at)} · "
        f"{duration_label(t, data['duration'])}"
    )
    lines.append(f"📍 {data['place']}")
    lines.append(f"🏘️ {community_label(t, data.get('community'))}")
    lines.append(f"👥 {capacity_label(t, data.get('capacity'))}")
    lines.append(t("📷 With a photo") if data.get("photo") else t("📷 No photo"))
    return "\n".join(lines)


def wizard_question(t: Translator, step: str) -> str:
    """The question of a typed step of the wizard (a reply to it is the answer)."""
    questions = {
        "title": t("✏️ Title: reply to this message with the activity's name."),
        "description": t(
            "📝 Description: reply with a few lines about it (what to bring, who it is for), "
            "or press «Skip»."
        ),
        "starts_at": t(
            "🗓️ Date and time: reply like «25/12 9:00», «25/12/2026 14:30» or «mañana 9:00»."
        ),
        "place": t("📍 Place: reply with where it is (e.g. «Salón municipal»)."),
        "capacity": t("👥 Reply with the number of places (a whole number, 1 or more)."),
        "photo": t("📷 Photo: reply with a photo for the activity, or press «Skip»."),
    }
    return questions[step]


# ── The staff card ─────────────────────────────────────────────────────────────


def card_text(
    t: Translator,
    occurrence: Occurrence,
    series: Activity,
    *,
    going: int,
    waiting: int,
    link: str,
    later: Sequence[datetime] = (),
) -> str:
    """One date of an activity for staff: what, when (and how it repeats), where, who."""
    details = occurrence.details
    lines = [f"{activity_kind_label(t, details.kind)} · #{occurrence.activity_id}"]
    lines.append(f"«{details.title}»")
    when = t.date_and_time(occurrence.starts_at)
    lines.append(
        f"🗓️ {when} ({duration_label(t, details.duration_minutes)})"
        + (" " + t("(this date was changed)") if occurrence.edited else "")
    )
    if series.rrule is not None:
        lines.append(f"🔁 {capitalised(describe_rule(t, series.rrule, series.starts_at))}")
        if later:
            lines.append(
                t("Next dates: {dates}").format(dates=", ".join(t.short_date(d) for d in later))
            )
    lines.append(f"📍 {details.place or '—'}")
    lines.append(f"🏘️ {community_label(t, details.community)}")
    if details.capacity is None:
        counts = [t("No limit"), going_label(t, going)]
    else:
        counts = [
            capacity_label(t, details.capacity),
            going_label(t, going),
            waiting_label(t, waiting),
        ]
    lines.append("👥 " + " · ".join(counts))
    if details.photo_file_id:
        lines.append(t("📷 With a photo"))
    if details.description:
        lines.extend(["", _shorten(details.description, DESCRIPTION_ON_CARD)])
    lines.extend(["", f"🔗 {link}"])
    return "\n".join(lines)


def card_keyboard(t: Translator, activity_id: int, key: datetime) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("🖨️ QR for posters"), PosterQr(activity_id)),
                button(t("📋 Attendance"), Attendance(activity_id, stamp(key))),
            ],
            [
                button(t("✏️ Edit"), EditMenu(activity_id, stamp(key))),
                button(t("✖️ Cancel"), CancelMenu(activity_id, stamp(key))),
            ],
            [button(t("📣 Announce"), AnnounceActivity(activity_id, stamp(key)))],
        ]
    )


def back_row(t: Translator, activity_id: int, key: datetime) -> list[InlineKeyboardButton]:
    return [button(t("◀️ Back"), BackToCard(activity_id, stamp(key)))]


def edit_keyboard(t: Translator, activity_id: int, key: datetime) -> InlineKeyboardMarkup:
    fields = [
        button(t(label), EditFieldButton(activity_id, stamp(key), EditField(code)))
        for code, (_, label) in EDIT_FIELDS.items()
    ]
    rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    return InlineKeyboardMarkup([*rows, back_row(t, activity_id, key)])


def edit_scope_keyboard(
    t: Translator, activity_id: int, key: datetime, field: EditField
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t("1️⃣ Only this date"), StartEdit(activity_id, stamp(key), field, ONE))],
            [button(t("🔁 Every date"), StartEdit(activity_id, stamp(key), field, ALL))],
            back_row(t, activity_id, key),
        ]
    )


def cancel_scope_keyboard(t: Translator, activity_id: int, key: datetime) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t("1️⃣ Only this date"), CancelQuestion(activity_id, stamp(key), ONE))],
            [button(t("🔁 The whole series"), CancelQuestion(activity_id, stamp(key), ALL))],
            back_row(t, activity_id, key),
        ]
    )


def cancel_confirm_keyboard(
    t: Translator, activity_id: int, key: datetime, scope: Scope
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t("✖️ Yes, cancel it"), CancelDates(activity_id, stamp(key), scope))],
            back_row(t, activity_id, key),
        ]
    )


def cancel_question(t: Translator, title: str, when: datetime, scope: str, told: int) -> str:
    what = (
        t("Cancel «{title}» on {when}?").format(title=title, when=t.date_and_time(when))
        if scope == ONE
        else t("Cancel «{title}» and all its dates?").format(title=title)
    )
    return "\n".join(
        [
            what,
            t.plural(
                "{n} woman signed up will be told.", "{n} women signed up will be told.", told
            ).format(n=told),
        ]
    )


# ── /actividades ───────────────────────────────────────────────────────────────


def upcoming_text(t: Translator, dates: Sequence[Occurrence], days: int) -> str:
    if not dates:
        return t.plural(
            "No activities in the next {days} day. Create one with /actividad.",
            "No activities in the next {days} days. Create one with /actividad.",
            days,
        ).format(days=days)
    lines = [
        t.plural(
            "🗓️ Activities in the next {days} day:", "🗓️ Activities in the next {days} days:", days
        ).format(days=days)
    ]
    for occurrence in dates:
        details = occurrence.details
        emoji = ACTIVITY_KINDS.get(details.kind, ("✨", ""))[0]
        lines.append(
            f"{emoji} {short_when(t, occurrence.starts_at)} · {_shorten(details.title, 60)}"
            f" · {community_label(t, details.community)}"
        )
    if len(dates) > LIST_BUTTONS:
        lines.append(
            t.plural(
                "Only the first {n} has a button below.",
                "Only the first {n} have a button below.",
                LIST_BUTTONS,
            ).format(n=LIST_BUTTONS)
        )
    return "\n".join(lines)


def upcoming_keyboard(t: Translator, dates: Sequence[Occurrence]) -> InlineKeyboardMarkup | None:
    rows = [
        [
            button(
                f"{short_when(t, o.starts_at)} · {_shorten(o.details.title, BUTTON_TITLE_LENGTH)}",
                OpenCard(o.activity_id, stamp(o.key)),
            )
        ]
        for o in dates[:LIST_BUTTONS]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


# ── Attendance ─────────────────────────────────────────────────────────────────


def _person(t: Translator, attendee: Attendee) -> str:
    name = attendee.name or t("(no name)")
    return f"{name} — {attendee.community}" if attendee.community else name


def attendance_text(
    t: Translator, title: str, when: datetime, people: Sequence[Attendee], page: int
) -> str:
    going = [p for p in people if p.status == "going"]
    waiting = [p for p in people if p.status == "waitlist"]
    came = sum(1 for p in people if p.attended)
    lines = [
        t("📋 Attendance: «{title}», {when}").format(title=title, when=t.date_and_time(when)),
        " · ".join(
            [going_label(t, len(going)), waiting_label(t, len(waiting)), came_label(t, came)]
        ),
    ]
    if not people:
        lines.extend(["", t("Nobody has signed up for this date yet.")])
        return "\n".join(lines)
    start = page * ATTENDEES_PER_PAGE
    shown = list(enumerate(people, 1))[start : start + ATTENDEES_PER_PAGE]
    heading = None
    for number, person in shown:
        section = t("Going:") if person.status == "going" else t("Waiting list:")
        if section != heading:
            lines.extend(["", section])
            heading = section
        mark = "✅" if person.attended else "⬜"
        lines.append(f"{mark} {number}. {_person(t, person)}")
    lines.extend(["", t("Press a name to mark that she came (press again to undo).")])
    return "\n".join(lines)


def attendance_pages(people: Sequence[Attendee]) -> int:
    return max(1, -(-len(people) // ATTENDEES_PER_PAGE))


def attendance_keyboard(
    t: Translator, activity_id: int, key: datetime, people: Sequence[Attendee], page: int
) -> InlineKeyboardMarkup:
    start = page * ATTENDEES_PER_PAGE
    rows = [
        [
            button(
                f"{'✅' if person.attended else '⬜'} {number}. "
                f"{_shorten(person.name or t('(no name)'), BUTTON_TITLE_LENGTH)}",
                ToggleAttended(person.signup_id, page),
            )
        ]
        for number, person in list(enumerate(people, 1))[start : start + ATTENDEES_PER_PAGE]
    ]
    nav = []
    if page > 0:
        nav.append(button(t("◀️ Previous"), Attendance(activity_id, stamp(key), page - 1)))
    if page < attendance_pages(people) - 1:
        nav.append(button(t("More ▶️"), Attendance(activity_id, stamp(key), page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)
