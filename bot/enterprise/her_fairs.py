"""Fairs for her: the coming fairs, one fair with her application's status, applying as
an exhibitor (business name and products typed; a photo or none; stands and sending
with buttons), and withdrawing. A new application is posted to the staff group as a
card with Accept / Decline (bot.enterprise.staff_fairs).

Typed steps go through the conversation router (STEPS). Buttons: `fa…`
(bot.enterprise.callbacks); what does not decode, or names a fair that is gone, is
answered kindly and changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.activities.promotions import tell_promoted
from bot.activities.service_series import Occurrence, occurrence_stamp, parse_occurrence_stamp
from bot.core import conversation
from bot.core.authority import refuse_forged, refuse_undecoded
from bot.core.common import StepHandler, plain_text, state_data
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.keyboards import for_her
from bot.core.routing import Routes
from bot.db.models import ConversationState
from bot.enterprise import service_fairs as fairs
from bot.enterprise import views_fairs as views
from bot.enterprise.callbacks import (
    HER_FAIRS,
    ApplyToFair,
    FairList,
    NoPhoto,
    SendApplication,
    StandsChoice,
    ViewFair,
    Withdraw,
    WithdrawQuestion,
)
from bot.enterprise.her_directory import use_the_buttons
from bot.enterprise.staff_fairs import post_card
from bot.people.her_welcome import ensure_registered

BUSINESS, PRODUCTS, PHOTO, CHOICES = "fair_business", "fair_products", "fair_photo", "fair_choices"


async def _fair(context: BotContext, activity_id: int, stamp: str) -> Occurrence | None:
    key = parse_occurrence_stamp(stamp)
    if key is None:
        return None
    try:
        return await fairs.get_fair(context.session, activity_id, key, context.settings.timezone)
    except NotFound:
        return None


async def _gone(update: Update, context: BotContext) -> None:
    t = context.t
    await context.show(
        update, t("Sorry, that fair is no longer available."), views.after_keyboard(t)
    )


async def show_list(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    found = await fairs.upcoming_fairs(
        context.session, context.now(), context.settings.timezone, context.user.community
    )
    await context.show(update, views.list_text(t, found), views.list_keyboard(t, found))


async def show_fair(update: Update, context: BotContext, fair: Occurrence) -> None:
    assert context.user is not None
    t = context.t
    mine = await fairs.of_her(context.session, fair.activity_id, fair.key, context.user.id)
    begun = fair.starts_at <= context.now()
    await context.show(
        update, views.fair_text(t, fair, mine, begun), views.fair_keyboard(t, fair, mine, begun)
    )


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    press = HER_FAIRS.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, HER_FAIRS)
    elif isinstance(press, FairList):
        await conversation.clear_state(context.session, context.user.id)
        await show_list(update, context)
    elif isinstance(press, ViewFair | ApplyToFair):
        fair = await _fair(context, press.activity_id, press.stamp)
        if fair is None:
            await _gone(update, context)
        elif isinstance(press, ViewFair):
            await show_fair(update, context, fair)
        else:
            await _start(update, context, fair)
    elif isinstance(press, WithdrawQuestion | Withdraw):
        await _withdraw(update, context, press)
    else:
        await _choice(update, context, press)


async def _start(update: Update, context: BotContext, fair: Occurrence) -> None:
    assert context.user is not None
    t = context.t
    mine = await fairs.of_her(context.session, fair.activity_id, fair.key, context.user.id)
    if fair.starts_at <= context.now() or (mine is not None and mine.status in fairs.STANDING):
        await show_fair(update, context, fair)
        return
    data = {"activity_id": fair.activity_id, "stamp": occurrence_stamp(fair.key)}
    await conversation.set_state(context.session, context.user.id, BUSINESS, data, context.now())
    question = views.business_question(t).format(limit=fairs.MAX_BUSINESS)
    await context.show(update, question, for_her(t, menu=True))


async def _typed(
    update: Update, context: BotContext, state: ConversationState, field: str, limit: int
) -> dict[str, object] | None:
    """Her answer added to the application as `field`; None after a kind hint."""
    assert update.message is not None
    t = context.t
    text = plain_text(update.message, limit)
    if text is None:
        hint = t("Please write it as text, in one message of up to {limit} characters.")
        await context.show(update, hint.format(limit=limit), for_her(t, menu=True))
        return None
    return {**state_data(state), field: text}


async def on_business(update: Update, context: BotContext, state: ConversationState) -> None:
    assert context.user is not None
    data = await _typed(update, context, state, "business_name", fairs.MAX_BUSINESS)
    if data is None:
        return
    await conversation.set_state(context.session, context.user.id, PRODUCTS, data, context.now())
    question = views.products_question(context.t).format(limit=fairs.MAX_PRODUCTS)
    await context.show(update, question, for_her(context.t, menu=True))


async def on_products(update: Update, context: BotContext, state: ConversationState) -> None:
    assert context.user is not None
    t = context.t
    data = await _typed(update, context, state, "products", fairs.MAX_PRODUCTS)
    if data is None:
        return
    await conversation.set_state(context.session, context.user.id, PHOTO, data, context.now())
    await context.show(
        update,
        t("📷 Send a photo of your products (one photo), or continue without one."),
        views.photo_question(t),
    )


async def on_photo(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and context.user is not None
    t = context.t
    if not update.message.photo:
        await context.show(
            update,
            t(
                "That is not a photo. Please send one photo of your products, or continue without one."
            ),
            views.photo_question(t),
        )
        return
    data = {**state_data(state), "photo": update.message.photo[-1].file_id}
    await _ask_stands(update, context, data)


async def _ask_stands(update: Update, context: BotContext, data: dict[str, object]) -> None:
    assert context.user is not None
    t = context.t
    await conversation.set_state(context.session, context.user.id, CHOICES, data, context.now())
    await context.show(update, views.stands_question(t), views.stands_keyboard(t))


async def _choice(
    update: Update, context: BotContext, press: NoPhoto | StandsChoice | SendApplication
) -> None:
    assert context.user is not None
    t, user = context.t, context.user
    state = await conversation.get_state(context.session, user.id)
    data = state_data(state)
    step = state.step if state is not None else None
    if isinstance(press, NoPhoto) and step == PHOTO:
        await _ask_stands(update, context, {**data, "photo": None})
        return
    if step != CHOICES:
        await refuse_forged(update, context, "fair_button")
        return
    fair = await _fair(context, int(data.get("activity_id") or 0), str(data.get("stamp") or ""))
    if fair is None:
        await conversation.clear_state(context.session, user.id)
        await _gone(update, context)
        return
    if isinstance(press, StandsChoice) and 1 <= press.stands <= fairs.MAX_STANDS:
        data = {**data, "stands": press.stands}
        await conversation.set_state(context.session, user.id, CHOICES, data, context.now())
        await context.show(
            update, views.confirm_text(t, fair.details.title, data), views.confirm_keyboard(t)
        )
    elif isinstance(press, SendApplication) and data.get("stands"):
        await _send(update, context, fair, data)
    else:
        await refuse_forged(update, context, "fair_button")


async def _send(
    update: Update, context: BotContext, fair: Occurrence, data: dict[str, object]
) -> None:
    assert context.user is not None
    t, user = context.t, context.user
    try:
        application = await fairs.apply(
            context.session,
            activity_id=fair.activity_id,
            occurrence_start=fair.key,
            user_id=user.id,
            business_name=str(data.get("business_name", "")),
            products=str(data.get("products", "")),
            photo_file_id=str(data["photo"]) if data.get("photo") else None,
            stands=int(str(data.get("stands", 1))),
            now=context.now(),
            tz=context.settings.timezone,
        )
    except AlreadyDone:
        await conversation.clear_state(context.session, user.id)
        await show_fair(update, context, fair)
        return
    except InvalidInput:
        await conversation.clear_state(context.session, user.id)
        await context.show(
            update,
            t("Sorry, this application can no longer be sent (the fair may have begun)."),
            views.after_keyboard(t),
        )
        return
    await conversation.clear_state(context.session, user.id)
    await context.show(update, views.sent_text(t), views.after_keyboard(t))
    await post_card(context, application, user, fair)


async def _withdraw(
    update: Update, context: BotContext, press: WithdrawQuestion | Withdraw
) -> None:
    assert context.user is not None
    t = context.t
    application = await fairs.find(context.session, press.application_id)
    if application is None or application.user_id != context.user.id:
        await refuse_forged(update, context, "fair_application")
        return
    if application.status not in fairs.STANDING:
        await context.show(
            update, t(views.STATUS_FOR_HER[application.status]), views.after_keyboard(t)
        )
        return
    if isinstance(press, WithdrawQuestion):
        await context.show(
            update,
            t("Withdraw your application to exhibit at this fair?"),
            views.withdraw_question(t, application),
        )
        return
    promotion = await fairs.withdraw(
        context.session, application.id, context.user.id, context.now()
    )
    await context.show(
        update,
        t("Your application was withdrawn. Thank you for letting us know."),
        views.after_keyboard(t),
    )
    if promotion is not None:
        await tell_promoted(context, promotion)


STEPS: dict[str, StepHandler] = {
    BUSINESS: on_business,
    PRODUCTS: on_products,
    PHOTO: on_photo,
    CHOICES: use_the_buttons,
}


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=HER_FAIRS.pattern()))
