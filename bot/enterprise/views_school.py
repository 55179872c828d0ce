"""Texts and keyboards of the entrepreneurship school, as pure functions: her courses
and certificates; the staff course card, its women and certificates, the new course."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.service_series import Occurrence
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.core.paging import paged_rows
from bot.db.models import Certificate, Course, DeliveryStatus
from bot.enterprise.callbacks import (
    CourseCard,
    CourseCertificates,
    CourseDraftButton,
    CourseStep,
    CourseWomen,
    Enrol,
    EnterpriseHome,
    IssueCertificates,
    LeaveCourse,
    LeaveCourseQuestion,
    MyCertificates,
    SchoolHome,
    StaffCourses,
    ViewCourse,
)
from bot.enterprise.certificate_pdf import hours_text
from bot.enterprise.service_school import CAPACITY_CHOICES, PERCENT_CHOICES, Progress

# ── Her side ──────────────────────────────────────────────────────────────────


def home_text(t: Translator, found: Sequence[tuple[Course, Sequence[Occurrence]]]) -> str:
    intro = t(
        "🎓 The municipal entrepreneurship school: short courses to start or grow your "
        "business. Attend the sessions and receive a certificate."
    )
    if not found:
        return "\n\n".join([intro, t("No course is open for enrolment right now.")])
    return "\n\n".join([intro, t("Courses open for enrolment:")])


def home_keyboard(
    t: Translator, found: Sequence[tuple[Course, Sequence[Occurrence]]], mine: Collection[int]
) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                f"{'✅' if course.id in mine else '🎓'} {course.title[:40]} · "
                f"{t.short_date(dates[0].starts_at)}",
                ViewCourse(course.id),
            )
        ]
        for course, dates in found[:10]
    ]
    rows.append([button(t("📜 My certificates"), MyCertificates())])
    rows.append([button(t("⬅️ Back"), EnterpriseHome())])
    return for_her(t, rows, menu=True)


def _sessions(t: Translator, dates: Sequence[Occurrence]) -> str:
    lines = []
    for number, occurrence in enumerate(dates, start=1):
        place = f" · {occurrence.details.place}" if occurrence.details.place else ""
        lines.append(f"{number}. {t.date_and_time(occurrence.starts_at)}{place}")
    return "\n".join(lines)


def course_text(
    t: Translator,
    course: Course,
    dates: Sequence[Occurrence],
    *,
    enrolled: int,
    is_enrolled: bool,
    percent: int,
) -> str:
    minutes = sum(o.details.duration_minutes for o in dates)
    parts = [
        f"🎓 {course.title}",
        t.plural("🗓️ {count} session:", "🗓️ {count} sessions:", len(dates)).format(count=len(dates))
        + "\n"
        + _sessions(t, dates),
        t("⏱️ In all: {hours}.").format(hours=hours_text(t, minutes)),
        t("🏅 Attend at least {percent}% of the sessions to receive the certificate.").format(
            percent=percent
        ),
    ]
    if course.capacity is not None:
        left = max(0, course.capacity - enrolled)
        parts.append(
            t.plural("👥 {count} place left.", "👥 {count} places left.", left).format(count=left)
        )
    if is_enrolled:
        parts.append(t("✅ You are enrolled: you will be reminded of each session."))
    return "\n\n".join(parts)


def course_keyboard(t: Translator, course: Course, is_enrolled: bool) -> InlineKeyboardMarkup:
    rows = []
    if is_enrolled:
        rows.append([button(t("✖️ Leave the course"), LeaveCourseQuestion(course.id))])
    else:
        rows.append([button(t("✍️ Enrol"), Enrol(course.id))])
    rows.append([button(t("⬅️ Courses"), SchoolHome())])
    return for_her(t, rows, menu=True)


def leave_keyboard(t: Translator, course: Course) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("✖️ Yes, leave the course"), LeaveCourse(course.id))],
            [button(t("↩️ No, go back"), ViewCourse(course.id))],
        ],
    )


def back_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("🎓 Entrepreneurship school"), SchoolHome())]], menu=True)


def certificates_text(t: Translator, found: Sequence[tuple[Certificate, str]]) -> str:
    if not found:
        return t("📜 You have no certificates yet. Complete a course of the school to receive one.")
    lines = [t("📜 Your certificates (each was sent to you here as a PDF):")]
    lines.extend(
        f"• {title} · {t.short_date(certificate.issued_at)}" for certificate, title in found
    )
    return "\n".join(lines)


def certificate_caption(t: Translator, course: str) -> str:
    return t("🎓 Congratulations! Here is your certificate of the course «{course}».").format(
        course=course
    )


# ── Staff side ────────────────────────────────────────────────────────────────


def title_question(t: Translator) -> str:
    return t(
        "🎓 New course of the entrepreneurship school. Reply with its title (up to {limit} characters)."
    )


def no_sessions_text(t: Translator) -> str:
    return t(
        "There are no coming dates of the entrepreneurship school to make a course of. Create "
        "the sessions first with /actividad (kind: Entrepreneurship school), then /curso."
    )


def dates_text(t: Translator, title: str, chosen: int) -> str:
    return t(
        "🎓 «{title}»: choose the sessions of the course (chosen: {count}), then press Done."
    ).format(title=title, count=chosen)


def dates_keyboard(
    t: Translator,
    draft_id: int,
    dates: Sequence[Occurrence],
    chosen: Collection[int],
    page: int,
) -> InlineKeyboardMarkup:
    labels = [
        f"{'☑️' if index in chosen else '⬜'} {o.details.title[:28]} · {t.stamp(o.starts_at)}"
        for index, o in enumerate(dates)
    ]
    rows = paged_rows(
        t,
        labels,
        page,
        choice=lambda index, label: button(
            label, CourseDraftButton(draft_id, CourseStep.TOGGLE, index)
        ),
        turn=lambda label, to: button(label, CourseDraftButton(draft_id, CourseStep.PAGE, to)),
    )
    rows.append(
        [
            button(t("✅ Done"), CourseDraftButton(draft_id, CourseStep.DATES_DONE)),
            button(t("🗑️ Discard"), CourseDraftButton(draft_id, CourseStep.DISCARD)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def capacity_text(t: Translator) -> str:
    return t("👥 How many women can enrol?")


def capacity_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    row = [
        button(str(n), CourseDraftButton(draft_id, CourseStep.CAPACITY, n))
        for n in CAPACITY_CHOICES
    ]
    return InlineKeyboardMarkup(
        [
            row,
            [button(t("No limit"), CourseDraftButton(draft_id, CourseStep.CAPACITY, 0))],
        ]
    )


def percent_text(t: Translator, office_percent: int) -> str:
    return t(
        "🏅 What share of the sessions must a woman attend to complete it? "
        "(the office's rule: {percent}%)"
    ).format(percent=office_percent)


def percent_keyboard(t: Translator, draft_id: int, office_percent: int) -> InlineKeyboardMarkup:
    row = [
        button(f"{n}%", CourseDraftButton(draft_id, CourseStep.PERCENT, n)) for n in PERCENT_CHOICES
    ]
    office = t("The office's rule ({percent}%)").format(percent=office_percent)
    return InlineKeyboardMarkup(
        [row[:3], row[3:], [button(office, CourseDraftButton(draft_id, CourseStep.PERCENT, 0))]]
    )


def discarded_text(t: Translator) -> str:
    return t("🗑️ The course was not created.")


def staff_card(
    t: Translator,
    course: Course,
    dates: Sequence[Occurrence],
    *,
    enrolled: int,
    percent: int,
    issued: int,
) -> str:
    minutes = sum(o.details.duration_minutes for o in dates)
    places = str(course.capacity) if course.capacity is not None else "∞"
    lines = [
        t("🎓 Course #{number}: «{title}»").format(number=course.id, title=course.title),
        t.plural("🗓️ {count} session:", "🗓️ {count} sessions:", len(dates)).format(count=len(dates)),
        _sessions(t, dates),
        t("⏱️ In all: {hours}.").format(hours=hours_text(t, minutes)),
        t("👥 Enrolled: {enrolled} of {places}").format(enrolled=enrolled, places=places),
        t("🏅 Completed with {percent}% of the sessions attended.").format(percent=percent),
        t("📜 Certificates issued: {count}").format(count=issued),
    ]
    return "\n".join(lines)


def staff_keyboard(t: Translator, course: Course) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t("👥 Women and attendance"), CourseWomen(course.id))],
            [button(t("🎓 Issue the certificates"), IssueCertificates(course.id))],
            [button(t("📜 Certificates"), CourseCertificates(course.id))],
            [button(t("⬅️ Courses"), StaffCourses(0))],
        ]
    )


def staff_list_text(t: Translator, found: Sequence[Course]) -> str:
    if not found:
        return t("🎓 There are no courses yet. Create one with /curso.")
    return t("🎓 Courses of the entrepreneurship school (newest first):")


def staff_list_keyboard(t: Translator, found: Sequence[Course], page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        paged_rows(
            t,
            [f"🎓 #{c.id} {c.title[:48]}" for c in found],
            page,
            choice=lambda index, label: button(label, CourseCard(found[index].id)),
            turn=lambda label, to: button(label, StaffCourses(to)),
        )
    )


def women_text(t: Translator, course: Course, people: Sequence[Progress], percent: int) -> str:
    if not people:
        return t("🎓 «{title}»: nobody has enrolled yet.").format(title=course.title)
    lines = [
        t(
            "🎓 «{title}»: women enrolled and sessions attended (attendance is marked on each session's list in /actividades)."
        ).format(title=course.title)
    ]
    for woman in people:
        mark = " 📜" if woman.certified else (" ✅" if woman.percent >= percent else "")
        name = woman.name or t("(no name)")
        place = f" · {woman.community}" if woman.community else ""
        lines.append(f"• {name}{place}: {woman.attended}/{woman.sessions} ({woman.percent}%){mark}")
    return "\n".join(lines)


def back_to_card(t: Translator, course: Course) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = [[button(t("⬅️ The course"), CourseCard(course.id))]]
    return InlineKeyboardMarkup(rows)


def issued_text(t: Translator, count: int) -> str:
    if not count:
        return t("No new certificates: nobody else has completed the course yet.")
    return t.plural(
        "🎓 {count} certificate issued: it is being sent to her in the bot.",
        "🎓 {count} certificates issued: they are being sent to the women in the bot.",
        count,
    ).format(count=count)


def certificates_list(t: Translator, course: Course, found: Sequence[Certificate]) -> str:
    if not found:
        return t("📜 «{title}»: no certificates issued yet.").format(title=course.title)
    lines = [t("📜 Certificates of «{title}»:").format(title=course.title)]
    for certificate in found:
        name = certificate.name or t("(erased at her request)")
        sent = (
            t("sent")
            if certificate.status == DeliveryStatus.SENT
            else t("waiting to be sent")
            if certificate.status == DeliveryStatus.PENDING
            else t("not delivered")
        )
        lines.append(
            f"• #{certificate.id} {name} · {certificate.attended}/{certificate.sessions} · "
            f"{t.short_date(certificate.issued_at)} · {sent}"
        )
    return "\n".join(lines)
