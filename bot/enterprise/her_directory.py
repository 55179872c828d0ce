"""The directory of women's businesses for her: browse by community and kind (a page
at a time), join with her business (name, products and contact typed; community and
kind with buttons; she sees what will be published before it is), change it, leave.

Typed steps go through the conversation router (STEPS); buttons are `bd…`
(bot.enterprise.callbacks). A community is named by its index in the list shown, so a
button from an old list may show another one, never anything hidden.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core import conversation
from bot.core.authority import refuse_forged, refuse_undecoded
from bot.core.common import StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.errors import InvalidInput, NotFound
from bot.core.keyboards import for_her
from bot.core.routing import Routes
from bot.db.models import ConversationState
from bot.enterprise import service_directory as directory
from bot.enterprise import views_directory as views
from bot.enterprise.callbacks import (
    ALL,
    DIRECTORY,
    BrowseCommunities,
    BrowseCommunity,
    BrowseKind,
    DirectoryButton,
    DirectoryHome,
    JoinCommunity,
    JoinCommunityPage,
    JoinDirectory,
    JoinKind,
    JoinMyCommunity,
    LeaveDirectory,
    LeaveQuestion,
    SaveListing,
    ViewEntry,
)
from bot.people.her_welcome import ensure_registered

NAME, PRODUCTS, CONTACT, CHOICES = "biz_name", "biz_products", "biz_contact", "biz_choices"


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    press = DIRECTORY.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, DIRECTORY)
    elif isinstance(press, DirectoryHome):
        await conversation.clear_state(context.session, context.user.id)
        await _home(update, context)
    elif isinstance(press, BrowseCommunities | BrowseCommunity | BrowseKind | ViewEntry):
        await _browse(update, context, press)
    elif isinstance(press, JoinDirectory):
        await _ask(update, context, NAME, {}, views.name_question(context.t), directory.MAX_NAME)
    elif isinstance(press, LeaveQuestion | LeaveDirectory):
        await _leave(update, context, press)
    else:
        await _choice(update, context, press)


async def _home(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    mine = await directory.find(context.session, context.user.id)
    await context.show(update, views.home_text(t, mine), views.home_keyboard(t, mine))


async def _browse(
    update: Update,
    context: BotContext,
    press: BrowseCommunities | BrowseCommunity | BrowseKind | ViewEntry,
) -> None:
    t = context.t
    found = await directory.communities(context.session)
    if isinstance(press, BrowseCommunities):
        await context.show(
            update,
            views.communities_text(t, found),
            views.communities_keyboard(t, found, press.page or 0),
        )
        return
    if press.community >= len(found):
        await stale_button(update, context)
        return
    community = found[press.community][0]
    if isinstance(press, BrowseCommunity):
        counts = await directory.kinds_in(context.session, community)
        await context.show(
            update, views.kinds_text(t, community), views.kinds_keyboard(t, press.community, counts)
        )
        return
    listings = await directory.browse(
        context.session, community, None if press.kind == ALL else press.kind
    )
    if isinstance(press, BrowseKind):
        await context.show(
            update,
            views.listings_text(t, community, press.kind, len(listings)),
            views.listings_keyboard(t, press.community, press.kind, listings, press.page or 0),
        )
    elif press.index < len(listings):
        await context.show(
            update,
            views.entry_text(t, listings[press.index]),
            views.entry_keyboard(t, press.community, press.kind),
        )
    else:
        await stale_button(update, context)


async def _ask(
    update: Update,
    context: BotContext,
    step: str,
    data: dict[str, object],
    question: str,
    limit: int,
) -> None:
    assert context.user is not None
    await conversation.set_state(context.session, context.user.id, step, data, context.now())
    await context.show(update, question.format(limit=limit), for_her(context.t, menu=True))


async def _typed(
    update: Update, context: BotContext, state: ConversationState, *, field: str, limit: int
) -> dict[str, object] | None:
    """Her answer stored under `field`, or None after a kind hint (and the same step)."""
    assert update.message is not None
    t = context.t
    text = plain_text(update.message, limit)
    if text is None:
        hint = t("Please write it as text, in one message of up to {limit} characters.")
        await context.show(update, hint.format(limit=limit), for_her(t, menu=True))
        return None
    return {**state_data(state), field: text}


async def on_name(update: Update, context: BotContext, state: ConversationState) -> None:
    data = await _typed(update, context, state, field="name", limit=directory.MAX_NAME)
    if data is not None:
        question = views.products_question(context.t)
        await _ask(update, context, PRODUCTS, data, question, directory.MAX_PRODUCTS)


async def on_products(update: Update, context: BotContext, state: ConversationState) -> None:
    data = await _typed(update, context, state, field="products", limit=directory.MAX_PRODUCTS)
    if data is not None:
        question = views.contact_question(context.t)
        await _ask(update, context, CONTACT, data, question, directory.MAX_CONTACT)


async def on_contact(update: Update, context: BotContext, state: ConversationState) -> None:
    data = await _typed(update, context, state, field="contact", limit=directory.MAX_CONTACT)
    if data is not None:
        await _ask_community(update, context, data, 0)


async def _ask_community(
    update: Update, context: BotContext, data: dict[str, object], page: int
) -> None:
    assert context.user is not None
    t = context.t
    await conversation.set_state(context.session, context.user.id, CHOICES, data, context.now())
    await context.show(
        update,
        views.community_question(t),
        views.community_keyboard(
            t, context.settings.office.communities, page, context.user.community
        ),
    )


async def use_the_buttons(update: Update, context: BotContext, state: ConversationState) -> None:
    t = context.t
    await context.show(
        update, t("Please use the buttons above, or go back to the menu."), for_her(t, menu=True)
    )


async def _choice(update: Update, context: BotContext, press: DirectoryButton) -> None:
    assert context.user is not None
    t, user = context.t, context.user
    state = await conversation.get_state(context.session, user.id)
    data = state_data(state)
    if state is None or state.step != CHOICES or not data.get("contact"):
        await stale_button(update, context)
        return
    communities = context.settings.office.communities
    if isinstance(press, JoinMyCommunity) and user.community:
        data = {**data, "community": user.community}
    elif isinstance(press, JoinCommunity) and press.index < len(communities):
        data = {**data, "community": communities[press.index]}
    elif isinstance(press, JoinCommunityPage):
        await _ask_community(update, context, data, press.page)
        return
    elif isinstance(press, JoinKind) and data.get("community"):
        data = {**data, "kind": press.kind.value}
        await conversation.set_state(context.session, user.id, CHOICES, data, context.now())
        await context.show(update, views.confirm_text(t, data), views.confirm_keyboard(t))
        return
    elif isinstance(press, SaveListing) and data.get("kind"):
        await _save(update, context, data)
        return
    else:
        await refuse_forged(update, context, "directory_button")
        return
    await conversation.set_state(context.session, user.id, CHOICES, data, context.now())
    await context.show(update, views.kind_question(t), views.kind_keyboard(t))


async def _save(update: Update, context: BotContext, data: dict[str, object]) -> None:
    assert context.user is not None
    t = context.t
    await conversation.clear_state(context.session, context.user.id)
    try:
        await directory.join(
            context.session,
            user_id=context.user.id,
            name=str(data.get("name", "")),
            products=str(data.get("products", "")),
            community=str(data.get("community", "")),
            kind=str(data.get("kind", "")),
            contact=str(data.get("contact", "")),
            now=context.now(),
        )
    except InvalidInput:
        await refuse_forged(update, context, "directory_button")
        return
    await context.show(update, views.saved_text(t), views.back_keyboard(t))


async def _leave(
    update: Update, context: BotContext, press: LeaveQuestion | LeaveDirectory
) -> None:
    assert context.user is not None
    t = context.t
    if isinstance(press, LeaveQuestion):
        if await directory.find(context.session, context.user.id) is None:
            await _home(update, context)
            return
        await context.show(
            update, t("Remove your business from the directory?"), views.leave_keyboard(t)
        )
        return
    try:
        await directory.leave(context.session, context.user.id)
    except NotFound:
        await _home(update, context)
        return
    await context.show(update, views.left_text(t), views.back_keyboard(t))


STEPS: dict[str, StepHandler] = {
    NAME: on_name,
    PRODUCTS: on_products,
    CONTACT: on_contact,
    CHOICES: use_the_buttons,
}


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=DIRECTORY.pattern()))
