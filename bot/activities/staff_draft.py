"""Creating an activity step by step in the staff group, and typing a new value when one
is edited. The draft lives in the database (bot.core.drafts): a restart loses
nothing, and only its author continues it.

Creation asks, in order: kind (buttons) → title → description (or skip) → date and time
→ duration (buttons) → place → community (buttons) → capacity (buttons, or type a
number) → photo (or skip) → repeats? (buttons) → summary with «Create» / «Cancel».
Typed answers are replies to the bot's question (ForceReply); a wrong answer gets one
kind sentence and the same question again, and nothing given before is lost.

An edit draft (`mode` "edit") asks one of the typed steps (or capacity) and then saves:
one date of a series or every date, and the women going are told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Message, Update

from bot.activities import rules
from bot.activities import service_series as activities
from bot.activities import views_staff as cards
from bot.activities.callbacks import DraftButton
from bot.activities.staff_card import next_key, post_card
from bot.activities.staff_edit import EDIT_STEP, STEP_VALUE, save_edit
from bot.core import audit
from bot.core import drafts as staff_drafts
from bot.core.authority import require_staff
from bot.core.common import plain_text
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, ask, own_draft, staff_t
from bot.core.i18n import Translator
from bot.core.ids import parse_small_number
from bot.core.labels import ACTIVITY_KINDS, activity_kind_label
from bot.core.staff_input import parse_local_datetime
from bot.db.models import DraftKind, StaffDraft

DRAFT_KIND = DraftKind.ACTIVITY
CREATE, EDIT = "create", "edit"
ORDER = (
    "kind",
    "title",
    "description",
    "starts_at",
    "duration",
    "place",
    "community",
    "capacity",
    "photo",
    "repeat",
    "confirm",
)
MAX_DESCRIPTION = 1500
MAX_CAPACITY = 5000
SKIP_WORDS = {"-", "skip", "omitir", "saltar"}
# Which step each wizard button belongs to: a button of another step is stale.
BUTTON_STEP = {
    "kind": "kind",
    "dur": "duration",
    "com": "community",
    "cpg": "community",
    "cap": "capacity",
    "rep": "repeat",
    "ok": "confirm",
}


def _data(draft: StaffDraft) -> dict[str, Any]:
    return dict(draft.data or {})


def _starts_at(data: dict[str, Any]) -> datetime | None:
    value = data.get("starts_at")
    return datetime.fromisoformat(value) if value else None


# ── Asking ─────────────────────────────────────────────────────────────────────


def _current(context: BotContext, data: dict[str, Any]) -> str | None:
    """When editing, what the field says now."""
    if data.get("mode") != EDIT:
        return None
    current = data.get("current")
    return context.staff_t("Now: {value}").format(value=current) if current else None


async def _prompt(
    context: BotContext, draft: StaffDraft, step: str, note: str | None = None
) -> None:
    """Ask a step: a question to reply to, or buttons."""
    t, data = staff_t(context), _data(draft)
    lead = [line for line in (note, _current(context, data)) if line]
    if step in ("title", "description", "starts_at", "place", "photo") or (
        step == "capacity" and data.get("typing")
    ):
        text = "\n\n".join([*lead, cards.wizard_question(staff_t(context), step)])
        await ask(context, draft, text, step=step, reply_to=data.get("reply_to"))
        if step in ("description", "photo"):
            markup = cards.skip_keyboard(t, draft.id, editing=data.get("mode") == EDIT)
            await context.send(draft.chat_id, t("Or:"), markup)
        return
    # A step answered with buttons: a reply to the last question is no longer an answer.
    draft.prompt_message_id = None
    staff_drafts.update(draft, context.now(), step=step)
    if step == "kind":
        text, markup = t("🗓️ New activity. What kind is it?"), cards.kind_keyboard(t, draft.id)
    elif step == "duration":
        text, markup = t("⏱️ How long does it last?"), cards.duration_keyboard(t, draft.id)
    elif step == "community":
        communities = context.settings.office.communities
        text = t("🏘️ For which community? (or the whole municipality)")
        markup = cards.community_keyboard(t, draft.id, communities, 0)
    elif step == "capacity":
        text = t("👥 How many places? Women who sign up after that go on a waiting list.")
        markup = cards.capacity_keyboard(t, draft.id)
    elif step == "repeat":
        text, markup = t("🔁 Does it repeat?"), _repeat_keyboard(context, draft)
    else:
        starts_at = _starts_at(data)
        assert starts_at is not None
        data["rrule"] = rules.build_rule(
            data["repeat"], starts_at.astimezone(context.settings.timezone)
        )
        text = cards.summary_text(t, data, starts_at)
        markup = cards.confirm_keyboard(t, draft.id)
    await context.send(draft.chat_id, "\n\n".join([*lead, text]), markup)


def _repeat_choices(context: BotContext, draft: StaffDraft) -> list[tuple[str, str | None]]:
    starts_at = _starts_at(_data(draft))
    assert starts_at is not None
    local = starts_at.astimezone(context.settings.timezone)
    return [(code, rules.build_rule(code, local)) for code in rules.repeat_choices(local)]


def _repeat_keyboard(context: BotContext, draft: StaffDraft) -> Any:
    starts_at = _starts_at(_data(draft))
    assert starts_at is not None
    return cards.repeat_keyboard(
        staff_t(context), draft.id, _repeat_choices(context, draft), starts_at
    )


async def _advance(update: Update, context: BotContext, draft: StaffDraft, done: str) -> None:
    data = _data(draft)
    if data.get("mode") == EDIT:
        await save_edit(update, context, draft)
        return
    following = "confirm" if data.get("review") else ORDER[ORDER.index(done) + 1]
    if following == "confirm" and data.get("repeat") not in _codes(context, draft):
        following = "repeat"
    await _prompt(context, draft, following)


def _codes(context: BotContext, draft: StaffDraft) -> list[str]:
    return [code for code, _ in _repeat_choices(context, draft)]


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
    await _prompt(context, draft, "kind")


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
        },
    )
    await _prompt(context, draft, EDIT_STEP[field])


# ── Typed answers ──────────────────────────────────────────────────────────────


def _text(message: Message) -> str | None:
    return message.text.strip() if message.text is not None else None


async def _accept(
    update: Update, context: BotContext, draft: StaffDraft, message: Message, step: str, value: Any
) -> None:
    staff_drafts.update(
        draft, context.now(), reply_to=message.message_id, typing=False, **{STEP_VALUE[step]: value}
    )
    await _advance(update, context, draft, step)


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
            await _prompt(context, draft, step, note)
            return
        await _accept(update, context, draft, message, step, text)

    return on_line


def _skips(text: str | None) -> bool:
    """The reply leaves an optional step empty ("-", "skip", "omitir"...)."""
    return text is not None and text.lower() in SKIP_WORDS


async def on_description(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    text = _text(message)
    if _skips(text):
        text = ""
    if text is None:
        note = context.staff_t("Please reply with text, or press «Skip».")
        await _prompt(context, draft, "description", note)
        return
    if len(text) > MAX_DESCRIPTION:
        note = context.staff_t.plural(
            "That is too long: up to {n} character, please.",
            "That is too long: up to {n} characters, please.",
            MAX_DESCRIPTION,
        ).format(n=MAX_DESCRIPTION)
        await _prompt(context, draft, "description", note)
        return
    await _accept(update, context, draft, message, "description", text)


async def on_starts_at(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t, now = staff_t(context), context.now()
    text = _text(message) or ""
    when = parse_local_datetime(text, context.settings.timezone, now) if len(text) < 60 else None
    if when is None:
        await _prompt(context, draft, "starts_at", t("I could not read that date and time."))
        return
    if when <= now:
        note = t("That moment has already passed ({when}). Please give a date in the future.")
        await _prompt(context, draft, "starts_at", note.format(when=t.date_and_time(when)))
        return
    await _accept(update, context, draft, message, "starts_at", when.isoformat())


async def on_capacity(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    text = _text(message) or ""
    # isascii: "²" and other digits str.isdigit accepts are not numbers int() reads.
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 0
    if not 1 <= number <= MAX_CAPACITY:
        note = context.staff_t("Please write a whole number from 1 to {n}.").format(n=MAX_CAPACITY)
        await _prompt(context, draft, "capacity", note)
        return
    await _accept(update, context, draft, message, "capacity", number)


async def on_photo(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    if message.photo:
        await _accept(update, context, draft, message, "photo", message.photo[-1].file_id)
        return
    if _skips(_text(message)):
        await _accept(update, context, draft, message, "photo", None)
        return
    note = context.staff_t(
        "That is not a photo. Please send a picture as a photo (not as a file), or press «Skip»."
    )
    await _prompt(context, draft, "photo", note)


STEPS: dict[str, DraftStepHandler] = {
    "title": _line_of_text(
        "title",
        activities.MAX_TITLE_LENGTH,
        lambda t, n: t.plural(
            "The title must be text of up to {n} character.",
            "The title must be text of up to {n} characters.",
            n,
        ),
    ),
    "description": on_description,
    "starts_at": on_starts_at,
    "place": _line_of_text(
        "place",
        activities.MAX_PLACE_LENGTH,
        lambda t, n: t.plural(
            "The place must be text of up to {n} character.",
            "The place must be text of up to {n} characters.",
            n,
        ),
    ),
    "capacity": on_capacity,
    "photo": on_photo,
}


# ── Buttons: sx:d:<draft id>:<step>[:<value>] ──────────────────────────────────


async def on_draft_button(update: Update, context: BotContext, press: DraftButton) -> None:
    t = staff_t(context)
    draft = await own_draft(update, context, press.draft_id, DRAFT_KIND)
    if draft is None:
        return
    action, value = press.step.value, press.value
    if action == "no":
        await staff_drafts.discard(context.session, draft)
        await context.answer()
        await context.show(update, t("✖️ Discarded: nothing was created."))
        return
    expected = BUTTON_STEP.get(action or "")
    if action == "skip":
        expected = draft.step if draft.step in ("description", "photo") else None
    if expected is None or draft.step != expected:
        await context.answer(t("This button is no longer active."), alert=True)
        return
    data = _data(draft)
    chosen = await _choose(update, context, draft, data, action or "", value)
    if chosen is None:
        return
    await context.answer()
    if action != "ok":
        await context.show(update, chosen)
        await _advance(update, context, draft, draft.step)


async def _choose(
    update: Update,
    context: BotContext,
    draft: StaffDraft,
    data: dict[str, Any],
    action: str,
    value: str | None,
) -> str | None:
    """Apply a pressed choice; the line that records it on the pressed message, or None
    when the press was handled here (or is not valid)."""
    t, now = staff_t(context), context.now()
    communities = context.settings.office.communities
    number = parse_small_number(value)
    if action == "kind" and value in ACTIVITY_KINDS:
        staff_drafts.update(draft, now, kind=value)
        return "✔️ " + activity_kind_label(t, value)
    if action == "dur" and number in cards.DURATIONS:
        staff_drafts.update(draft, now, duration=number)
        return "✔️ ⏱️ " + cards.duration_label(t, number)
    if action == "com" and (value == "all" or (number is not None and number < len(communities))):
        community = None if value == "all" else communities[number or 0]
        staff_drafts.update(draft, now, community=community)
        return "✔️ 🏘️ " + cards.community_label(t, community)
    if action == "cpg" and number is not None:
        await context.answer()
        await context.show(
            update,
            t("🏘️ For which community? (or the whole municipality)"),
            cards.community_keyboard(t, draft.id, communities, number),
        )
        return None
    if action == "cap" and value == "type":
        await context.answer()
        staff_drafts.update(draft, now, typing=True)
        await context.show(update, t("👥 Places: a number."))
        await _prompt(context, draft, "capacity")
        return None
    if action == "cap" and (number == 0 or number in cards.CAPACITIES):
        capacity = number or None
        staff_drafts.update(draft, now, capacity=capacity, typing=False)
        return "✔️ 👥 " + cards.capacity_label(t, capacity)
    if action == "rep" and value in _codes(context, draft):
        staff_drafts.update(draft, now, repeat=value)
        rule = dict(_repeat_choices(context, draft))[value]
        starts_at = _starts_at(data)
        assert starts_at is not None
        return "✔️ 🔁 " + rules.describe_rule(t, rule, starts_at)
    if action == "skip":
        skipped: dict[str, Any] = {
            STEP_VALUE[draft.step]: "" if draft.step == "description" else None
        }
        staff_drafts.update(draft, now, **skipped)
        return "✔️ " + t("Skipped.")
    if action == "ok":
        await _create(update, context, draft, data)
        return None
    await context.answer(t("This button is no longer active."), alert=True)
    return None


async def _create(
    update: Update, context: BotContext, draft: StaffDraft, data: dict[str, Any]
) -> None:
    t, now, tz = staff_t(context), context.now(), context.settings.timezone
    person = update.effective_user
    assert person is not None
    starts_at = _starts_at(data)
    assert starts_at is not None
    if starts_at <= now:
        # The draft waited too long: ask the date again, then come straight back here.
        staff_drafts.update(draft, now, review=True)
        await context.answer()
        await context.show(update, cards.summary_text(t, data, starts_at))
        note = t("That moment has already passed ({when}). Please give a date in the future.")
        await _prompt(context, draft, "starts_at", note.format(when=t.date_and_time(starts_at)))
        return
    activity = await activities.create(
        context.session,
        kind=data["kind"],
        title=data["title"],
        description=data.get("description") or "",
        starts_at=starts_at,
        duration_minutes=data["duration"],
        place=data["place"],
        community=data.get("community"),
        capacity=data.get("capacity"),
        photo_file_id=data.get("photo"),
        rrule=rules.build_rule(data["repeat"], starts_at.astimezone(tz)),
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
    await context.show(
        update,
        cards.summary_text(t, data, starts_at)
        + "\n\n"
        + t("✅ Created (#{number}).").format(number=activity.id),
    )
    await post_card(context, activity.id, key)
