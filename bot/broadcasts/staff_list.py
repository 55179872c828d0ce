"""/anuncios: scheduled, sending and recent announcements, and cancelling one.

Buttons (staff only, checked by the caller): `sb:ls` the list again, `sb:cl:<id>` asks
to cancel, `sb:cly:<id>` cancels. A broadcast already finished or cancelled (or a
forged id) changes nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.broadcasts import service as broadcasts
from bot.broadcasts import service_status as broadcast_status
from bot.broadcasts import views_status as cards
from bot.broadcasts.callbacks import CancelBroadcast, ListBroadcasts, ListButton
from bot.core import audit
from bot.core.authority import require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t


async def _list(
    context: BotContext, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    t = staff_t(context)
    listed = await broadcast_status.overview(context.session)
    counts = await broadcast_status.counts_by_broadcast(context.session, [b.id for b in listed])
    text = cards.list_text(t, listed, counts, context.now(), note)
    return text, cards.list_keyboard(t, listed)


async def list_command(update: Update, context: BotContext) -> None:
    if not await require_staff(update, context, "list_broadcasts"):
        return
    assert update.effective_chat is not None and update.effective_user is not None
    audit.record(
        context.session,
        actor_id=update.effective_user.id,
        action="list_broadcasts",
        now=context.now(),
    )
    text, markup = await _list(context)
    await context.send(update.effective_chat.id, text, markup)


async def _redraw(update: Update, context: BotContext, note: str | None = None) -> None:
    text, markup = await _list(context, note)
    await context.show(update, text, markup)


async def on_list_button(update: Update, context: BotContext, press: ListButton) -> None:
    """`sb:ls`, `sb:cl:<id>`, `sb:cly:<id>`; the caller checked the person is staff."""
    t = staff_t(context)
    if isinstance(press, ListBroadcasts):
        await _redraw(update, context)
        return
    broadcast_id = press.broadcast_id
    broadcast = await broadcasts.find(context.session, broadcast_id)
    if broadcast is None or not cards.cancellable(broadcast):
        # A stale or forged button: say so, change nothing (not even the message).
        await context.answer(
            t("This announcement has already finished or was cancelled."), alert=True
        )
        return
    if isinstance(press, CancelBroadcast):
        await context.show(
            update,
            cards.confirm_cancel_text(t, broadcast),
            cards.confirm_cancel_keyboard(t, broadcast.id),
        )
        return
    person = update.effective_user
    if not await broadcasts.cancel(context.session, broadcast.id, context.now()):
        await context.answer(
            t("This announcement has already finished or was cancelled."), alert=True
        )
        return
    audit.record(
        context.session,
        actor_id=person.id if person else None,
        action="broadcast_cancel",
        detail=f"broadcast:{broadcast.id}",
        now=context.now(),
    )
    note = t("✖️ Announcement #{number} cancelled: nobody else will receive it.").format(
        number=broadcast.id
    )
    await context.answer(note)
    await _redraw(update, context, note)
