"""Her way into the women's economy: fairs, the directory of women's businesses and the
entrepreneurship school (`en`, from the main menu)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.core import conversation
from bot.core.authority import refuse_undecoded
from bot.core.context import BotContext
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.core.routing import Routes
from bot.enterprise.callbacks import ENTERPRISE, DirectoryHome, FairList, SchoolHome
from bot.people.her_welcome import ensure_registered


def home_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🧺 Fairs: apply for a stand"), FairList())],
            [button(t("🏪 Women's businesses"), DirectoryHome())],
            [button(t("🎓 Entrepreneurship school"), SchoolHome())],
        ],
        menu=True,
    )


async def show_home(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None and update.callback_query is not None
    if ENTERPRISE.decode(update.callback_query.data) is None:
        await refuse_undecoded(update, context, ENTERPRISE)
        return
    t = context.t
    await conversation.clear_state(context.session, context.user.id)
    await context.show(
        update,
        t("💼 Women's economy: sell at the fairs, make your business known, learn at the school."),
        home_keyboard(t),
    )


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(show_home, pattern=ENTERPRISE.pattern()))
