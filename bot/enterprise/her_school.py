"""The entrepreneurship school for her: the courses open for enrolment, one course
(its sessions, hours, places left, what completing it takes), enrol (signed up to each
coming session, so she is reminded of them), leave, and her certificates.

Buttons: `sc…` (bot.enterprise.callbacks); a course that is gone is answered kindly.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.activities.promotions import tell_promoted
from bot.core.authority import refuse_undecoded
from bot.core.common import stale_button
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, NotFound
from bot.core.routing import Routes
from bot.db.models import Course
from bot.enterprise import service_school as school
from bot.enterprise import views_school as views
from bot.enterprise.callbacks import (
    SCHOOL,
    Enrol,
    LeaveCourse,
    LeaveCourseQuestion,
    MyCertificates,
    SchoolHome,
    ViewCourse,
)
from bot.people.her_welcome import ensure_registered


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    press = SCHOOL.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, SCHOOL)
    elif isinstance(press, SchoolHome):
        await _home(update, context)
    elif isinstance(press, MyCertificates):
        await _certificates(update, context)
    else:
        course = await school.find(context.session, press.course_id)
        if course is None:
            await stale_button(update, context)
        elif isinstance(press, ViewCourse):
            await _course(update, context, course)
        elif isinstance(press, Enrol):
            await _enrol(update, context, course)
        elif isinstance(press, LeaveCourseQuestion):
            await context.show(
                update,
                context.t(
                    "Leave the course «{title}»? Your places at its sessions will be freed."
                ).format(title=course.title),
                views.leave_keyboard(context.t, course),
            )
        elif isinstance(press, LeaveCourse):
            await _leave(update, context, course)


async def _home(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t, tz = context.t, context.settings.timezone
    found = await school.open_courses(context.session, context.now(), tz)
    mine = set(await school.courses_of(context.session, context.user.id))
    await context.show(update, views.home_text(t, found), views.home_keyboard(t, found, mine))


async def _course(
    update: Update, context: BotContext, course: Course, note: str | None = None
) -> None:
    assert context.user is not None
    t = context.t
    dates = await school.sessions(context.session, course.id, context.settings.timezone)
    enrolled = await school.is_enrolled(context.session, course.id, context.user.id)
    text = views.course_text(
        t,
        course,
        dates,
        enrolled=await school.enrolled_count(context.session, course.id),
        is_enrolled=enrolled,
        percent=school.threshold(course, context.settings.office.school_completion_percent),
    )
    if not dates:
        await context.show(
            update, t("Sorry, this course is no longer available."), views.back_keyboard(t)
        )
        return
    await context.show(
        update, f"{note}\n\n{text}" if note else text, views.course_keyboard(t, course, enrolled)
    )


async def _enrol(update: Update, context: BotContext, course: Course) -> None:
    assert context.user is not None
    t = context.t
    try:
        await school.enrol(
            context.session, course.id, context.user.id, context.now(), context.settings.timezone
        )
    except AlreadyDone:
        await _course(update, context, course, t("You are already enrolled 🌸"))
        return
    except school.CourseFull:
        await context.show(
            update,
            t("Sorry, every place of this course is taken. Watch for the next ones!"),
            views.back_keyboard(t),
        )
        return
    except (school.CourseOver, NotFound):
        await context.show(
            update, t("Sorry, enrolment for this course is closed."), views.back_keyboard(t)
        )
        return
    await _course(update, context, course, t("✅ You are enrolled! Welcome to the course."))


async def _leave(update: Update, context: BotContext, course: Course) -> None:
    assert context.user is not None
    t = context.t
    try:
        promotions = await school.leave(
            context.session, course.id, context.user.id, context.now(), context.settings.timezone
        )
    except NotFound:
        await _course(update, context, course)
        return
    await context.show(
        update, t("You left the course. Thank you for letting us know. 🌸"), views.back_keyboard(t)
    )
    for promotion in promotions:
        await tell_promoted(context, promotion)


async def _certificates(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    found = []
    for certificate in await school.certificates_of(context.session, context.user.id):
        course = await school.find(context.session, certificate.course_id)
        found.append((certificate, course.title if course else ""))
    await context.show(update, views.certificates_text(t, found), views.back_keyboard(t))


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=SCHOOL.pattern()))
