"""The women's network: join (organization, community, role) and leave."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core import conversation
from bot.core.callbacks import ChoiceAction
from bot.core.common import StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.keyboards import button, for_her, paged_choices, yes_no
from bot.core.labels import NETWORK_ROLES, label
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.db.models import ConversationState
from bot.network.views_consultations import list_button as consultations_button
from bot.network.views_proposals import entry_button as proposals_button
from bot.people import service_network as network
from bot.people.callbacks import (
    NETWORK,
    NETWORK_COMMUNITY,
    JoinNetwork,
    LeaveNetwork,
    MyCommunity,
    NetworkCommunity,
    NetworkRole,
    NoOrganization,
    ShowNetwork,
)
from bot.people.her_welcome import ensure_registered

MAX_ORGANIZATION_LENGTH = 128


async def show_network(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    member = await network.get_membership(context.session, context.user.id)
    if member is None:
        text = t(
            "🤝 The women's network brings together women of every community: meetings, "
            "trainings and news from the office.\n\nDo you want to join?"
        )
        rows = [
            [button(t("✅ Join the network"), JoinNetwork())],
            [consultations_button(t)],
            [proposals_button(t)],
        ]
        await context.show(update, text, for_her(t, rows, menu=True))
        return
    text = t(
        "🤝 You are in the women's network.\nCommunity: {community}\nRole: {role}\nOrganization: {organization}"
    ).format(
        community=member.community,
        role=label(t, NETWORK_ROLES, member.role),
        organization=member.organization or t("none"),
    )
    rows = [
        [consultations_button(t)],
        [proposals_button(t)],
        [button(t("🚪 Leave the network"), LeaveNetwork())],
    ]
    await context.show(update, text, for_her(t, rows, menu=True))


async def ask_community(
    update: Update, context: BotContext, data: dict[str, object], page: int = 0
) -> None:
    assert context.user is not None
    t = context.t
    await conversation.set_state(
        context.session, context.user.id, Step.NET_COMMUNITY, data, context.now()
    )
    extra = []
    if context.user.community:
        extra.append(
            [
                button(
                    t("📍 My community: {name}").format(name=context.user.community[:30]),
                    MyCommunity(),
                )
            ]
        )
    await context.show(
        update,
        t("Which community do you represent in the network?"),
        paged_choices(
            t, context.settings.office.communities, page, choice=NetworkCommunity, extra_rows=extra
        ),
    )


async def ask_role(update: Update, context: BotContext, data: dict[str, object]) -> None:
    assert context.user is not None
    t = context.t
    await conversation.set_state(
        context.session, context.user.id, Step.NET_ROLE, data, context.now()
    )
    rows = [[button(t(name), NetworkRole(key))] for key, name in NETWORK_ROLES.items()]
    await context.show(update, t("What is your role?"), for_her(t, rows))


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    t = context.t
    data_ = update.callback_query.data if update.callback_query else None
    press = NETWORK.decode(data_) or NETWORK_COMMUNITY.decode(data_)
    state = await conversation.get_state(context.session, user.id)
    step, data = (state.step if state else None), state_data(state)
    if isinstance(press, ShowNetwork):
        await conversation.clear_state(context.session, user.id)
        await show_network(update, context)
    elif isinstance(press, JoinNetwork):
        await conversation.set_state(context.session, user.id, Step.NET_ORG, {}, context.now())
        await context.show(
            update,
            t(
                "Do you belong to an organization or group? Type its name, or tap «No organization»."
            ),
            for_her(t, [[button(t("No organization"), NoOrganization())]]),
        )
    elif isinstance(press, NoOrganization) and step == Step.NET_ORG:
        await ask_community(update, context, {"organization": None})
    elif isinstance(press, NetworkCommunity | MyCommunity) and step in (
        Step.NET_COMMUNITY,
        Step.NET_COMMUNITY_OTHER,
    ):
        await on_community(update, context, press, data)
    elif isinstance(press, NetworkRole) and step == Step.NET_ROLE:
        await network.join(
            context.session,
            user.id,
            organization=data.get("organization"),
            community=str(data.get("community") or user.community or ""),
            role=press.role,
            now=context.now(),
        )
        await conversation.clear_state(context.session, user.id)
        await context.show(update, t("🎉 Welcome to the women's network!"), for_her(t, menu=True))
    elif isinstance(press, LeaveNetwork) and press.confirmed is None:
        await context.show(
            update,
            t("Do you want to leave the women's network?"),
            yes_no(t, t("Yes, leave the network"), LeaveNetwork("y"), ShowNetwork()),
        )
    elif isinstance(press, LeaveNetwork):
        await network.leave(context.session, user.id)
        await context.show(
            update,
            t("You left the women's network. You can join again at any time."),
            for_her(t, menu=True),
        )
    else:
        await stale_button(update, context)


async def on_community(
    update: Update,
    context: BotContext,
    press: NetworkCommunity | MyCommunity,
    data: dict[str, object],
) -> None:
    assert context.user is not None
    communities = context.settings.office.communities
    if isinstance(press, MyCommunity):
        if context.user.community:
            await ask_role(update, context, {**data, "community": context.user.community})
        else:
            await stale_button(update, context)
        return
    index = press.number
    if press.action == ChoiceAction.PICK and index is not None and 0 <= index < len(communities):
        await ask_role(update, context, {**data, "community": communities[index]})
    elif press.action == ChoiceAction.PAGE and index is not None:
        await ask_community(update, context, data, page=index)
    elif press.action == ChoiceAction.OTHER:
        await conversation.set_state(
            context.session, context.user.id, Step.NET_COMMUNITY_OTHER, data, context.now()
        )
        await context.show(
            update, context.t("Please type the name of the community."), for_her(context.t)
        )
    else:
        await stale_button(update, context)


async def on_organization_typed(
    update: Update, context: BotContext, state: ConversationState
) -> None:
    assert update.message is not None and update.effective_chat is not None
    name = plain_text(update.message, MAX_ORGANIZATION_LENGTH)
    if name is None:
        t = context.t
        await context.send(
            update.effective_chat.id,
            t(
                "Please type the organization's name in one short message, or tap «No organization»."
            ),
            for_her(t, [[button(t("No organization"), NoOrganization())]]),
        )
        return
    await ask_community(update, context, {"organization": name})


async def on_community_typed(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and update.effective_chat is not None
    name = plain_text(update.message, 64)
    if name is None:
        await context.send(
            update.effective_chat.id,
            context.t("Please type the name of the community in one short message."),
            for_her(context.t),
        )
        return
    await ask_role(update, context, {**state_data(state), "community": name})


async def on_button_expected(update: Update, context: BotContext, state: ConversationState) -> None:
    data = state_data(state)
    if state.step == Step.NET_ROLE:
        await ask_role(update, context, data)
    else:
        await ask_community(update, context, data)


STEPS: dict[str, StepHandler] = {
    Step.NET_ORG: on_organization_typed,
    Step.NET_COMMUNITY: on_button_expected,
    Step.NET_COMMUNITY_OTHER: on_community_typed,
    Step.NET_ROLE: on_button_expected,
}


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=NETWORK.pattern()))
    app.add_handler(CallbackQueryHandler(on_button, pattern=NETWORK_COMMUNITY.pattern()))
