"""Creating an activity in the staff group in one message, and typing a new value when one
is edited. The draft lives in the database (bot.core.drafts): a restart loses nothing,
and only its author continues it.

/actividad posts the wizard's one message (bot.core.drafting.show_draft) and every step
edits it: what is chosen so far, then the question. Choices are its buttons; typed
answers (title, date and time, place; a description, a number of places, a photo) are
replies to it, left in the chat as they are. What a new activity needs comes first —
kind, title, date and time, place, community — then a summary where everything else is
optional, each a button that opens it in the same message: description, places (no
limit), photo (none), how it repeats (once), how long it lasts (the kind's usual
length); and a button to change an answer already given. A wrong answer gets one kind
sentence above the same question, and nothing given before is lost.

A typical activity takes seven actions — /actividad, the kind, three replies (title,
date and time, place), the community, ✅ Create — and eight Bot API calls into the
group: the wizard's message, six edits of it, and the activity's card. (The wizard it
replaced asked each question in a new message: twelve actions and twenty-two calls.)

Never waiting without a sign. The group takes 20 messages a minute, edits included;
past that Telegram answers 429 and the outbox keeps the edit until it may go
(bot.core.outbox), up to a minute. The staff member is told at once anyway: every press
of a wizard button is answered with a short note ("✓ …", a callback answer), and every
reply gets a reaction (👌 taken, 🤔 not, bot.core.drafting.acknowledge); both are sent
alongside the chat's queued answers, not behind them. A "⏳" in the wizard's message
while an edit waits is therefore not needed — and could not work: it would be an edit
too, queued behind the one that waits.

An edit draft (`mode` "edit") asks one field in a message of its own, the same way, then
saves (staff_edit.py) and says in that message how many women going are told.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import Message, Update

from bot.activities import rules
from bot.activities import service_series as activities
from bot.activities import views_staff as cards
from bot.activities.callbacks import DraftButton, DraftStep
from bot.activities.staff_card import next_key, post_card
from bot.activities.staff_edit import EDIT_STEP, save_edit
from bot.activities.views_staff import (
    CAPACITY,
    COMMUNITY,
    DESCRIPTION,
    DURATION,
    KIND,
    PHOTO,
    PLACE,
    REPEAT,
    SUMMARY,
    TITLE,
    WHEN,
)
from bot.core import audit
from bot.core import drafts as staff_drafts
from bot.core.authority import require_staff
from bot.core.common import plain_text
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, acknowledge, own_draft, show_draft, staff_t
from bot.core.i18n import Translator
from bot.core.ids import parse_small_number
from bot.core.labels import ACTIVITY_KINDS, activity_kind_label
from bot.core.staff_input import parse_local_datetime
from bot.db.models import DraftKind, StaffDraft

DRAFT_KIND = DraftKind.ACTIVITY
CREATE, EDIT = "create", "edit"
MAX_DESCRIPTION = 1500
MAX_CAPACITY = 5000
# The steps at which each button may be pressed; at any other it is stale (an old
# keyboard still on screen while an edit waits, or a forged press).
BUTTON_STEPS: dict[DraftStep, frozenset[str]] = {
    DraftStep.KIND: frozenset({KIND}),
    DraftStep.COMMUNITY: frozenset({COMMUNITY}),
    DraftStep.COMMUNITY_PAGE: frozenset({COMMUNITY}),
    DraftStep.CAPACITY: frozenset({CAPACITY}),
    DraftStep.REPEAT: frozenset({REPEAT}),
    DraftStep.DURATION: frozenset({DURATION}),
    DraftStep.CLEAR: frozenset({DESCRIPTION, PHOTO}),
    DraftStep.CREATE: frozenset({SUMMARY}),
}


def _data(draft: StaffDraft) -> dict[str, Any]:
    return dict(draft.data or {})


def _starts_at(data: dict[str, Any]) -> datetime | None:
    value = data.get(WHEN)
    return datetime.fromisoformat(value) if value else None


def _editing(draft: StaffDraft) -> bool:
    return _data(draft).get("mode") == EDIT


def _set(context: BotContext, draft: StaffDraft, step: str, value: Any) -> None:
    """Record the answer of a step (the draft's data key of the step's name)."""
    values: dict[str, Any] = {step: value}
    staff_drafts.update(draft, context.now(), **values)


def _next_step(data: dict[str, Any]) -> str:
    """The first required answer still missing, else the summary."""
    return next((step for step in cards.REQUIRED if step not in data), SUMMARY)


def _repeat_choices(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The ways the chosen date can repeat, each with its rule."""
    starts_at = _starts_at(data)
    if starts_at is None:
        return []
    local = starts_at.astimezone(context.settings.timezone)
    return [(code, rules.build_rule(code, local)) for code in rules.repeat_choices(local)]


# ── Showing ────────────────────────────────────────────────────────────────────


def _wizard(
    context: BotContext, draft: StaffDraft, step: str, note: str | None = None, page: int = 0
) -> cards.Wizard:
    data = _data(draft)
    choices = _repeat_choices(context, data)
    return cards.Wizard(
        draft.id,
        step,
        data,
        rule=dict(choices).get(data.get(REPEAT, rules.NO_REPEAT)),
        repeats=choices,
        communities=context.settings.office.communities,
        page=page,
        note=note,
    )


async def _show(
    context: BotContext, draft: StaffDraft, step: str, note: str | None = None, page: int = 0
) -> None:
    """Draw the wizard's message at `step` (send it the first time, edit it after)."""
    data = _data(draft)
    repeat = data.get(REPEAT)
    if repeat is not None and repeat not in dict(_repeat_choices(context, data)):
        # A new date after the 28th cannot repeat on the same day every month.
        _set(context, draft, REPEAT, rules.NO_REPEAT)
        note = context.staff_t("The new date cannot repeat that way: it is once for now.")
    text, markup = cards.wizard_view(context.staff_t, _wizard(context, draft, step, note, page))
    await show_draft(context, draft, text, markup, step=step, reply_to=data.get("reply_to"))


async def _advance(update: Update, context: BotContext, draft: StaffDraft) -> None:
    """After an answer: save an edit, or ask what is still missing, or show the summary."""
    if _editing(draft):
        await save_edit(update, context, draft)
        return
    await _show(context, draft, _next_step(_data(draft)))


# ── /actividad ─────────────────────────────────────────────────────────────────


async def new_activity_command(update: Update, context: BotContext) -> None:
    if not await require_staff(update, context, "activity_create"):
        return
    chat, person, message = update.effective_chat, update.effective_user, update.message
    assert chat is not None and person is not None and message is not None
    t = staff_t(context)
    if chat.id != context.staff_chat_id:
        await context.send(chat.id, t("Please use /actividad in the staff group."))
        return
    draft = await staff_drafts.start(
        context.session,
        kind=DRAFT_KIND,
        chat_id=chat.id,
        author_id=person.id,
        now=context.now(),
        data={"mode": CREATE, "reply_to": message.message_id},
    )
    await _show(context, draft, KIND)


async def start_edit(
    update: Update,
    context: BotContext,
    occurrence: activities.Occurrence,
    field: str,
    scope: str,
    card_message_id: int | None,
) -> None:
    """Ask the new value of one field of a date (`scope` one) or of every date (all)."""
    person, t = update.effective_user, staff_t(context)
    assert person is not None
    details = occurrence.details
    current = {
        "title": details.title,
        "desc": details.description,
        "when": t.date_and_time(occurrence.starts_at),
        "place": details.place,
        "cap": cards.capacity_label(t, details.capacity),
        "photo": t("a photo") if details.photo_file_id else t("no photo"),
    }[field]
    step = EDIT_STEP[field]
    # What is there now, so the wizard offers to remove a description or a photo.
    there = {DESCRIPTION: details.description, PHOTO: details.photo_file_id}.get(step)
    draft = await staff_drafts.start(
        context.session,
        kind=DRAFT_KIND,
        chat_id=context.staff_chat_id,
        author_id=person.id,
        now=context.now(),
        data={
            "mode": EDIT,
            "activity_id": occurrence.activity_id,
            "key": activities.occurrence_stamp(occurrence.key),
            "field": field,
            "scope": scope,
            "card": card_message_id,
            "current": current[:300] if current else None,
            **({step: there} if there else {}),
        },
    )
    await _show(context, draft, step)


# ── Replies to the wizard's message ────────────────────────────────────────────


def _text(message: Message) -> str | None:
    return message.text.strip() if message.text is not None else None


async def _accept(
    update: Update, context: BotContext, draft: StaffDraft, message: Message, step: str, value: Any
) -> None:
    _set(context, draft, step, value)
    await acknowledge(context, message, taken=True)
    await _advance(update, context, draft)


async def _refuse(context: BotContext, draft: StaffDraft, message: Message, note: str) -> None:
    """The same question again, with one kind sentence saying what was wrong."""
    await acknowledge(context, message, taken=False)
    await _show(context, draft, draft.step, note)


def _line_of_text(
    step: str, max_length: int, problem: Callable[[Translator, int], str]
) -> DraftStepHandler:
    """A step answered with one line of text (the title, the place); `problem(t, n)` is
    said when the reply is not one (`n` the longest it may be)."""

    async def on_line(
        update: Update, context: BotContext, draft: StaffDraft, message: Message
    ) -> None:
        text = plain_text(message, max_length)
        if text is None:
            note = problem(context.staff_t, max_length).format(n=max_length)
            await _refuse(context, draft, message, note)
            return
        await _accept(update, context, draft, message, step, text)

    return on_line


async def on_description(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    text = _text(message)
    if not text:
        await _refuse(context, draft, message, context.staff_t("Please reply with text."))
        return
    if len(text) > MAX_DESCRIPTION:
        note = context.staff_t.plural(
            "That is too long: up to {n} character, please.",
            "That is too long: up to {n} characters, please.",
            MAX_DESCRIPTION,
        ).format(n=MAX_DESCRIPTION)
        await _refuse(context, draft, message, note)
        return
    await _accept(update, context, draft, message, DESCRIPTION, text)


async def on_starts_at(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t, now = staff_t(context), context.now()
    text = _text(message) or ""
    when = parse_local_datetime(text, context.settings.timezone, now) if len(text) < 60 else None
    if when is None:
        await _refuse(context, draft, message, t("I could not read that date and time."))
        return
    if when <= now:
        note = t("That moment has already passed ({when}). Please give a date in the future.")
        await _refuse(context, draft, message, note.format(when=t.date_and_time(when)))
        return
    await _accept(update, context, draft, message, WHEN, when.isoformat())


async def on_capacity(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    text = _text(message) or ""
    # isascii: "²" and other digits str.isdigit accepts are not numbers int() reads.
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 0
    if not 1 <= number <= MAX_CAPACITY:
        note = context.staff_t("Please write a whole number from 1 to {n}.").format(n=MAX_CAPACITY)
        await _refuse(context, draft, message, note)
        return
    await _accept(update, context, draft, message, CAPACITY, number)


async def on_photo(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    if message.photo:
        await _accept(update, context, draft, message, PHOTO, message.photo[-1].file_id)
        return
    note = context.staff_t("That is not a photo. Please send a picture as a photo (not as a file).")
    await _refuse(context, draft, message, note)


async def on_summary(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    """At the summary a photo replied to the wizard is the activity's photo (no need to
    open «📷 Photo» first); anything else is a reply where a button was expected."""
    if message.photo:
        await on_photo(update, context, draft, message)
        return
    await on_buttons_only(update, context, draft, message)


async def on_buttons_only(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    """A reply while the wizard waits for a button."""
    await _refuse(context, draft, message, context.staff_t("Please press one of the buttons."))


STEPS: dict[str, DraftStepHandler] = {
    TITLE: _line_of_text(
        TITLE,
        activities.MAX_TITLE_LENGTH,
        lambda t, n: t.plural(
            "The title must be text of up to {n} character.",
            "The title must be text of up to {n} characters.",
            n,
        ),
    ),
    DESCRIPTION: on_description,
    WHEN: on_starts_at,
    PLACE: _line_of_text(
        PLACE,
        activities.MAX_PLACE_LENGTH,
        lambda t, n: t.plural(
            "The place must be text of up to {n} character.",
            "The place must be text of up to {n} characters.",
            n,
        ),
    ),
    CAPACITY: on_capacity,
    PHOTO: on_photo,
    SUMMARY: on_summary,
    **dict.fromkeys((KIND, COMMUNITY, REPEAT, DURATION, cards.CHANGE), on_buttons_only),
}


# ── Buttons: sx:d:<draft id>:<action>[:<value>] ────────────────────────────────

# (update, context, draft, the button's value) -> the note answering the press, or None
# when the value is not one the step offers (then nothing changed, and the press is
# refused as stale). A handler draws what comes next itself.
ButtonHandler = Callable[[Update, BotContext, StaffDraft, str | None], Awaitable[str | None]]


def _active(draft: StaffDraft, action: DraftStep, value: str | None) -> bool:
    """Whether a wizard button belongs to the step the draft is at."""
    step, data = draft.step, _data(draft)
    if action is DraftStep.OPEN:
        return value in cards.OPENS.get(step, ())
    if action is DraftStep.BACK:
        complete = all(s in data for s in cards.REQUIRED)
        return data.get("mode") != EDIT and step != SUMMARY and complete
    return step in BUTTON_STEPS.get(action, frozenset())


async def on_draft_button(update: Update, context: BotContext, press: DraftButton) -> None:
    """Every press is answered at once with a short note (see the module's docstring)."""
    t = staff_t(context)
    draft = await own_draft(update, context, press.draft_id, DRAFT_KIND)
    if draft is None:
        return
    if press.step is DraftStep.DISCARD:
        editing = _editing(draft)
        await staff_drafts.discard(context.session, draft)
        await context.answer("✓")
        await context.show(
            update,
            t("✖️ Nothing was changed.") if editing else t("✖️ Discarded: nothing was created."),
        )
        return
    if not _active(draft, press.step, press.value):
        await context.answer(t("This button is no longer active."), alert=True)
        return
    if press.step is DraftStep.CREATE:
        await _create(update, context, draft)
        return
    note = await _BUTTONS[press.step](update, context, draft, press.value)
    if note is None:
        await context.answer(t("This button is no longer active."), alert=True)
        return
    await context.answer(note)


def _chose(label: str) -> str:
    return f"✓ {label}"


async def _kind(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    if value not in ACTIVITY_KINDS:
        return None
    _set(context, draft, KIND, value)
    await _advance(update, context, draft)
    return _chose(activity_kind_label(context.staff_t, value))


async def _community(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    communities = context.settings.office.communities
    number = parse_small_number(value)
    if value != "all" and (number is None or number >= len(communities)):
        return None
    community = None if value == "all" else communities[number or 0]
    _set(context, draft, COMMUNITY, community)
    await _advance(update, context, draft)
    return _chose(cards.community_label(context.staff_t, community))


async def _community_page(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    page = parse_small_number(value)
    if page is None:
        return None
    await _show(context, draft, COMMUNITY, page=page)
    return "✓"


async def _capacity(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    number = parse_small_number(value)
    if number != 0 and number not in cards.CAPACITIES:
        return None
    capacity = number or None
    _set(context, draft, CAPACITY, capacity)
    await _advance(update, context, draft)
    return _chose(cards.capacity_label(context.staff_t, capacity))


async def _repeat(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    rule = dict(_repeat_choices(context, _data(draft)))
    starts_at = _starts_at(_data(draft))
    if value not in rule or starts_at is None:
        return None
    _set(context, draft, REPEAT, value)
    await _show(context, draft, SUMMARY)
    return _chose(rules.describe_rule(context.staff_t, rule[value], starts_at))


async def _duration(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    number = parse_small_number(value)
    if number not in cards.DURATIONS:
        return None
    _set(context, draft, DURATION, number)
    await _show(context, draft, SUMMARY)
    return _chose(cards.duration_label(context.staff_t, number))


async def _open(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    assert value is not None  # _active checked it
    await _show(context, draft, value)
    return "✓"


async def _back(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    await _show(context, draft, SUMMARY)
    return "✓"


async def _clear(
    update: Update, context: BotContext, draft: StaffDraft, value: str | None
) -> str | None:
    """Remove the description or the photo (of the draft, or, when editing, of the activity)."""
    _set(context, draft, draft.step, "" if draft.step == DESCRIPTION else None)
    await _advance(update, context, draft)
    return context.staff_t("🗑️ Removed.")


_BUTTONS: dict[DraftStep, ButtonHandler] = {
    DraftStep.KIND: _kind,
    DraftStep.COMMUNITY: _community,
    DraftStep.COMMUNITY_PAGE: _community_page,
    DraftStep.CAPACITY: _capacity,
    DraftStep.REPEAT: _repeat,
    DraftStep.DURATION: _duration,
    DraftStep.OPEN: _open,
    DraftStep.BACK: _back,
    DraftStep.CLEAR: _clear,
}


async def _create(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t, now = staff_t(context), context.now()
    person = update.effective_user
    assert person is not None
    data = _data(draft)
    starts_at = _starts_at(data)
    assert starts_at is not None  # the summary shows only once every answer is given
    if starts_at <= now:
        # The draft waited too long: ask the date again; the summary comes back after it.
        note = t("That moment has already passed ({when}). Please give a date in the future.")
        note = note.format(when=t.date_and_time(starts_at))
        await context.answer(note)
        await _show(context, draft, WHEN, note)
        return
    wizard = _wizard(context, draft, SUMMARY)
    activity = await activities.create(
        context.session,
        kind=data[KIND],
        title=data[TITLE],
        description=data.get(DESCRIPTION) or "",
        starts_at=starts_at,
        duration_minutes=cards.draft_duration(data),
        place=data[PLACE],
        community=data.get(COMMUNITY),
        capacity=data.get(CAPACITY),
        photo_file_id=data.get(PHOTO),
        rrule=wizard.rule,
        now=now,
        created_by=person.id,
    )
    audit.record(
        context.session,
        actor_id=person.id,
        action="activity_create",
        detail=f"activity:{activity.id}",
        now=now,
    )
    await staff_drafts.discard(context.session, draft)
    key = await next_key(context, activity.id) or activity.starts_at
    await context.answer(t("✅ Activity created."))
    await context.show(update, cards.created_text(t, wizard, activity.id))
    await post_card(context, activity.id, key)
