"""Her people, language community and disability: asked after the age group at registration,
once (gently, skippable) of women registered before, and shown, changed or deleted from
"my data". Every question has "prefer not to say"; everything is buttons.

Buttons: id:p:<people>, id:l:<index|spanish|other|undisclosed>, id:d:<yes|no|undisclosed>,
id:skip (not now), id:edit (from my data), id:del (delete these answers).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.core.common import stale_button
from bot.core.context import BotContext
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.core.routing import Routes
from bot.people import identity
from bot.people.callbacks import (
    IDENTITY,
    DeleteIdentity,
    DisabilityButton,
    EditIdentity,
    LanguageButton,
    PeopleButton,
    SkipIdentity,
)
from bot.people.views import main_menu


def people_keyboard(
    t: Translator, press: type[PeopleButton] = PeopleButton
) -> InlineKeyboardMarkup:
    """Her people (`press`: the kind answering, hers by default)."""
    keys = [k for k in identity.PEOPLES if k != identity.UNDISCLOSED]
    rows = [[button(t(identity.PEOPLES[k]), press(k))] for k in keys]
    rows.append([button("🤐 " + t("I prefer not to say"), press(identity.UNDISCLOSED))])
    return for_her(t, rows)


def language_keyboard(
    t: Translator, communities: tuple[str, ...], press: type[LanguageButton] = LanguageButton
) -> InlineKeyboardMarkup:
    """Her language community (`press`: the kind answering, hers by default)."""
    rows = [[button(name, press(str(index)))] for index, name in enumerate(communities)]
    for fixed in (identity.SPANISH, identity.OTHER_LANGUAGE):
        rows.append([button(t(identity.FIXED_LANGUAGES[fixed]), press(fixed))])
    rows.append([button("🤐 " + t("I prefer not to say"), press(identity.UNDISCLOSED))])
    return for_her(t, rows)


def disability_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("Yes"), DisabilityButton("yes")), button(t("No"), DisabilityButton("no"))],
            [button("🤐 " + t("I prefer not to say"), DisabilityButton(identity.UNDISCLOSED))],
        ],
    )


def people_question(t: Translator) -> str:
    return t(
        "To count fairly whom the office serves (the law asks for it): which people do you "
        "belong to? You may prefer not to say."
    )


async def ask_people(update: Update, context: BotContext, *, gentle: bool = False) -> None:
    """The first question; `gentle`: to a woman registered before, as a new message below
    her menu, with "Not now"."""
    user = context.user
    assert user is not None
    user.identity_asked_at = user.identity_asked_at or context.now()
    t = context.t
    text = people_question(t)
    markup = people_keyboard(t)
    if gentle:
        text = t("One question we did not ask you before.") + "\n" + text
        rows = [list(r) for r in markup.inline_keyboard]
        markup = InlineKeyboardMarkup(
            [*rows[:-1], [button(t("⏭️ Not now"), SkipIdentity())], rows[-1]]
        )
        chat = update.effective_chat
        assert chat is not None
        await context.send(chat.id, text, markup)
        return
    await context.show(update, text, markup)


async def maybe_ask(update: Update, context: BotContext) -> bool:
    """A woman registered before these questions existed is asked once; True if asked."""
    user = context.user
    if user is None or user.registered_at is None or user.identity_asked_at is not None:
        return False
    await ask_people(update, context, gentle=True)
    return True


async def _next(update: Update, context: BotContext) -> None:
    from bot.people import her_welcome as start  # the registration this continues

    user = context.user
    assert user is not None
    if user.registered_at is None:
        await start.ask_phone(update, context)
        return
    t = context.t
    await context.show(update, t("✅ Saved, thank you. What do you need? 👇"), main_menu(t))


async def on_button(update: Update, context: BotContext) -> None:
    user = context.user
    if user is None:
        await stale_button(update, context)
        return
    t = context.t
    press = IDENTITY.decode(update.callback_query.data if update.callback_query else None)
    communities = context.settings.office.language_communities
    if isinstance(press, PeopleButton):
        user.people = press.people
        user.identity_asked_at = user.identity_asked_at or context.now()
        await context.show(
            update,
            t("Which language community do you belong to?"),
            language_keyboard(t, communities),
        )
    elif isinstance(press, LanguageButton) and (
        press.index is None or press.index < len(communities)
    ):
        user.language = communities[press.index] if press.index is not None else press.value
        await context.show(update, t("Do you live with a disability?"), disability_keyboard(t))
    elif isinstance(press, DisabilityButton):
        user.disability = press.value
        await _next(update, context)
    elif isinstance(press, SkipIdentity):
        user.identity_asked_at = user.identity_asked_at or context.now()
        await _next(update, context)
    elif isinstance(press, EditIdentity):
        await ask_people(update, context)
    elif isinstance(press, DeleteIdentity):
        user.people = user.language = user.disability = None
        user.identity_asked_at = user.identity_asked_at or context.now()
        await _next(update, context)
    else:
        await stale_button(update, context)


def data_lines(
    t: Translator, people: str | None, language: str | None, disability: str | None
) -> list[str]:
    """Her answers as "my data" shows them."""
    return [
        t("People: {value}").format(value=identity.people_label(t, people)),
        t("Language community: {value}").format(value=identity.language_label(t, language)),
        t("Disability: {value}").format(value=identity.disability_label(t, disability)),
    ]


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=IDENTITY.pattern()))
