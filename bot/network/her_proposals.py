"""Her side of proposals: make one (title, what and for whom, community, kind), browse her
community's and support them (once each, not her own), follow her own.

Typed steps ("prop_title", "prop_text") go through the conversation router (STEPS);
choices are buttons (bot.network.callbacks): `ppl[:c|m]` the screens,
`ppn:<action>[:<arg>]` the new proposal, `pp:<v|s>:<id>` a proposal. Anything that does
not decode, or names a proposal that is gone, is refused as forged.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core import conversation
from bot.core.authority import refuse_forged, refuse_undecoded
from bot.core.common import StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.keyboards import for_her
from bot.core.routing import Routes
from bot.db.models import ConversationState
from bot.network import service_proposals as proposals
from bot.network import views_proposals as views
from bot.network.callbacks import (
    HER_PROPOSALS,
    NEW_PROPOSAL,
    PROPOSALS,
    ProposalCommunity,
    ProposalCommunityPage,
    ProposalForMyCommunity,
    ProposalKindChoice,
    ProposalList,
    ProposalsHome,
    SendProposal,
    StartProposal,
    SupportProposal,
)
from bot.people.her_welcome import ensure_registered

TITLE, TEXT, CHOICES = "prop_title", "prop_text", "prop_choices"


async def show_home(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    t, user = context.t, context.user
    press = PROPOSALS.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, PROPOSALS)
    elif isinstance(press, ProposalsHome):
        await conversation.clear_state(context.session, user.id)
        await context.show(update, views.home_text(t), views.home_keyboard(t))
    else:
        mine = press.which == ProposalList.MINE
        if mine:
            found = await proposals.mine(context.session, user.id)
        elif user.community:
            found = await proposals.of_community(context.session, user.community)
        else:
            found = []
        await context.show(
            update,
            views.list_text(t, found, mine=mine),
            views.list_keyboard(t, found, press.which, press.page or 0),
        )


async def on_proposal(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    press = HER_PROPOSALS.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, HER_PROPOSALS)
        return
    proposal = await proposals.find(context.session, press.proposal_id)
    if proposal is None or proposal.title is None:
        await refuse_forged(update, context, "proposal_button")
        return
    t, user_id = context.t, context.user.id
    if isinstance(press, SupportProposal):
        try:
            added = await proposals.support(context.session, proposal.id, user_id, context.now())
        except proposals.OwnProposal:
            await context.answer(t("This is your own proposal."), alert=True)
            return
        except proposals.ProposalFinished:
            await context.answer(t("This proposal can no longer be supported."), alert=True)
            return
        await context.answer(
            t("👍 Thank you for your support!") if added else t("You already support it.")
        )
    supports = await proposals.supports(context.session, proposal.id)
    can_support = (
        proposal.user_id != user_id
        and proposal.status not in proposals.FINISHED
        and not await proposals.has_supported(context.session, proposal.id, user_id)
    )
    await context.show(
        update,
        views.proposal_text(t, proposal, supports),
        views.proposal_keyboard(t, proposal, can_support),
    )


async def _ask_title(update: Update, context: BotContext, hint: str | None = None) -> None:
    assert context.user is not None
    t = context.t
    await conversation.set_state(context.session, context.user.id, TITLE, {}, context.now())
    question = views.title_question(t).format(limit=proposals.MAX_TITLE)
    await context.show(update, f"{hint}\n\n{question}" if hint else question, for_her(t, menu=True))


async def on_new(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    t, user = context.t, context.user
    press = NEW_PROPOSAL.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, NEW_PROPOSAL)
        return
    if isinstance(press, StartProposal):
        await _ask_title(update, context)
        return
    state = await conversation.get_state(context.session, user.id)
    data = state_data(state)
    if state is None or state.step != CHOICES:
        await stale_button(update, context)
        return
    communities = context.settings.office.communities
    if isinstance(press, ProposalForMyCommunity) and user.community:
        await _ask_kind(update, context, {**data, "community": user.community})
    elif isinstance(press, ProposalCommunity) and press.index < len(communities):
        await _ask_kind(update, context, {**data, "community": communities[press.index]})
    elif isinstance(press, ProposalCommunityPage):
        await context.show(
            update,
            views.community_question(t),
            views.community_keyboard(t, communities, press.page, user.community),
        )
    elif (
        isinstance(press, ProposalKindChoice)
        and data.get("community")
        and press.kind in proposals.KINDS
    ):
        data = {**data, "kind": press.kind.value}
        await conversation.set_state(context.session, user.id, CHOICES, data, context.now())
        await context.show(update, views.confirm_text(t, data), views.confirm_keyboard(t))
    elif isinstance(press, SendProposal) and data.get("kind"):
        await proposals.submit(
            context.session,
            user_id=user.id,
            title=str(data["title"]),
            description=str(data["description"]),
            community=str(data["community"]),
            kind=str(data["kind"]),
            organization=None,
            now=context.now(),
        )
        await conversation.clear_state(context.session, user.id)
        await context.show(
            update, views.sent_text(t), for_her(t, [[views.entry_button(t)]], menu=True)
        )
    else:
        await refuse_forged(update, context, "proposal_new")


async def _ask_kind(update: Update, context: BotContext, data: dict[str, object]) -> None:
    assert context.user is not None
    await conversation.set_state(context.session, context.user.id, CHOICES, data, context.now())
    await context.show(update, views.kind_question(context.t), views.kind_keyboard(context.t))


async def on_title(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and context.user is not None
    t = context.t
    title = plain_text(update.message, proposals.MAX_TITLE)
    if title is None:
        await _ask_title(
            update,
            context,
            t("Please write the title as text, in one short message."),
        )
        return
    await conversation.set_state(
        context.session, context.user.id, TEXT, {"title": title}, context.now()
    )
    question = views.description_question(t).format(limit=proposals.MAX_DESCRIPTION)
    await context.show(update, question, for_her(t, menu=True))


async def on_description(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and context.user is not None
    t = context.t
    description = plain_text(update.message, proposals.MAX_DESCRIPTION)
    if description is None:
        hint = t("Please write it as text, in one message of up to {limit} characters.").format(
            limit=proposals.MAX_DESCRIPTION
        )
        await context.show(update, hint, for_her(t, menu=True))
        return
    data = {**state_data(state), "description": description}
    await conversation.set_state(context.session, context.user.id, CHOICES, data, context.now())
    await context.show(
        update,
        views.community_question(t),
        views.community_keyboard(t, context.settings.office.communities, 0, context.user.community),
    )


async def on_button_expected(update: Update, context: BotContext, state: ConversationState) -> None:
    t = context.t
    await context.show(
        update, t("Please use the buttons above, or go back to the menu."), for_her(t, menu=True)
    )


STEPS: dict[str, StepHandler] = {
    TITLE: on_title,
    TEXT: on_description,
    CHOICES: on_button_expected,
}


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(show_home, pattern=PROPOSALS.pattern()))
    app.add_handler(CallbackQueryHandler(on_new, pattern=NEW_PROPOSAL.pattern()))
    app.add_handler(CallbackQueryHandler(on_proposal, pattern=HER_PROPOSALS.pattern()))
