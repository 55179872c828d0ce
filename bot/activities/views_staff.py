"""What staff see and press about activities in the staff group (the notices the women
going to a date get when staff change or cancel it: views_notices.py). Pure functions.

Callback data: bot.activities.callbacks (the `sx:…` buttons; `sb:act:…` announces a date,
bot.broadcasts.callbacks).

What she receives names the activity (its title is not sensitive) but nothing about her.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
#
# One message per draft, edited at each step (bot.core.drafting.show_draft): what is
# chosen so far, a note when an answer was refused, then the current question. Typed
# answers are replies to that message; choices are its buttons.

KIND, TITLE, WHEN, PLACE, COMMUNITY = "kind", "title", "starts_at", "place", "community"
SUMMARY, CHANGE = "summary", "change"
DESCRIPTION, CAPACITY, PHOTO, REPEAT, DURATION = (
    "description",
    "capacity",
    "photo",
    "repeat",
    "duration",
)
# What a new activity needs, in the order it is asked. Each step (the draft's `step`)
# fills the draft's data key of the same name.
REQUIRED = (KIND, TITLE, WHEN, PLACE, COMMUNITY)
# What the summary's buttons open: the optional settings, and changing a required answer.
OPENS: dict[str, tuple[str, ...]] = {
    SUMMARY: (DESCRIPTION, CAPACITY, PHOTO, REPEAT, DURATION, CHANGE),
    CHANGE: REQUIRED,
}
# How long each kind usually lasts (minutes) until staff choose otherwise.
KIND_DURATIONS = {"fair": 480, "entrepreneurship_school": 180}
DEFAULT_DURATION = 120


@dataclass(frozen=True)
class Wizard:
    """What the wizard's message shows: a draft's answers so far and its current step."""

    draft_id: int
    step: str
    data: Mapping[str, Any]
    # The rule the chosen repetition makes from the chosen date (None: once).
    rule: str | None = None
    # The ways the chosen date can repeat: (choice, its rule).
    repeats: Sequence[tuple[str, str | None]] = ()
    communities: Sequence[str] = ()
    page: int = 0
    note: str | None = None

    @property
    def editing(self) -> bool:
        return self.data.get("mode") == "edit"

    @property
    def complete(self) -> bool:
        """Every required answer is given: the summary can be shown."""
        return all(step in self.data for step in REQUIRED)

    @property
    def starts_at(self) -> datetime | None:
        value = self.data.get(WHEN)
        return datetime.fromisoformat(value) if value else None


def draft_duration(data: Mapping[str, Any]) -> int:
    """The draft's length in minutes: chosen, or the kind's usual one."""
    chosen = data.get(DURATION)
    if isinstance(chosen, int):
        return chosen
    return KIND_DURATIONS.get(str(data.get(KIND)), DEFAULT_DURATION)


def _draft(draft_id: int, step: DraftStep, value: object = None) -> DraftButton:
    return DraftButton(draft_id, step, None if value is None else str(value))


def discard_row(t: Translator, draft_id: int) -> list[InlineKeyboardButton]:
    return [button(t("✖️ Discard"), _draft(draft_id, DraftStep.DISCARD))]


def _back_to_summary(t: Translator, draft_id: int) -> list[InlineKeyboardButton]:
    return [button(t("◀️ Back"), _draft(draft_id, DraftStep.BACK))]


def kind_rows(t: Translator, draft_id: int) -> list[list[InlineKeyboardButton]]:
    return [
        [button(activity_kind_label(t, k), _draft(draft_id, DraftStep.KIND, k))]
        for k in ACTIVITY_KINDS
    ]


def duration_rows(t: Translator, draft_id: int) -> list[list[InlineKeyboardButton]]:
    labels = [
        button(duration_label(t, m), _draft(draft_id, DraftStep.DURATION, m)) for m in DURATIONS
    ]
    return [labels[:3], labels[3:]]


def community_rows(
    t: Translator, draft_id: int, communities: Sequence[str], page: int
) -> list[list[InlineKeyboardButton]]:
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
    return rows


def capacity_rows(t: Translator, draft_id: int) -> list[list[InlineKeyboardButton]]:
    numbers = [button(str(n), _draft(draft_id, DraftStep.CAPACITY, n)) for n in CAPACITIES]
    return [[button(t("♾️ No limit"), _draft(draft_id, DraftStep.CAPACITY, 0))], numbers]


def repeat_rows(
    t: Translator, draft_id: int, choices: Sequence[tuple[str, str | None]], first_start: datetime
) -> list[list[InlineKeyboardButton]]:
    """One button per way to repeat, each saying exactly what it means for this date."""
    rows = []
    for code, rule in choices:
        label = (
            t("1️⃣ Only this date")
            if rule is None
            else "🔁 " + capitalised(describe_rule(t, rule, first_start))
        )
        rows.append([button(label, _draft(draft_id, DraftStep.REPEAT, code))])
    return rows


def _open(t: Translator, draft_id: int, step: str) -> InlineKeyboardButton:
    labels = {
        DESCRIPTION: t("📝 Description"),
        CAPACITY: t("👥 Places"),
        PHOTO: t("📷 Photo"),
        REPEAT: t("🔁 Repeats"),
        DURATION: t("⏱️ Duration"),
        CHANGE: t("✏️ Change…"),
        KIND: t("🏷️ Kind"),
        TITLE: t("✏️ Title"),
        WHEN: t("🗓️ Date and time"),
        PLACE: t("📍 Place"),
        COMMUNITY: t("🏘️ Community"),
    }
    return button(labels[step], _draft(draft_id, DraftStep.OPEN, step))


def _in_pairs(row: Sequence[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [list(row[i : i + 2]) for i in range(0, len(row), 2)]


def wizard_keyboard(t: Translator, wizard: Wizard) -> InlineKeyboardMarkup:
    """The buttons of the wizard's current step."""
    draft_id, step, data = wizard.draft_id, wizard.step, wizard.data
    rows: list[list[InlineKeyboardButton]] = []
    if step == KIND:
        rows = kind_rows(t, draft_id)
    elif step == COMMUNITY:
        rows = community_rows(t, draft_id, wizard.communities, wizard.page)
    elif step == CAPACITY:
        rows = capacity_rows(t, draft_id)
    elif step == REPEAT and wizard.starts_at is not None:
        rows = repeat_rows(t, draft_id, wizard.repeats, wizard.starts_at)
    elif step == DURATION:
        rows = duration_rows(t, draft_id)
    elif step in OPENS:
        rows = _in_pairs([_open(t, draft_id, s) for s in OPENS[step]])
    if step in (DESCRIPTION, PHOTO) and data.get(step):  # when editing: what is there now
        rows.append([button(t("🗑️ Remove it"), _draft(draft_id, DraftStep.CLEAR))])
    if wizard.editing:
        rows.append([button(t("✖️ Cancel"), _draft(draft_id, DraftStep.DISCARD))])
    elif step == SUMMARY:
        rows.append(
            [
                button(t("✅ Create"), _draft(draft_id, DraftStep.CREATE)),
                button(t("✖️ Discard"), _draft(draft_id, DraftStep.DISCARD)),
            ]
        )
    elif wizard.complete:
        # A setting, or a required answer being changed: back to the summary as it was.
        rows.append(_back_to_summary(t, draft_id))
    else:
        rows.append(discard_row(t, draft_id))
    return InlineKeyboardMarkup(rows)


def draft_lines(t: Translator, wizard: Wizard) -> list[str]:
    """What is chosen so far (everything, defaults included, once the draft is complete)."""
    data, starts_at = wizard.data, wizard.starts_at
    lines = []
    if KIND in data:
        lines.append(activity_kind_label(t, data[KIND]))
    if data.get(TITLE):
        lines.append(f"«{data[TITLE]}»")
    if data.get(DESCRIPTION):
        lines.append(_shorten(data[DESCRIPTION], DESCRIPTION_ON_CARD))
    if starts_at is not None:
        lines.append(
            f"🗓️ {describe_rule(t, wizard.rule, starts_at)} · "
            f"{duration_label(t, draft_duration(data))}"
        )
    if data.get(PLACE):
        lines.append(f"📍 {data[PLACE]}")
    if COMMUNITY in data:
        lines.append(f"🏘️ {community_label(t, data[COMMUNITY])}")
    if wizard.complete:
        lines.append(f"👥 {capacity_label(t, data.get(CAPACITY))}")
        lines.append(t("📷 With a photo") if data.get(PHOTO) else t("📷 No photo"))
    return lines


def wizard_question(t: Translator, step: str) -> str:
    """What the wizard asks at a step."""
    questions = {
        KIND: t("What kind of activity is it?"),
        TITLE: t("✏️ What is the activity called?"),
        WHEN: t(
            "🗓️ When is it? The date and time, like «25/12 9:00», «25/12/2026 14:30» "
            "or «mañana 9:00»."
        ),
        PLACE: t("📍 Where is it? (e.g. «Salón municipal»)"),
        COMMUNITY: t("🏘️ For which community? (or the whole municipality)"),
        SUMMARY: t("Anything else is optional: add it with the buttons, then press «✅ Create»."),
        CHANGE: t("✏️ What do you want to change?"),
        DESCRIPTION: t("📝 A few lines about it: what to bring, who it is for."),
        CAPACITY: t(
            "👥 How many places? Women who sign up after that go on a waiting list. "
            "Press a number, or reply with another."
        ),
        PHOTO: t("📷 Reply with a photo for the activity (as a photo, not as a file)."),
        REPEAT: t("🔁 Does it repeat?"),
        DURATION: t("⏱️ How long does it last?"),
    }
    return questions[step]


# Steps answered by replying to the wizard's message (a number of places may be typed too).
TYPED = frozenset({TITLE, WHEN, PLACE, DESCRIPTION, CAPACITY, PHOTO})


def wizard_text(t: Translator, wizard: Wizard) -> str:
    if wizard.editing:
        current = wizard.data.get("current")
        top = [t("Now: {value}").format(value=current)] if current else []
    else:
        top = [t("🗓️ New activity"), *draft_lines(t, wizard)]
    ask = [f"⚠️ {wizard.note}"] if wizard.note else []
    ask.append(wizard_question(t, wizard.step))
    if wizard.step in TYPED:
        ask.append(t("↩️ Reply to this message to answer."))
    return "\n\n".join(["\n".join(lines) for lines in (top, ask) if lines])


def wizard_view(t: Translator, wizard: Wizard) -> tuple[str, InlineKeyboardMarkup]:
    return wizard_text(t, wizard), wizard_keyboard(t, wizard)


def created_text(t: Translator, wizard: Wizard, activity_id: int) -> str:
    """The wizard's message once the activity exists (its card follows)."""
    lines = [t("🗓️ New activity"), *draft_lines(t, wizard)]
    return "\n".join(lines) + "\n\n" + t("✅ Created (#{number}).").format(number=activity_id)


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
