"""Admins add and remove staff (linking the group itself: bot.people.staff_setup)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.core import audit, staff
from bot.core.context import BotContext
from bot.core.ids import parse_person_id


async def _admin_only(update: Update, context: BotContext, action: str) -> bool:
    person = update.effective_user
    if person is not None and context.is_admin(person.id):
        return True
    audit.record(
        context.session,
        actor_id=person.id if person else None,
        action=f"refused_{action}",
        now=context.now(),
    )
    assert update.effective_chat is not None
    await context.send(
        update.effective_chat.id, context.t("Sorry, only the office's administrators can do this.")
    )
    return False


def _target(update: Update, context: BotContext) -> tuple[int, str] | None:
    """The person meant: the author of the message replied to, or an id given after the command."""
    message = update.message
    if message and message.reply_to_message and message.reply_to_message.from_user:
        who = message.reply_to_message.from_user
        return who.id, who.full_name
    args = context.args or []
    user_id = parse_person_id(args[0]) if args else None
    if user_id is not None:
        return user_id, " ".join(args[1:]) or args[0]
    return None


async def add_staff_command(update: Update, context: BotContext) -> None:
    """/alta_staff (replying to a member's message, or with her user id and name)."""
    if not await _admin_only(update, context, "add_staff"):
        return
    assert update.effective_chat is not None and update.effective_user is not None
    target = _target(update, context)
    if target is None:
        await context.send(
            update.effective_chat.id,
            context.t(
                "Reply to a message of the person with /alta_staff, or write: /alta_staff USER_ID Name"
            ),
        )
        return
    member = await staff.add_staff(
        context.session, target[0], target[1], update.effective_user.id, context.now()
    )
    audit.record(
        context.session,
        actor_id=update.effective_user.id,
        action="add_staff",
        detail=str(target[0]),
        now=context.now(),
    )
    await context.send(
        update.effective_chat.id,
        context.t("✅ {name} is now office staff.").format(name=member.display_name),
    )


async def remove_staff_command(update: Update, context: BotContext) -> None:
    """/baja_staff (replying to a member's message, or with her user id)."""
    if not await _admin_only(update, context, "remove_staff"):
        return
    assert update.effective_chat is not None and update.effective_user is not None
    target = _target(update, context)
    if target is None:
        await context.send(
            update.effective_chat.id,
            context.t(
                "Reply to a message of the person with /baja_staff, or write: /baja_staff USER_ID"
            ),
        )
        return
    removed = await staff.remove_staff(context.session, target[0])
    audit.record(
        context.session,
        actor_id=update.effective_user.id,
        action="remove_staff",
        detail=str(target[0]),
        now=context.now(),
    )
    text = (
        context.t("✅ Removed from staff.") if removed else context.t("That person was not staff.")
    )
    await context.send(update.effective_chat.id, text)


async def list_staff_command(update: Update, context: BotContext) -> None:
    """/personal: who is staff."""
    if not await _admin_only(update, context, "list_staff"):
        return
    assert update.effective_chat is not None
    members = await staff.list_staff(context.session)
    lines = [context.t("Office staff:")] + [f"• {m.display_name} ({m.user_id})" for m in members]
    if not members:
        lines.append(context.t("(nobody yet: add people with /alta_staff)"))
    await context.send(update.effective_chat.id, "\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("alta_staff", add_staff_command))
    app.add_handler(CommandHandler("baja_staff", remove_staff_command))
    app.add_handler(CommandHandler("personal", list_staff_command))
