"""The entrepreneurship school in the staff group: /curso makes a course step by step
(its title as a reply; its sessions chosen among the coming dates of the school's
activities; the limit of places; the share of sessions to attend, or the office's), and
/cursos lists the courses, each with its card: the women enrolled and their attendance
(marked on each session's list in /actividades), issuing the certificates of those who
completed it (sent to them by a sweep, bot.enterprise.jobs_certificates), and the
certificates issued. Only staff act; every step is audited.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.activities import service_series as activities
from bot.activities.service_series import Occurrence, occurrence_stamp, parse_occurrence_stamp
from bot.core import drafts as staff_drafts
from bot.core.authority import (
    record_action,
    record_name,
    refuse_forged,
    refuse_undecoded,
    require_staff,
)
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, ask, own_draft, show_choices, staff_t
from bot.core.errors import InvalidInput, NotFound
from bot.db.models import ActivityKind, Course, DraftKind, StaffDraft
from bot.enterprise import service_school as school
from bot.enterprise import views_school as views
from bot.enterprise.callbacks import (
    STAFF_SCHOOL,
    CourseCard,
    CourseCertificates,
    CourseDraftButton,
    CourseStep,
    CourseWomen,
    IssueCertificates,
    StaffCourses,
)
from bot.enterprise.service_fairs import clean

DRAFT_KIND = DraftKind.COURSE
TITLE, DATES, CAPACITY, PERCENT = "title", "dates", "capacity", "percent"
DATES_AHEAD = 180


async def new_course_command(update: Update, context: BotContext) -> None:
    """/curso: a new course, step by step."""
    if not await require_staff(update, context, "course_new"):
        return
    chat, person, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and person is not None
    t = staff_t(context)
    draft = await staff_drafts.start(
        context.session, kind=DRAFT_KIND, chat_id=chat.id, author_id=person.id, now=context.now()
    )
    await ask(
        context,
        draft,
        views.title_question(t).format(limit=school.MAX_TITLE),
        step=TITLE,
        reply_to=message.message_id if message else None,
    )


async def _school_dates(context: BotContext) -> list[Occurrence]:
    return await activities.upcoming(
        context.session,
        context.now(),
        context.settings.timezone,
        days=DATES_AHEAD,
        kind=ActivityKind.ENTREPRENEURSHIP_SCHOOL,
    )


def _chosen(draft: StaffDraft) -> list[tuple[int, str]]:
    return [(int(a), str(s)) for a, s in (draft.data or {}).get("dates", [])]


def _indexes(dates: list[Occurrence], chosen: list[tuple[int, str]]) -> set[int]:
    wanted = set(chosen)
    return {i for i, o in enumerate(dates) if (o.activity_id, occurrence_stamp(o.key)) in wanted}


async def on_title(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t = staff_t(context)
    try:
        title = clean(message.text, school.MAX_TITLE)
    except InvalidInput:
        hint = t("Please reply with the title as text, up to {limit} characters.").format(
            limit=school.MAX_TITLE
        )
        question = views.title_question(t).format(limit=school.MAX_TITLE)
        await ask(context, draft, f"{hint}\n\n{question}", step=TITLE, reply_to=message.message_id)
        return
    dates = await _school_dates(context)
    if not dates:
        await staff_drafts.discard(context.session, draft)
        await context.send(draft.chat_id, views.no_sessions_text(t), reply_to=message.message_id)
        return
    staff_drafts.update(draft, context.now(), title=title, dates=[])
    await context.send(
        draft.chat_id,
        views.dates_text(t, title, 0),
        views.dates_keyboard(t, draft.id, dates, set(), 0),
        reply_to=message.message_id,
    )
    staff_drafts.update(draft, context.now(), step=DATES)


async def on_draft_button(update: Update, context: BotContext, press: CourseDraftButton) -> None:
    draft = await own_draft(update, context, press.draft_id, DRAFT_KIND)
    if draft is None:
        return
    t, data = staff_t(context), dict(draft.data or {})
    office_percent = context.settings.office.school_completion_percent
    if press.step == CourseStep.DISCARD:
        await staff_drafts.discard(context.session, draft)
        await context.answer()
        await context.show(update, views.discarded_text(t))
        return
    if draft.step == DATES and press.step in (
        CourseStep.TOGGLE,
        CourseStep.PAGE,
        CourseStep.DATES_DONE,
    ):
        dates = await _school_dates(context)
        chosen = _chosen(draft)
        page = int(data.get("page", 0))
        if press.step == CourseStep.TOGGLE and press.value is not None and press.value < len(dates):
            picked = dates[press.value]
            item = (picked.activity_id, occurrence_stamp(picked.key))
            chosen = [c for c in chosen if c != item] if item in chosen else [*chosen, item]
        elif press.step == CourseStep.PAGE and press.value is not None:
            page = press.value
        elif press.step == CourseStep.DATES_DONE:
            if not chosen:
                await context.answer(t("Choose at least one session."), alert=True)
                return
            await context.answer()
            await show_choices(
                update,
                context,
                draft,
                views.capacity_text(t),
                views.capacity_keyboard(t, draft.id),
                step=CAPACITY,
            )
            return
        else:
            await refuse_forged(update, context, "course_button")
            return
        staff_drafts.update(draft, context.now(), dates=[list(c) for c in chosen], page=page)
        await context.answer()
        await show_choices(
            update,
            context,
            draft,
            views.dates_text(t, str(data.get("title", "")), len(chosen)),
            views.dates_keyboard(t, draft.id, dates, _indexes(dates, chosen), page),
            step=DATES,
        )
    elif draft.step == CAPACITY and press.step == CourseStep.CAPACITY and press.value is not None:
        if press.value and press.value not in school.CAPACITY_CHOICES:
            await refuse_forged(update, context, "course_button")
            return
        staff_drafts.update(draft, context.now(), capacity=press.value or None)
        await context.answer()
        await show_choices(
            update,
            context,
            draft,
            views.percent_text(t, office_percent),
            views.percent_keyboard(t, draft.id, office_percent),
            step=PERCENT,
        )
    elif draft.step == PERCENT and press.step == CourseStep.PERCENT and press.value is not None:
        if press.value and press.value not in school.PERCENT_CHOICES:
            await refuse_forged(update, context, "course_button")
            return
        await _create(update, context, draft, press.value or None)
    else:
        await context.answer(t("This button is no longer active."), alert=True)


async def _create(
    update: Update, context: BotContext, draft: StaffDraft, percent: int | None
) -> None:
    t, data = staff_t(context), dict(draft.data or {})
    dates: list[tuple[int, datetime]] = []
    for activity_id, stamp in _chosen(draft):
        key = parse_occurrence_stamp(stamp)
        if key is not None:
            dates.append((activity_id, key))
    try:
        course = await school.create_course(
            context.session,
            title=str(data.get("title", "")),
            dates=dates,
            capacity=data.get("capacity"),
            completion_percent=percent,
            created_by=draft.author_id,
            now=context.now(),
            tz=context.settings.timezone,
        )
    except (InvalidInput, NotFound):
        await context.answer(
            t("A session chosen was cancelled or moved meanwhile: start again with /curso."),
            alert=True,
        )
        await staff_drafts.discard(context.session, draft)
        return
    await staff_drafts.discard(context.session, draft)
    record_action(context, update, "course_created", f"course:{course.id}")
    await context.answer(t("✅ Course created."))
    await _card(update, context, course)


async def list_command(update: Update, context: BotContext) -> None:
    """/cursos: the courses, newest first."""
    if not await require_staff(update, context, "course_list"):
        return
    await _list(update, context, 0)


async def _list(update: Update, context: BotContext, page: int) -> None:
    t = staff_t(context)
    found = await school.courses(context.session)
    await context.show(
        update, views.staff_list_text(t, found), views.staff_list_keyboard(t, found, page)
    )


async def _card(update: Update, context: BotContext, course: Course) -> None:
    t = staff_t(context)
    dates = await school.sessions(context.session, course.id, context.settings.timezone)
    await context.show(
        update,
        views.staff_card(
            t,
            course,
            dates,
            enrolled=await school.enrolled_count(context.session, course.id),
            percent=school.threshold(course, context.settings.office.school_completion_percent),
            issued=len(await school.certificates(context.session, course.id)),
        ),
        views.staff_keyboard(t, course),
    )


async def on_button(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    press = STAFF_SCHOOL.decode(update.callback_query.data)
    if isinstance(press, CourseDraftButton):
        await on_draft_button(update, context, press)
        return
    about = (
        press.course_id
        if isinstance(press, CourseCard | CourseWomen | IssueCertificates | CourseCertificates)
        else None
    )
    if not await require_staff(
        update, context, "course_button", record=record_name("course", about)
    ):
        return
    if press is None:
        await refuse_undecoded(update, context, STAFF_SCHOOL)
        return
    if isinstance(press, StaffCourses):
        await _list(update, context, press.page)
        return
    course = await school.find(context.session, press.course_id)
    if course is None:
        await refuse_forged(update, context, "course_button")
        return
    t, tz = staff_t(context), context.settings.timezone
    percent = school.threshold(course, context.settings.office.school_completion_percent)
    if isinstance(press, CourseCard):
        await _card(update, context, course)
    elif isinstance(press, CourseWomen):
        dates = await school.sessions(context.session, course.id, tz)
        people = await school.progress(context.session, course.id, dates)
        record_action(context, update, "course_women", f"course:{course.id}")
        await context.show(
            update, views.women_text(t, course, people, percent), views.back_to_card(t, course)
        )
    elif isinstance(press, IssueCertificates):
        person = update.effective_user
        issued = await school.issue_certificates(
            context.session,
            course.id,
            office_percent=context.settings.office.school_completion_percent,
            staff_id=person.id if person else None,
            now=context.now(),
            tz=tz,
        )
        record_action(
            context, update, "course_certificates", f"course:{course.id} {len(issued)} issued"
        )
        await context.answer(views.issued_text(t, len(issued)), alert=True)
        await _card(update, context, course)
    else:
        found = await school.certificates(context.session, course.id)
        await context.show(
            update, views.certificates_list(t, course, found), views.back_to_card(t, course)
        )


DRAFT_STEPS: dict[str, DraftStepHandler] = {TITLE: on_title}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=STAFF_SCHOOL.pattern()))
    app.add_handler(CommandHandler("curso", new_course_command))
    app.add_handler(CommandHandler("cursos", list_command))
