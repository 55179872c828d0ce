"""Activities for her: the list, one date, I will come / I can't, her sign-ups, what she
hears about, and the deep links of posters (`/start act_…`, opened through start.py).

Callback data: bot.activities.callbacks (texts and keyboards in bot/activities/views.py).
A button naming something that never existed changes nothing (`stale_button`); a date
that was cancelled or has begun is said kindly.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from functools import partial

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.activities import service_club as club
from bot.activities import service_her as her_activities
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import service_subscriptions as activity_subscriptions
from bot.activities import views, views_club
from bot.activities.callbacks import (
    HER_ACTIVITIES,
    ActivityList,
    CannotCome,
    KindFilter,
    MyActivities,
    Subscriptions,
    ToggleSubscription,
    ViewDate,
    WillCome,
)
from bot.activities.promotions import tell_promoted
from bot.activities.service_her import Standing
from bot.activities.service_series import Occurrence
from bot.core.authority import refuse_undecoded
from bot.core.common import stale_button
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.routing import Routes
from bot.people.her_welcome import Landing, ensure_registered, open_links

LINK_PREFIX = "act_"


# ── Showing ────────────────────────────────────────────────────────────────────


def _pressed_photo(update: Update) -> bool:
    query = update.callback_query
    return query is not None and isinstance(query.message, Message) and bool(query.message.photo)


async def _show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Edit the pressed message in place; under a photo (which cannot become text), send."""
    if _pressed_photo(update):
        assert update.effective_chat is not None
        await context.send(update.effective_chat.id, text, markup)
    else:
        await context.show(update, text, markup)


async def show_date(
    update: Update, context: BotContext, occurrence: Occurrence, note: str | None = None
) -> None:
    """One date: what, when, where, places left, her status, and the buttons to answer."""
    assert context.user is not None
    t = context.t
    standing = await her_activities.standing(
        context.session, occurrence.activity_id, occurrence.key, context.user.id
    )
    facts = views.DateFacts(
        places_left=await her_activities.places_left(context.session, occurrence),
        standing=standing,
        begun=occurrence.starts_at <= context.now(),
    )
    extra = []
    if occurrence.details.kind == club.CLUB:
        follow = await club.follow_of(context.session, context.user.id)
        following = follow is not None and follow.due_date is not None
        extra = views_club.club_rows(t, following=following)
    markup = views.date_keyboard(t, occurrence, facts, extra)
    prefix = f"{note}\n\n" if note else ""
    photo = occurrence.details.photo_file_id
    if photo:
        caption = prefix + views.card(t, occurrence, facts, views.CAPTION_LIMIT - len(prefix))
        chat = update.effective_chat
        assert chat is not None
        # The card alone if Telegram no longer has the poster photo.
        await context.send_or(
            lambda: context.bot.send_photo(
                chat.id, photo=photo, caption=caption, reply_markup=markup
            ),
            lambda: _show(update, context, prefix + views.card(t, occurrence, facts), markup),
        )
        return
    await _show(update, context, prefix + views.card(t, occurrence, facts), markup)


async def show_list(update: Update, context: BotContext, kind: str, page: int) -> None:
    user = context.user
    assert user is not None
    t = context.t
    everything = await activities.upcoming(
        context.session, context.now(), context.settings.timezone, community=user.community
    )
    dates = everything if kind == views.ALL else [o for o in everything if o.details.kind == kind]
    marks = await her_activities.statuses(context.session, user.id, dates)
    keyboard = views.list_keyboard(
        t, dates, marks, kind=kind, page=page, kinds={o.details.kind for o in everything}
    )
    await _show(update, context, views.list_text(t, kind, len(dates)), keyboard)


async def show_mine(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    dates = await her_activities.upcoming_for_her(
        context.session, context.user.id, context.now(), context.settings.timezone
    )
    follow = await club.follow_of(context.session, context.user.id)
    extra = views_club.club_rows(t, following=True) if follow is not None else []
    await _show(update, context, views.mine_text(t, dates), views.mine_keyboard(t, dates, extra))


async def show_subscriptions(update: Update, context: BotContext) -> None:
    assert context.user is not None
    chosen = await activity_subscriptions.subscriptions(context.session, context.user.id)
    t = context.t
    await _show(
        update, context, views.subscriptions_text(t), views.subscriptions_keyboard(t, chosen)
    )


async def toggle_subscription(update: Update, context: BotContext, kind: str) -> None:
    assert context.user is not None
    chosen = set(await activity_subscriptions.subscriptions(context.session, context.user.id))
    chosen ^= {kind}
    await activity_subscriptions.set_subscriptions(context.session, context.user.id, chosen)
    await show_subscriptions(update, context)


async def _gone(update: Update, context: BotContext) -> None:
    """The date was cancelled or moved: say so, and offer the list."""
    t = context.t
    await _show(
        update,
        context,
        t("Sorry, that date is no longer available. Here are the other activities:"),
        views.after_keyboard(t),
    )


# ── Answering ──────────────────────────────────────────────────────────────────


async def will_come(update: Update, context: BotContext, activity_id: int, key: datetime) -> None:
    user = context.user
    assert user is not None
    t = context.t
    tz = context.settings.timezone
    try:
        occurrence = await activities.get_occurrence(context.session, activity_id, key, tz)
        status = await signups.sign_up(
            context.session, activity_id, key, user.id, context.now(), tz=tz
        )
    except NotFound:
        await _gone(update, context)
        return
    except AlreadyDone:
        await show_date(update, context, occurrence, note=t("You had already answered 🌸"))
        return
    except InvalidInput:
        await _show(update, context, t("This activity has already begun."), views.after_keyboard(t))
        return
    standing = await her_activities.standing(context.session, activity_id, key, user.id)
    await _show(
        update,
        context,
        views.signed_up_text(t, occurrence, standing or Standing(status)),
        views.after_keyboard(t, occurrence, can_cancel=True),
    )


async def cannot_come(update: Update, context: BotContext, activity_id: int, key: datetime) -> None:
    """She can't come: free her place (the next on the waiting list gets it and is told)."""
    user = context.user
    assert user is not None
    t = context.t
    tz = context.settings.timezone
    mine = await her_activities.standing(context.session, activity_id, key, user.id)
    try:
        occurrence: Occurrence | None = await activities.get_occurrence(
            context.session, activity_id, key, tz
        )
    except NotFound:
        occurrence = None
    if mine is None and occurrence is None:
        await stale_button(update, context)
        return
    begun = occurrence is not None and occurrence.starts_at <= context.now()
    promoted = None
    if mine is not None and not begun:
        # AlreadyDone/NotFound: she answered twice at once; she is not going either way.
        with suppress(AlreadyDone, NotFound):
            promoted = await signups.cancel_signup(
                context.session, activity_id, key, user.id, context.now()
            )
        text = t("Thank you for letting us know. Your place is free for someone else. 🌸")
    else:
        text = t("Thank you for letting us know. 🌸")
    await _show(update, context, text, views.after_keyboard(t))
    if promoted is not None:
        await tell_promoted(context, signups.Promotion(promoted, activity_id, key))


# ── Deep links ─────────────────────────────────────────────────────────────────


async def resolve_link(context: BotContext, payload: str) -> Landing | None:
    """`act_<id>` opens the activity's next date, `act_<id>_<stamp>` that date; a payload
    starting `act_` that names no activity the database could hold is forged."""
    try:
        activity_id, start = activities.parse_deep_link(payload)
    except InvalidInput:
        # It says `act_` but names no activity the database could hold: forged. She
        # gets the ordinary welcome or menu, as for a link that leads nowhere.
        return Landing(forged=True)
    tz, now = context.settings.timezone, context.now()
    occurrence: Occurrence | None
    if start is None:
        occurrence = await her_activities.next_date(context.session, activity_id, now, tz)
    else:
        try:
            occurrence = await activities.get_occurrence(context.session, activity_id, start, tz)
        except NotFound:
            occurrence = None
    if occurrence is None or occurrence.starts_at <= now:
        return Landing(note=context.t("That activity is no longer available."))
    return Landing(show=partial(show_date, occurrence=occurrence))


# ── Routing ────────────────────────────────────────────────────────────────────


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    press = HER_ACTIVITIES.decode(update.callback_query.data if update.callback_query else None)
    if isinstance(press, ActivityList):
        await show_list(update, context, views.ALL, 0)
    elif isinstance(press, KindFilter):
        await show_list(update, context, press.kind, press.page or 0)
    elif isinstance(press, ViewDate | WillCome | CannotCome):
        await on_date_button(update, context, press)
    elif isinstance(press, MyActivities):
        await show_mine(update, context)
    elif isinstance(press, Subscriptions):
        await show_subscriptions(update, context)
    elif isinstance(press, ToggleSubscription):
        await toggle_subscription(update, context, press.kind)
    else:
        await refuse_undecoded(update, context, HER_ACTIVITIES)


async def on_date_button(
    update: Update, context: BotContext, press: ViewDate | WillCome | CannotCome
) -> None:
    activity_id, key = press.activity_id, press.key
    if not await her_activities.series_exists(context.session, activity_id):
        await stale_button(update, context)
        return
    if isinstance(press, WillCome):
        await will_come(update, context, activity_id, key)
    elif isinstance(press, CannotCome):
        await cannot_come(update, context, activity_id, key)
    else:
        try:
            occurrence = await activities.get_occurrence(
                context.session, activity_id, key, context.settings.timezone
            )
        except NotFound:
            await _gone(update, context)
            return
        await show_date(update, context, occurrence)


def register(app: Routes) -> None:
    open_links(LINK_PREFIX, resolve_link)
    app.add_handler(CallbackQueryHandler(on_button, pattern=HER_ACTIVITIES.pattern()))
