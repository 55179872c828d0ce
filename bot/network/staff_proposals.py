"""Proposals in the staff group: /propuestas lists those on their way; each one's card has
a button per next step (presented to the council, included in the plan, done) and «not
included…», which asks the reason as a reply (a StaffDraft of kind "proposal"). Each
step tells the woman who proposed it and those who supported it (a neutral notice).
Buttons: `sp:<action>:<proposal id>[:<status>]`; only staff act, a stale step changes
nothing."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.core import drafts as staff_drafts
from bot.core.authority import (
    record_action,
    record_name,
    refuse_forged,
    refuse_undecoded,
    require_staff,
)
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, ask, staff_t
from bot.core.errors import NotFound
from bot.db.models import DraftKind, ProposalStatus, StaffDraft
from bot.network import service_proposals as proposals
from bot.network import views_proposals as views
from bot.network.callbacks import (
    STAFF_PROPOSALS,
    MoveProposal,
    NotIncluded,
    StaffProposalsPage,
    StaffViewProposal,
)

DRAFT_KIND = DraftKind.PROPOSAL
REASON = "reason"


async def list_command(update: Update, context: BotContext) -> None:
    """/propuestas: the proposals on their way."""
    if not await require_staff(update, context, "proposal_list"):
        return
    await _list_page(update, context, 0)


async def _list_page(update: Update, context: BotContext, page: int) -> None:
    """A page of the list: a new message after the command, in place for a page button."""
    t = staff_t(context)
    found = await proposals.for_staff(context.session)
    await context.show(
        update, views.staff_list_text(t, found), views.staff_list_keyboard(t, found, page)
    )


async def _show_card(update: Update, context: BotContext, proposal_id: int) -> None:
    t = staff_t(context)
    proposal = await proposals.find(context.session, proposal_id)
    assert proposal is not None
    supports = await proposals.supports(context.session, proposal_id)
    await context.show(
        update, views.staff_card(t, proposal, supports), views.staff_keyboard(t, proposal)
    )


async def on_button(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    press = STAFF_PROPOSALS.decode(update.callback_query.data)
    about = press.proposal_id if press and not isinstance(press, StaffProposalsPage) else None
    record = record_name("proposal", about)
    if not await require_staff(update, context, "proposal_button", record=record):
        return
    if press is None:
        await refuse_undecoded(update, context, STAFF_PROPOSALS)
        return
    if isinstance(press, StaffProposalsPage):
        await _list_page(update, context, press.page)
        return
    proposal = await proposals.find(context.session, press.proposal_id)
    if proposal is None:
        await refuse_forged(update, context, "proposal_button")
        return
    t, person = staff_t(context), update.effective_user
    if isinstance(press, StaffViewProposal):
        await _show_card(update, context, proposal.id)
    elif isinstance(press, MoveProposal):
        status = ProposalStatus(press.status)
        try:
            await proposals.move(
                context.session,
                proposal.id,
                status,
                staff_id=person.id if person else None,
                now=context.now(),
            )
        except (proposals.WrongStep, proposals.BadText):
            await context.answer(t("This button is no longer active."), alert=True)
            return
        record_action(context, update, "proposal_moved", f"proposal:{proposal.id} {status.value}")
        await context.answer(t("Done: those who proposed and supported it will be told."))
        await _show_card(update, context, proposal.id)
    elif isinstance(press, NotIncluded) and proposal.status in (
        ProposalStatus.RECEIVED,
        ProposalStatus.PRESENTED,
    ):
        assert update.effective_chat is not None and person is not None
        draft = await staff_drafts.start(
            context.session,
            kind=DRAFT_KIND,
            chat_id=update.effective_chat.id,
            author_id=person.id,
            now=context.now(),
            data={"proposal_id": proposal.id},
        )
        await context.answer()
        question = views.reason_question(t).format(number=proposal.id, limit=proposals.MAX_REASON)
        await ask(context, draft, question, step=REASON)
    else:
        await context.answer(t("This button is no longer active."), alert=True)


async def on_reason(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t = staff_t(context)
    proposal_id = int((draft.data or {}).get("proposal_id") or 0)
    try:
        proposal = await proposals.move(
            context.session,
            proposal_id,
            ProposalStatus.NOT_INCLUDED,
            staff_id=draft.author_id,
            now=context.now(),
            reason=message.text or "",
        )
    except proposals.BadText:
        hint = t("Please reply with the reason as text, up to {limit} characters.").format(
            limit=proposals.MAX_REASON
        )
        question = views.reason_question(t).format(number=proposal_id, limit=proposals.MAX_REASON)
        await ask(context, draft, f"{hint}\n\n{question}", step=REASON, reply_to=message.message_id)
        return
    except (proposals.WrongStep, NotFound):
        await staff_drafts.discard(context.session, draft)
        await context.send(draft.chat_id, t("This proposal already moved on; nothing changed."))
        return
    await staff_drafts.discard(context.session, draft)
    record_action(context, update, "proposal_moved", f"proposal:{proposal_id} not_included")
    supports = await proposals.supports(context.session, proposal_id)
    await context.send(
        draft.chat_id, views.staff_card(t, proposal, supports), views.staff_keyboard(t, proposal)
    )


DRAFT_STEPS: dict[str, DraftStepHandler] = {REASON: on_reason}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=STAFF_PROPOSALS.pattern()))
    app.add_handler(CommandHandler("propuestas", list_command))
