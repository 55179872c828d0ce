"""Staff record aid: from a case card (🎁) or by command for someone who came to the office.

Buttons (bot.aid.callbacks): choose the item, how much, record (unless she got the same
item recently: then a warning with her earlier deliveries and "record anyway"), cancel;
a typed delivery that needs confirming waits in a staff draft: record it or drop it.
"""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.aid import service, views
from bot.aid.callbacks import (
    AID,
    CancelAid,
    ChooseItem,
    ChooseSize,
    ConfirmDraft,
    DraftAidButton,
    DropDraft,
    RecordAidAnyway,
)
from bot.aid.service import Recipient
from bot.cases import service as cases
from bot.core import drafts as staff_drafts
from bot.core.authority import record_name, refuse_forged, refuse_undecoded, require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.core.errors import AlreadyDone, DomainError, InvalidInput, NotFound
from bot.core.ids import parse_record_id
from bot.core.staff_input import parse_past_date
from bot.db.models import DraftKind
from bot.office import AidItem

DRAFT_KIND = DraftKind.AID


def _today(context: BotContext) -> date:
    return context.now().astimezone(context.settings.timezone).date()


def _item(context: BotContext, index: int | None) -> AidItem | None:
    items = context.settings.office.aid_items
    return items[index] if index is not None and 0 <= index < len(items) else None


def _error_text(context: BotContext, exc: DomainError) -> str:
    t = staff_t(context)
    if isinstance(exc, NotFound):
        return t("That delivery does not exist.")
    if isinstance(exc, AlreadyDone):
        return t("That delivery was already annulled.")
    if isinstance(exc, InvalidInput):
        return t("That quantity or amount cannot be used.")
    return t("That cannot be done.")


async def _record(
    context: BotContext,
    item: AidItem,
    recipient: Recipient,
    delivered_on: date,
    staff_id: int,
    size: tuple[int, int | None],
    note: str | None = None,
) -> tuple[bool, str]:
    """Record a handover of `size` (quantity, amount in cents); whether it was recorded,
    and what to tell staff (the record, or why not)."""
    try:
        delivery = await service.record(
            context.session,
            item=item,
            recipient=recipient,
            delivered_on=delivered_on,
            staff_id=staff_id,
            now=context.now(),
            quantity=size[0],
            amount_cents=size[1],
            note=note,
        )
    except DomainError as exc:
        return False, _error_text(context, exc)
    return True, views.recorded_text(staff_t(context), context.settings.office, delivery)


async def on_aid_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    person, chat = update.effective_user, update.effective_chat
    assert query is not None and person is not None and chat is not None
    press = AID.decode(query.data)
    if isinstance(press, ConfirmDraft | DropDraft):
        await _on_draft_button(update, context, press)
        return
    case_id = press.case_id if press is not None else None
    if not await require_staff(
        update, context, "aid", case_id=case_id, record=record_name("case", case_id)
    ):
        return
    if press is None:
        await refuse_undecoded(update, context, AID)
        return
    case = await cases.get_case(context.session, press.case_id)
    if case is None:
        await refuse_forged(update, context, "aid_button")
        return
    t, office = staff_t(context), context.settings.office
    if isinstance(press, ChooseItem):
        if not office.aid_items:
            await context.answer(t("The office file lists no aid items."), alert=True)
            return
        await context.answer()
        message = query.message
        await context.send(
            chat.id,
            views.choose_item_text(t, case.id),
            views.items_keyboard(t, office, case.id),
            reply_to=message.message_id if message else None,
        )
        return
    if isinstance(press, CancelAid):
        await context.answer()
        await context.show(update, t("Cancelled: nothing was recorded."))
        return
    index = press.item
    item = _item(context, index)
    if item is None:
        await refuse_forged(update, context, "aid_button")
        return
    if isinstance(press, ChooseSize):
        await context.answer()
        await context.show(
            update,
            views.size_text(t, item, case.id),
            views.size_keyboard(t, item, case.id, index, office.currency),
        )
        return
    size = press.size
    recipient = Recipient(user_id=case.user_id, case_id=case.id, community=case.community)
    today = _today(context)
    if not isinstance(press, RecordAidAnyway) and case.user_id is not None:
        earlier = await service.earlier_deliveries(context.session, item, recipient, today)
        if earlier:
            await context.answer()
            await context.show(
                update,
                views.repeat_warning(t, office, item, earlier),
                views.confirm_keyboard(
                    t, RecordAidAnyway(case.id, index, size), CancelAid(case.id)
                ),
            )
            return
    recorded, text = await _record(
        context, item, recipient, today, person.id, (1, size) if item.money else (size, None)
    )
    if not recorded:
        await context.answer(text, alert=True)
        return
    await context.answer()
    await context.show(update, text)


def _parse_size(item: AidItem, text: str | None) -> tuple[int, int | None] | None:
    """(quantity, amount in cents) from what staff typed; None when it is not one."""
    if text is None:
        return None
    if item.money:
        cents = service.parse_amount(text)
        return None if cents is None else (1, cents)
    quantity = parse_record_id(text)
    return None if quantity is None or quantity > service.MAX_QUANTITY else (quantity, None)


async def deliver_command(update: Update, context: BotContext) -> None:
    """/entrega ITEM QUANTITY-OR-AMOUNT [DATE] (NAME / COMMUNITY / NOTE | OMM-000123).

    DATE (ayer, 25/11, 25/11/2026) is when it was handed over; today when left out."""
    if not await require_staff(update, context, "aid_command"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, office = staff_t(context), context.settings.office
    args = list(context.args or [])
    item = None
    if args:
        item = office.aid_item(args[0].lower())
        number = parse_record_id(args[0])
        if item is None and number is not None:
            item = _item(context, number - 1)
    size = _parse_size(item, args[1] if len(args) > 1 else None) if item else None
    delivered_on = _today(context)
    given = parse_past_date(args[2], delivered_on) if len(args) > 3 else None
    if given is not None:
        delivered_on = given
        del args[2]
    rest = " ".join(args[2:]).strip()
    if item is None or size is None or not rest:
        await context.send(chat.id, views.command_help(t, office))
        return
    case_id = cases.parse_reference(rest) if rest.upper().startswith("OMM") else None
    if case_id is not None:
        case = await cases.get_case(context.session, case_id)
        if case is None:
            await context.send(chat.id, t("This case does not exist."))
            return
        recipient = Recipient(user_id=case.user_id, case_id=case.id, community=case.community)
        note = None
    else:
        pieces = [p.strip() for p in rest.split("/")]
        name = service.clean_name(pieces[0])
        community = pieces[1] if len(pieces) > 1 else None
        note = " / ".join(pieces[2:]) or None
        if not name:
            await context.send(chat.id, views.command_help(t, office))
            return
        recipient = Recipient(name=name, community=community)
    earlier = await service.earlier_deliveries(context.session, item, recipient, delivered_on)
    if earlier:
        draft = await staff_drafts.start(
            context.session,
            kind=DRAFT_KIND,
            chat_id=chat.id,
            author_id=person.id,
            now=context.now(),
            data={
                "item": item.key,
                "quantity": size[0],
                "amount_cents": size[1],
                "user_id": recipient.user_id,
                "case_id": recipient.case_id,
                "name": recipient.name,
                "community": recipient.community,
                "note": note,
                "delivered_on": delivered_on.isoformat(),
            },
        )
        await context.send(
            chat.id,
            views.repeat_warning(t, office, item, earlier),
            views.confirm_keyboard(t, ConfirmDraft(draft.id), DropDraft(draft.id)),
        )
        return
    _, text = await _record(context, item, recipient, delivered_on, person.id, size, note)
    await context.send(chat.id, text)


def _draft_day(data: dict[str, object]) -> date | None:
    raw = data.get("delivered_on")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


async def _on_draft_button(update: Update, context: BotContext, press: DraftAidButton) -> None:
    draft_id = press.draft_id
    if not await require_staff(update, context, "aid", record=record_name("draft", draft_id)):
        return
    person = update.effective_user
    assert person is not None
    draft = await staff_drafts.get(context.session, draft_id, DRAFT_KIND)
    t, office = staff_t(context), context.settings.office
    if draft is None:
        await context.answer(t("This draft is finished or no longer exists."), alert=True)
        return
    data = dict(draft.data)
    await staff_drafts.discard(context.session, draft)
    await context.answer()
    item = office.aid_item(str(data.get("item")))
    if isinstance(press, DropDraft) or item is None:
        await context.show(update, t("Cancelled: nothing was recorded."))
        return
    _, text = await _record(
        context,
        item,
        Recipient(
            user_id=data.get("user_id"),
            case_id=data.get("case_id"),
            name=data.get("name"),
            community=data.get("community"),
        ),
        _draft_day(data) or _today(context),
        person.id,
        (int(data.get("quantity") or 1), data.get("amount_cents")),
        data.get("note"),
    )
    await context.show(update, text)


async def correct_command(update: Update, context: BotContext) -> None:
    """/corregir_entrega NUMBER QUANTITY-OR-AMOUNT [NOTE]."""
    if not await require_staff(update, context, "aid_correct"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, office = staff_t(context), context.settings.office
    args = list(context.args or [])
    delivery_id = parse_record_id(args[0].lstrip("#")) if args else None
    try:
        if delivery_id is None or len(args) < 2:
            raise InvalidInput("usage")
        delivery = await service.get(context.session, delivery_id)
        item = office.aid_item(delivery.item)
        size = _parse_size(item, args[1]) if item else None
        if item is None or size is None:
            raise InvalidInput("size")
        delivery = await service.correct(
            context.session,
            delivery_id,
            item=item,
            staff_id=person.id,
            now=context.now(),
            quantity=size[0],
            amount_cents=size[1],
            note=" ".join(args[2:]) or None,
        )
    except DomainError as exc:
        await context.send(chat.id, _error_text(context, exc))
        return
    await context.send(
        chat.id,
        t("✏️ Delivery corrected: {line}").format(line=views.delivery_line(t, office, delivery)),
    )


async def annul_command(update: Update, context: BotContext) -> None:
    """/anular_entrega NUMBER REASON."""
    if not await require_staff(update, context, "aid_annul"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, office = staff_t(context), context.settings.office
    args = list(context.args or [])
    delivery_id = parse_record_id(args[0].lstrip("#")) if args else None
    if delivery_id is None or len(args) < 2:
        await context.send(chat.id, t("Write the delivery number and the reason: /anular_entrega 12 typed twice"))
        return
    try:
        delivery = await service.annul(
            context.session,
            delivery_id,
            reason=" ".join(args[1:]),
            staff_id=person.id,
            now=context.now(),
        )
    except DomainError as exc:
        await context.send(chat.id, _error_text(context, exc))
        return
    await context.send(
        chat.id,
        t("Delivery annulled (kept in the records): {line}").format(
            line=views.delivery_line(t, office, delivery)
        ),
    )


async def history_command(update: Update, context: BotContext) -> None:
    """/entregas OMM-000123 or /entregas NAME / COMMUNITY: her latest deliveries."""
    if not await require_staff(update, context, "aid_history"):
        return
    chat = update.effective_chat
    assert chat is not None
    t, office = staff_t(context), context.settings.office
    text = " ".join(context.args or []).strip()
    case_id = cases.parse_reference(text) if text.upper().startswith("OMM") else None
    if case_id is not None:
        case = await cases.get_case(context.session, case_id)
        recipient = Recipient(user_id=case.user_id) if case and case.user_id else None
        who = text.upper()
    else:
        pieces = [p.strip() for p in text.split("/")]
        recipient = Recipient(name=pieces[0], community=pieces[1] if len(pieces) > 1 else None)
        who = pieces[0]
    if not text or recipient is None:
        await context.send(chat.id, views.history_text(t, office, who or "—", []))
        return
    deliveries = await service.history(context.session, recipient)
    await context.send(chat.id, views.history_text(t, office, who, deliveries))


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_aid_button, pattern=AID.pattern()))
    app.add_handler(CommandHandler("entrega", deliver_command))
    app.add_handler(CommandHandler("entregas", history_command))
    app.add_handler(CommandHandler("corregir_entrega", correct_command))
    app.add_handler(CommandHandler("anular_entrega", annul_command))
