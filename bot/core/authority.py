"""Who may act, checked at every step, and every refusal written down once.

Staff rights are not remembered between steps: a draft started by someone who was
removed with /baja_staff must not be finished by her, so every staff command,
button, card action and draft step calls `require_staff`, which asks the database
again. Anything refused — not staff, not the draft's author, a woman's button naming
a record that is not hers, an id that is not an id — is one audit row saying who
tried what on which record, and the person gets one kind sentence; nothing changes.

Audit rows: `action` is `refused_<what>`; `detail` names the record as `<kind>:<id>`
(or the raw text that did not parse); `case_id` is set when the record is a case.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType

from bot.core import audit, staff
from bot.core.callbacks import Codec
from bot.core.common import id_arg
from bot.core.context import BotContext

# audit_events.action and .detail are String(32) and String(256).
_ACTION_LENGTH = 32
_DETAIL_LENGTH = 256


def record_name(kind: str, record_id: int | str | None) -> str | None:
    """How an audit row names a record: `case:12`, `draft:3`; None when unknown."""
    return f"{kind}:{record_id}" if record_id is not None else None


def audit_refusal(
    update: Update,
    context: BotContext,
    what: str,
    *,
    record: str | None = None,
    case_id: int | None = None,
) -> None:
    """One audit row for one refused attempt: who, what, which record."""
    person = update.effective_user
    audit.record(
        context.session,
        actor_id=person.id if person else None,
        action=f"refused_{what}"[:_ACTION_LENGTH],
        case_id=case_id,
        detail=record[:_DETAIL_LENGTH] if record else None,
        now=context.now(),
    )


async def tell(update: Update, context: BotContext, text: str) -> None:
    """A pop-up on the pressed button, or a reply to the message."""
    if update.callback_query is not None:
        await context.answer(text, alert=True)
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is not None:
        await context.send(chat.id, text, reply_to=message.message_id if message else None)


async def refuse(
    update: Update,
    context: BotContext,
    what: str,
    *,
    record: str | None = None,
    case_id: int | None = None,
    text: str | None = None,
) -> None:
    """Refuse kindly (by default: only staff can do this) and record it."""
    audit_refusal(update, context, what, record=record, case_id=case_id)
    await tell(update, context, text or context.t("Sorry, only the office staff can do this."))


async def require_staff(
    update: Update,
    context: BotContext,
    what: str,
    *,
    record: str | None = None,
    case_id: int | None = None,
) -> bool:
    """True when the person is staff now (asked of the database at every step); otherwise
    refuse kindly, record it, and return False."""
    person = update.effective_user
    if person is not None and await staff.is_staff(
        context.session, person.id, context.admin_ids
    ):
        if context.is_admin(person.id):
            context.bot_data.staff_group.admin_names[person.id] = person.full_name[:128]
        return True
    await refuse(update, context, what, record=record, case_id=case_id)
    return False


def _stale_text(update: Update, context: BotContext) -> str:
    # In the staff group the gate chose the office's language; in her chat, hers.
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return context.t("This button is no longer active. Use the menu 🏠.")
    return context.t("This button is no longer active.")


async def refuse_forged(
    update: Update,
    context: BotContext,
    what: str,
    *,
    record: str | None = None,
    case_id: int | None = None,
) -> None:
    """A button (or link) that no screen of ours showed this person: "no longer active",
    nothing changes, and it is recorded. `record` defaults to the button's data."""
    if record is None and update.callback_query is not None:
        record = update.callback_query.data
    audit_refusal(update, context, what, record=record, case_id=case_id)
    await tell(update, context, _stale_text(update, context))


async def refuse_undecoded(update: Update, context: BotContext, codec: Codec[Any]) -> None:
    """Button data its codec could not read: "no longer active", nothing changes; recorded
    as forged when the codec names what it is (a record id that is not one…)."""
    data = update.callback_query.data if update.callback_query is not None else None
    what = codec.refusal(data)
    if what is not None:
        await refuse_forged(update, context, what)
    else:
        await tell(update, context, _stale_text(update, context))


async def id_in(
    update: Update, context: BotContext, parts: list[str], index: int, what: str
) -> int | None:
    """The record id at `parts[index]` of a button's data; when it is missing or not an
    id the database could hold (negative, text, 2^31…), the button is refused as forged
    (recorded) and None is returned: the caller just stops."""
    value = id_arg(parts, index)
    if value is None:
        await refuse_forged(update, context, what)
    return value
