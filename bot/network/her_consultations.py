"""Her side of consultations: answer with a button, change it until it closes, see the
open ones from the network screen; a leader also answers on behalf of women without a
phone she represents (counted apart).

Buttons: `cv:<action>:<consultation id>[:<answer>]` and `cvl` (the list), see
bot.network.callbacks. A button for a consultation she was not asked, an
answer that does not exist, or data that does not decode is refused as forged; a
closed consultation is said to be closed.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core.authority import refuse_forged, refuse_undecoded
from bot.core.context import BotContext
from bot.core.errors import InvalidInput, NotFound
from bot.core.keyboards import for_her
from bot.core.routing import Routes
from bot.db.models import Consultation
from bot.network import service_consultations as consultations
from bot.network import views_consultations as views
from bot.network.callbacks import (
    CONSULTATION_LIST,
    VOTES,
    AnswerButton,
    AnswerOnBehalf,
    OnBehalf,
    OpenConsultation,
    UndoOnBehalf,
)
from bot.people.her_welcome import ensure_registered


def _secret(context: BotContext) -> bytes:
    return consultations.voter_key_secret(context.settings.bot_token)


async def show_list(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None
    t = context.t
    found = await consultations.open_for(context.session, context.user.id, context.now())
    await context.show(update, views.list_text(t, found), views.list_keyboard(t, found))


async def _show_question(update: Update, context: BotContext, consultation: Consultation) -> None:
    assert context.user is not None
    t, user_id = context.t, context.user.id
    chosen = await consultations.her_answer(
        context.session, consultation.id, user_id, _secret(context)
    )
    leader = await consultations.is_leader(context.session, user_id)
    await context.show(
        update,
        views.question_text(t, consultation, chosen),
        views.question_keyboard(t, consultation, chosen, leader=leader),
    )


async def _closed(update: Update, context: BotContext) -> None:
    t = context.t
    await context.answer(views.closed_text(t), alert=True)
    await context.show(update, views.closed_text(t), for_her(t, menu=True))


async def on_vote(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    press = VOTES.decode(update.callback_query.data)
    if press is None:
        await refuse_undecoded(update, context, VOTES)
        return
    t, user_id, now = context.t, context.user.id, context.now()
    consultation = await consultations.find(context.session, press.consultation_id)
    if consultation is None or not await consultations.was_asked(
        context.session, consultation.id, user_id
    ):
        await refuse_forged(update, context, "consultation_vote")
        return
    if not consultations.is_open(consultation, now):
        await _closed(update, context)
        return
    try:
        if isinstance(press, OpenConsultation):
            await _show_question(update, context, consultation)
        elif isinstance(press, AnswerButton):
            answered = await consultations.answer(
                context.session,
                consultation.id,
                user_id,
                press.option,
                secret=_secret(context),
                now=now,
            )
            changed = answered.previous is not None and answered.previous != press.option
            await context.answer(views.answered_note(t, consultation, press.option, changed))
            await _show_question(update, context, consultation)
        elif isinstance(press, OnBehalf):
            if not await consultations.is_leader(context.session, user_id):
                await context.answer(
                    t("Only the network's leaders can answer on behalf of other women."),
                    alert=True,
                )
                return
            entered = await consultations.entered_on_behalf(
                context.session, consultation.id, user_id
            )
            await context.show(
                update,
                views.on_behalf_text(t, consultation),
                views.on_behalf_keyboard(t, consultation, entered),
            )
        elif isinstance(press, AnswerOnBehalf):
            count = await consultations.answer_on_behalf(
                context.session, consultation.id, user_id, press.option, now
            )
            await context.show(
                update,
                views.on_behalf_done(t, consultation.options[press.option], count)
                + "\n\n"
                + views.on_behalf_text(t, consultation),
                views.on_behalf_keyboard(t, consultation, count),
            )
        elif isinstance(press, UndoOnBehalf):
            await _undo_on_behalf(update, context, consultation)
    except consultations.ConsultationClosed:
        await _closed(update, context)
    except consultations.NotALeader:
        await context.answer(
            t("Only the network's leaders can answer on behalf of other women."), alert=True
        )
    except (NotFound, InvalidInput, consultations.NotAsked):
        await refuse_forged(update, context, "consultation_vote")


async def _undo_on_behalf(update: Update, context: BotContext, consultation: Consultation) -> None:
    """Her last answer on behalf of a woman taken back (a press on the wrong answer)."""
    assert context.user is not None
    t = context.t
    undone = await consultations.undo_on_behalf(
        context.session, consultation.id, context.user.id, context.now()
    )
    if undone is None:
        await context.answer(views.nothing_to_undo(t), alert=True)
        return
    await context.show(
        update,
        views.on_behalf_undone(t, consultation.options[undone.option], undone.entered)
        + "\n\n"
        + views.on_behalf_text(t, consultation),
        views.on_behalf_keyboard(t, consultation, undone.entered),
    )


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_vote, pattern=VOTES.pattern()))
    app.add_handler(CallbackQueryHandler(show_list, pattern=CONSULTATION_LIST.pattern()))
