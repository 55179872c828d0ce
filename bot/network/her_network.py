"""The women's network screen: join the network (organization, community, role) and
leave it; her organisations: ask to join one, leave any of them; for a leader, the way
to her menu (bot.network.her_leader)."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core import audit, conversation, users
from bot.core.authority import refuse_undecoded
from bot.core.callbacks import ChoiceAction
from bot.core.common import StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, NotFound
from bot.core.keyboards import button, for_her, paged_choices, yes_no
from bot.core.labels import NETWORK_ROLES, label
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.db.models import ConversationState, MembershipStatus, Organization
from bot.network import service as organizations
from bot.network import service_network as network
from bot.network import service_women as women
from bot.network import views
from bot.network.callbacks import (
    JOIN_RECORD,
    NETWORK,
    NETWORK_COMMUNITY,
    ORGANIZATIONS,
    JoinNetwork,
    JoinRecord,
    LeaveNetwork,
    MyCommunity,
    NetworkCommunity,
    NetworkRole,
    NoOrganization,
    OrgAction,
    OrganizationsToJoin,
    OrgButton,
    ShowNetwork,
)
from bot.network.notices import tell_staff
from bot.network.views_consultations import list_button as consultations_button
from bot.network.views_proposals import entry_button as proposals_button
from bot.people.her_welcome import Landing, ensure_registered, open_links

MAX_ORGANIZATION_LENGTH = 128


async def show_network(update: Update, context: BotContext) -> None:
    """The network screen: her membership, her organisations (each can be left), joining
    one, and for a leader her menu."""
    assert context.user is not None
    t = context.t
    member = await network.get_membership(context.session, context.user.id)
    mine = await organizations.her_organizations(context.session, context.user.id)
    leader = any(m.is_leader and m.status == MembershipStatus.ACCEPTED for _o, m in mine)
    org_rows = views.her_organization_rows(t, mine, leader=leader)
    org_text = views.her_organizations_text(t, mine)
    if member is None:
        text = t(
            "🤝 The women's network brings together women of every community: meetings, "
            "trainings and news from the office.\n\nDo you want to join?"
        )
        await context.show(
            update,
            f"{text}\n\n{org_text}",
            for_her(
                t,
                [
                    [button(t("✅ Join the network"), JoinNetwork())],
                    *org_rows,
                    [consultations_button(t)],
                    [proposals_button(t)],
                ],
                menu=True,
            ),
        )
        return
    text = t(
        "🤝 You are in the women's network.\nCommunity: {community}\nRole: {role}\nOrganization: {organization}"
    ).format(
        community=member.community,
        role=label(t, NETWORK_ROLES, member.role),
        organization=member.organization or t("none"),
    )
    await context.show(
        update,
        f"{text}\n\n{org_text}",
        for_her(
            t,
            [
                *org_rows,
                [consultations_button(t)],
                [proposals_button(t)],
                [button(t("🚪 Leave the network"), LeaveNetwork())],
            ],
            menu=True,
        ),
    )


# ── Her organisations ─────────────────────────────────────────────────────────


async def on_organization_button(update: Update, context: BotContext) -> None:
    """`og` lists the organisations she may join; `og:<action>:<organisation>` asks to
    join one (sharing her first name and community with its leaders, or not) or leaves."""
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    t = context.t
    pressed = ORGANIZATIONS.decode(update.callback_query.data if update.callback_query else None)
    if isinstance(pressed, OrganizationsToJoin):
        found = await organizations.organizations_to_join(context.session, user.id, user.community)
        text = (
            t("Which organization do you want to join?")
            if found
            else t("There are no organizations to join yet.")
        )
        await context.show(update, text, views.to_join_keyboard(t, found))
        return
    if not isinstance(pressed, OrgButton):
        await refuse_undecoded(update, context, ORGANIZATIONS)
        return
    try:
        organization = await organizations.get_organization(context.session, pressed.record_id)
    except NotFound:
        await context.show(update, t("That organization no longer exists."), for_her(t, menu=True))
        return
    action = pressed.action
    if action == OrgAction.JOIN:
        await context.show(
            update, views.share_question(t, organization), views.share_keyboard(t, organization.id)
        )
    elif action in (OrgAction.JOIN_SHARING, OrgAction.JOIN_NOT_SHARING):
        share = action == OrgAction.JOIN_SHARING
        try:
            await organizations.request_membership(
                context.session, organization.id, user.id, share=share, now=context.now()
            )
        except AlreadyDone:
            await context.show(
                update,
                t("You already asked to join {name}, or you are in it.").format(
                    name=organization.name
                ),
                for_her(t, [[button(t("◀️ Back"), ShowNetwork())]], menu=True),
            )
            return
        await _tell_deciders(context, organization, user.id, user.name if share else None)
        await context.show(
            update,
            t(
                "📨 Your request to join {name} was sent. Its leaders or the office will answer."
            ).format(name=organization.name),
            for_her(t, [[button(t("◀️ Back"), ShowNetwork())]], menu=True),
        )
    elif action == OrgAction.LEAVE:
        await context.show(
            update,
            t("Do you want to leave {name}?").format(name=organization.name),
            yes_no(
                t,
                t("Yes, leave it"),
                OrgButton(OrgAction.LEAVE_CONFIRMED, organization.id),
                ShowNetwork(),
            ),
        )
    elif action == OrgAction.LEAVE_CONFIRMED:
        await organizations.leave(context.session, organization.id, user.id)
        await context.show(
            update,
            t("You left {name}.").format(name=organization.name),
            for_her(t, [[button(t("◀️ Back"), ShowNetwork())]], menu=True),
        )
    else:
        await stale_button(update, context)


async def _tell_deciders(
    context: BotContext, organization: Organization, user_id: int, shared_name: str | None
) -> None:
    """Her request goes to the organisation's leaders (in their language) and to staff."""
    for leader_id in await organizations.leaders_of(context.session, organization.id):
        leader = await users.get_user(context.session, leader_id)
        if leader is None or not leader.active:
            continue
        leader_t = context.bot_data.catalogs.get(leader.locale)
        await context.send(
            leader_id,
            views.join_request_text(leader_t, organization, shared_name),
            views.decide_keyboard(leader_t, organization.id, user_id, staff=False),
        )
    staff_t = context.staff_t
    await tell_staff(
        context,
        views.join_request_text(staff_t, organization, shared_name or f"#{user_id}"),
        views.decide_keyboard(staff_t, organization.id, user_id, staff=True),
    )


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


# ── Joining the record the office kept of her (`/start join_<code>`) ──────────


async def resolve_join_link(context: BotContext, payload: str) -> Landing | None:
    """`join_<code>`: once she has consented and registered herself, she is asked whether
    to join the record a leader or staff kept of her (a woman without a phone)."""
    code = women.code_of_link(payload)
    if code is None:
        return Landing(forged=True)
    woman = await women.find_by_code(context.session, code, context.now())
    if woman is None:
        return Landing(
            note=context.t("That code is not valid any more. Ask the office for a new one.")
        )
    return Landing(show=partial(show_join, code=code))


async def show_join(update: Update, context: BotContext, *, code: str) -> None:
    t = context.t
    woman = await women.find_by_code(context.session, code, context.now())
    if woman is None:
        await context.show(
            update,
            t("That code is not valid any more. Ask the office for a new one."),
            for_her(t, menu=True),
        )
        return
    await context.show(
        update,
        t(
            "The office keeps a record of you in the women's network: {name}, {community}. "
            "Do you want to join it to your account? Your activities will then be yours "
            "here, and you can see or delete your data at any time."
        ).format(name=woman.name, community=woman.community),
        for_her(
            t,
            [
                [button(t("✅ Yes, join it"), JoinRecord("y", code))],
                [button(t("❌ No"), JoinRecord("n", code))],
            ],
        ),
    )


async def on_join_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    t = context.t
    pressed = JOIN_RECORD.decode(update.callback_query.data if update.callback_query else None)
    if pressed is None:
        await refuse_undecoded(update, context, JOIN_RECORD)
        return
    if not pressed.yes:
        await context.show(update, t("Nothing was changed."), for_her(t, menu=True))
        return
    try:
        await women.join_account(context.session, pressed.code, user.id, context.now())
    except NotFound:
        await context.show(
            update,
            t("That code is not valid any more. Ask the office for a new one."),
            for_her(t, menu=True),
        )
        return
    audit.record(
        context.session, actor_id=user.id, action="network_joined_record", now=context.now()
    )
    await context.show(
        update,
        t("✅ Done: the office's record is now joined to your account. Welcome!"),
        for_her(t, menu=True),
    )


def register(app: Routes) -> None:
    open_links(women.JOIN_LINK_PREFIX, resolve_join_link)
    app.add_handler(CallbackQueryHandler(on_join_button, pattern=JOIN_RECORD.pattern()))
    app.add_handler(CallbackQueryHandler(on_button, pattern=NETWORK.pattern()))
    app.add_handler(CallbackQueryHandler(on_organization_button, pattern=ORGANIZATIONS.pattern()))
    app.add_handler(CallbackQueryHandler(on_button, pattern=NETWORK_COMMUNITY.pattern()))
