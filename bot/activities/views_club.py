"""What she reads and taps about the pregnant women's club following her pregnancy, and
the neutral wording of club messages on the lock screen. Pure functions.

Discreet messages say nothing about a pregnancy or the club in any line: they are what
a lock screen shows. The details are behind a button, in the chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.callbacks import (
    ActivityList,
    ChooseDue,
    ClubDueDates,
    ClubHome,
    ClubInvitations,
    Discreet,
    DueMonth,
    MyActivities,
    OnOff,
    PregnancyMonth,
    PregnancyMonths,
    ReadInvitation,
    RemoveDueDate,
    ViewDate,
    WillCome,
)
from bot.activities.service_club import Invitation, Overview
from bot.activities.service_series import Occurrence
from bot.activities.service_series import occurrence_stamp as stamp
from bot.activities.views_reminders import when_text
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her, yes_no
from bot.db.models import PregnancyFollow


def month_name(t: Translator, day: date) -> str:
    """E.g. "febrero de 2031", "February 2031"."""
    return format_skeleton("yMMMM", day, locale=t.babel_locale)


def club_rows(t: Translator, *, following: bool) -> list[list[InlineKeyboardButton]]:
    """Under a club session (or her activities, once she gave a date): her club screen."""
    label = (
        t("🤰 My due date and club invitations")
        if following
        else t("🤰 Invite me to every session")
    )
    return [[button(label, ClubHome())]]


# ── Her club screen ────────────────────────────────────────────────────────────


def intro_text(t: Translator) -> str:
    return t(
        "🤰 The pregnant women's club meets at the health centre. If you tell us roughly "
        "when your baby is due, we will invite you to each session until then, and once "
        "more after the birth.\n\n"
        "We ask only to send you these invitations. The office staff see it only when "
        "needed. You can remove it at any time, and it is deleted by itself 3 months "
        "after the date.\n\n"
        "In which month is your baby due?"
    )


def months_keyboard(t: Translator, months: Sequence[date]) -> InlineKeyboardMarkup:
    choices = [button(month_name(t, m), DueMonth(m.strftime("%Y%m"))) for m in months]
    rows: list[list[InlineKeyboardButton]] = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    rows.append([button(t("🔢 I know the month of pregnancy"), PregnancyMonths())])
    rows.append([button(t("⬅️ Activities"), ActivityList())])
    return for_her(t, rows, menu=True)


def pregnancy_months_text(t: Translator) -> str:
    return t("Which month of pregnancy are you in?")


def pregnancy_months_keyboard(t: Translator) -> InlineKeyboardMarkup:
    choices = [button(str(n), PregnancyMonth(str(n))) for n in range(1, 10)]
    rows = [choices[i : i + 3] for i in range(0, 9, 3)]
    rows.append([button(t("◀️ Back"), ChooseDue())])
    return for_her(t, rows, menu=True)


def discreet_question(t: Translator, due: date) -> str:
    return "\n\n".join(
        [
            t("✅ Saved: your baby is due around {month}.").format(month=month_name(t, due)),
            t(
                "Messages about the club can show on your phone's lock screen. Discreet "
                "messages only say «You have a new message» until you open them. "
                "How do you want them?"
            ),
        ]
    )


def discreet_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🔒 Discreet"), Discreet("y"))],
            [button(t("📣 Normal"), Discreet("n"))],
        ],
        menu=True,
    )


def status_text(t: Translator, follow: PregnancyFollow, note: str | None = None) -> str:
    lines = [note, ""] if note else []
    if follow.due_date is None:
        lines.append(t("🤰 You have not told us when your baby is due."))
    else:
        lines.append(
            t("🤰 Your baby is due around {month}.").format(month=month_name(t, follow.due_date))
        )
        if follow.invitations:
            lines.append(
                t(
                    "We invite you to each session of the club until then, and once more "
                    "after the birth."
                )
            )
        else:
            lines.append(t("🔕 You asked us not to send you invitations."))
    lines.append(
        t("🔒 Messages about the club are discreet on the lock screen.")
        if follow.discreet
        else t("📣 Messages about the club show normally on the lock screen.")
    )
    return "\n".join(lines)


def status_keyboard(t: Translator, follow: PregnancyFollow) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if follow.due_date is not None:
        rows.append([button(t("📅 Change the date"), ChooseDue())])
        if follow.invitations:
            rows.append([button(t("🔕 Stop these invitations"), ClubInvitations(OnOff.OFF))])
        else:
            rows.append([button(t("🔔 Invite me again"), ClubInvitations(OnOff.ON))])
    rows.append(
        [button(t("📣 Normal messages"), Discreet("n"))]
        if follow.discreet
        else [button(t("🔒 Discreet messages"), Discreet("y"))]
    )
    if follow.due_date is not None:
        rows.append([button(t("🗑️ Remove my date"), RemoveDueDate())])
    else:
        rows.append([button(t("📅 Tell us the date"), ChooseDue())])
    rows.append(
        [
            button(t("⭐ My activities"), MyActivities()),
            button(t("⬅️ Activities"), ActivityList()),
        ]
    )
    return for_her(t, rows, menu=True)


def remove_question(t: Translator) -> str:
    return t("Remove the date your baby is due? We will stop inviting you to the club at once.")


def remove_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return yes_no(t, t("🗑️ Yes, remove it"), RemoveDueDate("y"), ClubHome())


def removed_text(t: Translator) -> str:
    return t("✅ Your date was removed. We will not invite you to the club any more.")


def stopped_text(t: Translator) -> str:
    return t("🔕 Done: no more invitations to the club.")


def month_gone_text(t: Translator) -> str:
    return t("That month can no longer be chosen. Please choose again:")


# ── Invitations ────────────────────────────────────────────────────────────────


def neutral_text(t: Translator) -> str:
    """What a lock screen shows of any discreet message: nothing about the club."""
    return t("📩 You have a new message. Tap «📖 Read» to see it.")


def read_keyboard(t: Translator, invitation_id: int) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("📖 Read"), ReadInvitation(invitation_id))]])


def invitation_text(t: Translator, invitation: Invitation) -> str:
    occurrence = invitation.occurrence
    details = occurrence.details
    head = (
        t("🤱 After your baby's birth, you are invited to the club once more:")
        if invitation.postpartum
        else t("🤰 You are invited to the pregnant women's club:")
    )
    lines = [head, f"«{details.title}»", f"🕘 {t.date_and_time(occurrence.starts_at)}"]
    if details.place.strip():
        lines.append(f"📍 {details.place.strip()}")
    lines.extend(["", t("Would you like to come?")])
    return "\n".join(lines)


def invitation_keyboard(t: Translator, occurrence: Occurrence) -> InlineKeyboardMarkup:
    key = stamp(occurrence.key)
    return for_her(
        t,
        [
            [button(t("✅ I will come"), WillCome(occurrence.activity_id, key))],
            [button(t("📋 See details"), ViewDate(occurrence.activity_id, key))],
            [button(t("🔕 Stop these invitations"), ClubInvitations(OnOff.OFF))],
        ],
        menu=True,
    )


def session_gone_text(t: Translator) -> str:
    return t("That session is no longer available. Here are the other activities:")


def gone_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("⬅️ Activities"), ActivityList())]], menu=True)


# ── Reminders and notices, discreet ────────────────────────────────────────────


def neutral_reminder(t: Translator, starts_at: datetime, now: datetime) -> str:
    return t("⏰ Reminder: you have an activity {when}.").format(when=when_text(t, starts_at, now))


def neutral_changed(t: Translator) -> str:
    return t("🗓️ An activity you signed up for has changed. Tap «📋 See details».")


def neutral_cancelled(t: Translator, when: datetime | None) -> str:
    if when is None:
        return t("🗓️ An activity you signed up for has been cancelled. We are sorry.")
    return t("🗓️ An activity you signed up for on {when} has been cancelled. We are sorry.").format(
        when=t.date_and_time(when)
    )


def neutral_promoted(t: Translator, occurrence: Occurrence) -> str:
    return t("🎉 A place opened up: you are now signed up for an activity on {when}.").format(
        when=t.date_and_time(occurrence.starts_at)
    )


# ── Staff ──────────────────────────────────────────────────────────────────────


def overview_text(t: Translator, overview: Overview) -> str:
    lines = [
        t("🤰 Pregnant women's club"),
        t.plural(
            "{n} woman follows her pregnancy ({discreet} with discreet messages).",
            "{n} women follow their pregnancy ({discreet} with discreet messages).",
            overview.following,
        ).format(n=overview.following, discreet=overview.discreet),
        "",
    ]
    if not overview.sessions:
        lines.append(t("No sessions of the club in the next weeks."))
    for item in overview.sessions:
        lines.append(
            t("• {when}: {invited} invited, {coming} coming").format(
                when=t.stamp(item.occurrence.starts_at),
                invited=item.invited,
                coming=item.coming,
            )
        )
    lines.extend(["", t("Due dates are shown only when needed, and each view is recorded.")])
    return "\n".join(lines)


def overview_keyboard(t: Translator, overview: Overview) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    t("🔒 Due dates · {when}").format(when=t.stamp(item.occurrence.starts_at)),
                    ClubDueDates(item.occurrence.activity_id, stamp(item.occurrence.key)),
                )
            ]
            for item in overview.sessions[:10]
        ]
    )


def due_dates_text(t: Translator, occurrence: Occurrence, women: Sequence[tuple[str, date]]) -> str:
    lines = [
        t("🔒 Coming to the club on {when}, with their due dates:").format(
            when=t.stamp(occurrence.starts_at)
        ),
        "",
    ]
    if not women:
        lines.append(t("Nobody coming has told us a due date."))
    lines.extend(f"• {name} — {month_name(t, due)}" for name, due in women)
    return "\n".join(lines)
