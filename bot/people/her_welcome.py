"""Welcome, privacy notice and consent, short registration, the main menu, office contacts,
and deep links (`/start <payload>`), which lead her where they point once she is registered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Contact, ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core import callbacks, conversation, users
from bot.core.authority import audit_refusal
from bot.core.callbacks import MENU, ChoiceAction
from bot.core.common import Handler, StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.keyboards import button, for_her, paged_choices
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.core.users import MAX_COMMUNITY_LENGTH, MAX_NAME_LENGTH
from bot.db.models import ConversationState
from bot.people.callbacks import (
    COMMUNITY,
    CONSENT,
    OFFICE,
    REGISTRATION,
    AgeGroupButton,
    CommunityChoice,
    ConsentChoice,
    UseTelegramName,
)
from bot.people.views import age_groups as age_keyboard
from bot.people.views import consent, main_menu, share_phone

# ── Deep links ─────────────────────────────────────────────────────────────────
# `/start <payload>` from a link or a poster's QR code. A feature claims the payloads
# that start with its prefix (activities: `act_`), so this module need not know it.
# Before consent nothing is stored: the payload rides in the consent buttons' callback
# data, then in her registration state (`LINK`), and she lands on it when registered.
LINK = "link"


@dataclass(frozen=True)
class Landing:
    """Where a deep link leads: a screen to show, or a note that it is gone.

    `forged`: the link claims to name a record but its id is not one (recorded at /start).
    """

    show: Handler | None = None
    note: str | None = None
    forged: bool = False


LinkResolver = Callable[[BotContext, str], Awaitable[Landing | None]]
_RESOLVERS: dict[str, LinkResolver] = {}


def open_links(prefix: str, resolver: LinkResolver) -> None:
    """Let `resolver` decide where payloads starting with `prefix` lead (None: nowhere)."""
    _RESOLVERS[prefix] = resolver


async def resolve_link(context: BotContext, payload: str | None) -> Landing | None:
    if payload is None or not callbacks.LINK_SHAPE.fullmatch(payload):
        return None
    for prefix, resolver in _RESOLVERS.items():
        if payload.startswith(prefix):
            return await resolver(context, payload)
    return None


def _with_note(note: str | None, text: str) -> str:
    return f"{note}\n\n{text}" if note else text


def welcome_text(context: BotContext) -> str:
    t, office = context.t, context.settings.office
    return t(
        "Hello 👋 This is the {office}.\n\n"
        "🔒 Before we start: to help you, the office keeps your name, your community, "
        "your age group and what you tell us. Only the office staff see it, and we never "
        "share it without your permission. You can see or delete your data at any time.\n\n"
        "The «🚪 Quick exit» button erases this conversation from your phone.\n\n"
        "Do you agree?"
    ).format(office=office.name)


def office_contacts_text(context: BotContext) -> str:
    t, office = context.t, context.settings.office
    lines = [f"🏛️ {office.name}", f"📍 {office.address(t.locale)}", f"🕗 {office.hours(t.locale)}"]
    if office.phone:
        lines.append(f"📞 {office.phone}")
    lines += ["", t("If you are in danger, call:")]
    lines += [f"🚨 {c.label(t.locale)}: {c.number}" for c in office.emergency_contacts]
    return "\n".join(lines)


async def show_welcome(
    update: Update, context: BotContext, *, link: str | None = None, note: str | None = None
) -> None:
    await context.show(
        update, _with_note(note, welcome_text(context)), consent(context.t, context.bot_data.catalogs.offered, link=link)
    )


async def show_menu(update: Update, context: BotContext, *, text: str | None = None) -> None:
    from bot.people import her_identity

    t = context.t
    await context.show(update, text or t("What do you need? Choose an option 👇"), main_menu(t))
    await her_identity.maybe_ask(update, context)  # once, below the menu, to women registered before


async def ensure_registered(update: Update, context: BotContext) -> bool:
    """True when she can use the menu; otherwise take her to consent or registration."""
    user = context.user
    if user is None:
        await show_welcome(update, context)
        return False
    if user.registered_at is None:
        await ask_name(update, context)
        return False
    return True


async def start(update: Update, context: BotContext) -> None:
    """/start: welcome or menu; from a deep link, where it leads (kept until she is registered)."""
    payload = context.args[0] if context.args else None
    landing = await resolve_link(context, payload)
    if landing is not None and landing.forged:
        audit_refusal(update, context, "link", record=f"link:{payload}")
    link = payload if landing is not None and landing.show is not None else None
    note = landing.note if landing is not None else None
    user = context.user
    if user is None:
        await show_welcome(update, context, link=link, note=note)
        return
    if user.registered_at is None:
        await ask_name(update, context, link=link, note=note)
        return
    await conversation.clear_state(context.session, user.id)
    if landing is not None and landing.show is not None:
        await landing.show(update, context)
        return
    greeting = context.t("Hello, {name} 🌸 What do you need?").format(name=user.name)
    await show_menu(update, context, text=_with_note(note, greeting))


async def menu(update: Update, context: BotContext) -> None:
    """/menu and the 🏠 button: back to the main menu, leaving any half-done step."""
    if await ensure_registered(update, context):
        assert context.user is not None
        await conversation.clear_state(context.session, context.user.id)
        await show_menu(update, context)


async def office_contacts(update: Update, context: BotContext) -> None:
    await context.show(
        update, office_contacts_text(context), for_her(context.t, menu=context.user is not None)
    )


async def on_consent(update: Update, context: BotContext) -> None:
    press = CONSENT.decode(update.callback_query.data if update.callback_query else None)
    person = update.effective_user
    assert person is not None
    if press is None:
        await stale_button(update, context)
        return
    link = press.carried_link
    # The language she picked on the welcome screen (not stored before consent).
    context.scope.locale = press.locale
    choice = press.choice
    if choice == ConsentChoice.NO:
        t = context.t
        text = (
            t(
                "That is fine: we do not keep any of your data.\n\n"
                "You can still contact the office or call for help:"
            )
            + "\n\n"
            + office_contacts_text(context)
            + "\n\n"
            + t("If you change your mind, tap «I agree».")
        )
        await context.show(update, text, consent(t, context.bot_data.catalogs.offered, link=link))
        return
    if context.user is None:
        context.scope.user = await users.give_consent(
            context.session, person.id, context.scope.locale, context.now()
        )
    await ask_name(update, context, link=link)


async def _registration_step(context: BotContext, step: str, link: str | None = None) -> None:
    """Move her to a registration step, keeping the deep link she came with (if any)."""
    user = context.user
    assert user is not None
    if link is None:
        link = state_data(await conversation.get_state(context.session, user.id)).get(LINK)
    data = {LINK: link} if link else {}
    await conversation.set_state(context.session, user.id, step, data, context.now())


async def ask_name(
    update: Update, context: BotContext, *, link: str | None = None, note: str | None = None
) -> None:
    user, person = context.user, update.effective_user
    assert user is not None and person is not None
    t = context.t
    await _registration_step(context, Step.REG_NAME, link)
    telegram_name = person.first_name[:MAX_NAME_LENGTH]
    await context.show(
        update,
        _with_note(
            note,
            t(
                "Thank you 🌸 What is your name?\n\nIn Telegram you are «{name}». Use it, or type the name you want us to use."
            ).format(name=telegram_name),
        ),
        for_her(t, [[button(t("✅ Use «{name}»").format(name=telegram_name[:20]), UseTelegramName())]]),
    )


async def ask_community(update: Update, context: BotContext, page: int = 0) -> None:
    user = context.user
    assert user is not None
    t = context.t
    await _registration_step(context, Step.REG_COMMUNITY)
    await context.show(
        update,
        t("Which community do you live in?"),
        paged_choices(t, context.settings.office.communities, page, choice=CommunityChoice),
    )


async def ask_age(update: Update, context: BotContext) -> None:
    assert context.user is not None
    await _registration_step(context, Step.REG_AGE)
    await context.show(update, context.t("How old are you?"), age_keyboard(context.t))


async def ask_phone(update: Update, context: BotContext) -> None:
    assert context.user is not None and update.effective_chat is not None
    await _registration_step(context, Step.REG_PHONE)
    t = context.t
    await context.send(
        update.effective_chat.id,
        t(
            "Last question (optional): do you want to share your phone number, so the office "
            "can call you? Use the button below, or tap «Skip»."
        ),
        share_phone(t),
    )


async def finish_registration(update: Update, context: BotContext) -> None:
    user = context.user
    assert user is not None and update.effective_chat is not None
    t = context.t
    link = state_data(await conversation.get_state(context.session, user.id)).get(LINK)
    users.finish_registration(user, context.now())
    await conversation.clear_state(context.session, user.id)
    await context.send(
        update.effective_chat.id,
        t("✅ Thank you, {name}. You are registered.").format(name=user.name),
        ReplyKeyboardRemove(),
    )
    # She came from a link (a poster): take her there now, instead of the plain menu.
    landing = await resolve_link(context, link if isinstance(link, str) else None)
    if landing is not None and landing.show is not None:
        await landing.show(update, context)
        return
    await context.send(
        update.effective_chat.id,
        _with_note(
            landing.note if landing is not None else None,
            t("What do you need? Choose an option 👇"),
        ),
        main_menu(t),
    )


async def on_registration_button(update: Update, context: BotContext) -> None:
    """Buttons of the registration steps: r:name, r:age:<group>, rc:pick|page|other."""
    user, person = context.user, update.effective_user
    if user is None or person is None:
        await show_welcome(update, context)
        return
    data = update.callback_query.data if update.callback_query else None
    press = REGISTRATION.decode(data) or COMMUNITY.decode(data)
    state = await conversation.get_state(context.session, user.id)
    step = state.step if state else None
    if isinstance(press, UseTelegramName) and step == Step.REG_NAME:
        users.update_profile(user, name=person.first_name)
        await ask_community(update, context)
    elif isinstance(press, AgeGroupButton) and step == Step.REG_AGE:
        users.update_profile(user, age_group=press.group)
        from bot.people import her_identity  # people, language, disability (issue 11)

        await her_identity.ask_people(update, context)
    elif isinstance(press, CommunityChoice) and step in (
        Step.REG_COMMUNITY,
        Step.REG_COMMUNITY_OTHER,
    ):
        await on_community_button(update, context, press)
    else:
        await stale_button(update, context)


async def on_community_button(
    update: Update, context: BotContext, press: CommunityChoice
) -> None:
    user = context.user
    assert user is not None
    communities = context.settings.office.communities
    action, index = press.action, press.number
    if action == ChoiceAction.PAGE and index is not None:
        await ask_community(update, context, page=index)
    elif action == ChoiceAction.PICK and index is not None and 0 <= index < len(communities):
        users.update_profile(user, community=communities[index])
        await ask_age(update, context)
    elif action == ChoiceAction.OTHER:
        await _registration_step(context, Step.REG_COMMUNITY_OTHER)
        await context.show(
            update, context.t("Please type the name of your community."), for_her(context.t)
        )
    else:
        await stale_button(update, context)


async def on_name_typed(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and context.user is not None
    name = plain_text(update.message, MAX_NAME_LENGTH)
    if name is None:
        await _hint(
            update,
            context,
            context.t("Please type your name in one short message (up to 64 letters)."),
        )
        return
    users.update_profile(context.user, name=name)
    await ask_community(update, context)


async def on_community_typed(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and context.user is not None
    community = plain_text(update.message, MAX_COMMUNITY_LENGTH)
    if community is None:
        await _hint(
            update,
            context,
            context.t("Please type the name of your community in one short message."),
        )
        return
    users.update_profile(context.user, community=community)
    await ask_age(update, context)


async def on_phone_message(update: Update, context: BotContext, state: ConversationState) -> None:
    message, user = update.message, context.user
    assert message is not None and user is not None
    t = context.t
    contact: Contact | None = message.contact
    if contact is not None:
        if contact.user_id != user.id:
            await _hint(
                update,
                context,
                t("Please share your own number with the «📱 Share my number» button."),
            )
            return
        users.update_profile(user, phone=contact.phone_number)
        await finish_registration(update, context)
    elif message.text and message.text.strip() in {t("Skip"), "Skip", "Omitir"}:
        await finish_registration(update, context)
    else:
        assert update.effective_chat is not None
        await context.send(
            update.effective_chat.id,
            t("Use the «📱 Share my number» button, or tap «Skip»."),
            share_phone(t),
        )


async def on_registration_pending(
    update: Update, context: BotContext, state: ConversationState
) -> None:
    """Text while a button is expected: repeat the question."""
    step = state.step
    if step == Step.REG_COMMUNITY:
        data = state_data(state)
        await ask_community(update, context, page=int(data.get("page", 0)))
    else:
        await ask_age(update, context)


async def _hint(update: Update, context: BotContext, text: str) -> None:
    assert update.effective_chat is not None
    await context.send(update.effective_chat.id, text, for_her(context.t))


STEPS: dict[str, StepHandler] = {
    Step.REG_NAME: on_name_typed,
    Step.REG_COMMUNITY: on_registration_pending,
    Step.REG_COMMUNITY_OTHER: on_community_typed,
    Step.REG_AGE: on_registration_pending,
    Step.REG_PHONE: on_phone_message,
}


def register(app: Routes) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", start, filters=private))
    app.add_handler(CommandHandler(["menu", "inicio"], menu, filters=private))
    app.add_handler(CallbackQueryHandler(on_consent, pattern=CONSENT.pattern()))
    for codec in (REGISTRATION, COMMUNITY):
        app.add_handler(CallbackQueryHandler(on_registration_button, pattern=codec.pattern()))
    app.add_handler(CallbackQueryHandler(menu, pattern=MENU.pattern()))
    app.add_handler(CallbackQueryHandler(office_contacts, pattern=OFFICE.pattern()))
