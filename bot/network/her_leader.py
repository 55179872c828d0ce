"""A leader's menu in her private chat (only for women staff named leaders).

`ol`: her organisations and the women without a phone she represents. Per
organisation: its members (only what each agreed to share), requests to join (accept or
decline), the coming activities for its community, and a request to announce to her
members (typed, then sent to staff for approval). Per woman without a phone: sign her
up to a date, record that she came, or ask the office to visit or call her (no topic:
nothing sensitive goes through a leader). `oln:…`: registering such a woman, with her
oral consent. Every step checks again that she leads the organisation, or is the
woman's contact.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.activities import service as activities
from bot.core import audit, callbacks, conversation
from bot.core.authority import refuse_forged
from bot.core.common import StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, DomainError, InvalidInput, NotAllowed, NotFound
from bot.core.ids import parse_person_id, parse_small_number
from bot.core.keyboards import age_groups, button, for_her, paged_choices
from bot.core.labels import AGE_GROUPS
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.db.models import ConversationState, NetworkWoman, Organization, SignupStatus
from bot.network import service as organizations
from bot.network import service_women as women
from bot.network import views
from bot.network.callbacks import LeaderAction, LeaderButton, NewWomanButton
from bot.network.notices import tell_decision
from bot.network.views import data_button
from bot.people import identity
from bot.people.her_identity import language_keyboard, people_keyboard
from bot.people.her_welcome import ensure_registered

MAX_ANNOUNCEMENT_LENGTH = 3500
OrganizationStep = Callable[[Update, BotContext, Organization, LeaderButton], Awaitable[None]]
WomanStep = Callable[[Update, BotContext, NetworkWoman, LeaderButton], Awaitable[None]]


async def show_home(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    led = await organizations.led_organizations(context.session, context.user.id)
    if not led:
        await context.show(
            update, t("This menu is for the network's leaders."), for_her(t, menu=True)
        )
        return
    await context.show(
        update, t("👑 Leader menu. Choose an organization:"), views.leader_home_keyboard(t, led)
    )


async def on_leader_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    data = update.callback_query.data if update.callback_query else None
    if data == "ol":
        await conversation.clear_state(context.session, user.id)
        await show_home(update, context)
        return
    if data == "olw":
        await conversation.clear_state(context.session, user.id)
        await show_women(update, context)
        return
    pressed = LeaderButton.decode(data)
    if pressed is None:
        await refuse_forged(update, context, "leader_button")
        return
    try:
        if pressed.action in _ORGANIZATION_ACTIONS:
            organization = await organizations.get_organization(context.session, pressed.record_id)
            if not await organizations.is_leader(context.session, user.id, organization.id):
                raise NotAllowed("not her organisation")
            await _ORGANIZATION_ACTIONS[pressed.action](update, context, organization, pressed)
        elif pressed.action == LeaderAction.ATTENDED:
            await _attended(update, context, pressed.record_id)
        elif pressed.action in _WOMAN_ACTIONS:
            woman = await women.of_contact(context.session, user.id, pressed.record_id)
            await _WOMAN_ACTIONS[pressed.action](update, context, woman, pressed)
        else:
            await stale_button(update, context)
    except NotAllowed:
        await refuse_forged(update, context, "leader_button")
    except NotFound:
        await context.show(
            update, context.t("That is no longer available."), for_her(context.t, menu=True)
        )


# ── Her organisation ──────────────────────────────────────────────────────────


async def _menu(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    assert context.user is not None
    await conversation.clear_state(context.session, context.user.id)
    await context.show(
        update,
        f"👑 {organization.name}",
        views.leader_menu_keyboard(context.t, organization.id),
    )


async def _members(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    found = await organizations.members_for_leader(context.session, organization.id)
    back = LeaderButton(LeaderAction.MENU, organization.id).encode()
    await context.show(
        update,
        views.members_text(context.t, organization, found),
        for_her(context.t, [[data_button(context.t("◀️ Back"), back)]], menu=True),
    )


async def _requests(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    t = context.t
    waiting = await organizations.members(context.session, organization.id, requests=True)
    back = LeaderButton(LeaderAction.MENU, organization.id).encode()
    if not waiting:
        await context.show(
            update,
            t("No one is waiting to join {name}.").format(name=organization.name),
            for_her(t, [[data_button(t("◀️ Back"), back)]], menu=True),
        )
        return
    rows = []
    for line in waiting[:20]:
        who = (line.name or "").split()[0] if line.share and line.name else t("A woman")
        accept = LeaderButton(LeaderAction.ACCEPT, organization.id, str(line.user_id)).encode()
        decline = LeaderButton(LeaderAction.DECLINE, organization.id, str(line.user_id)).encode()
        rows.append(
            [
                data_button(t("✅ {name}").format(name=who[:24]), accept),
                data_button(t("❌ {name}").format(name=who[:24]), decline),
            ]
        )
    rows.append([data_button(t("◀️ Back"), back)])
    await context.show(
        update,
        t("📨 Requests to join {name}:").format(name=organization.name),
        for_her(t, rows, menu=True),
    )


async def _decide(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    assert context.user is not None
    user_id = parse_person_id(pressed.extra)
    if user_id is None:
        await refuse_forged(update, context, "leader_button")
        return
    accept = pressed.action == LeaderAction.ACCEPT
    t = context.t
    try:
        await organizations.decide_membership(
            context.session,
            organization.id,
            user_id,
            accept=accept,
            decided_by=context.user.id,
            now=context.now(),
        )
    except (NotFound, AlreadyDone):
        await context.show(update, t("This request was already answered."), for_her(t, menu=True))
        return
    await tell_decision(context, organization, user_id, accept)
    await context.show(
        update,
        t("✅ Accepted.") if accept else t("Declined."),
        for_her(t, [[button(t("◀️ Back"), "ol")]], menu=True),
    )


async def _activities(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    assert context.user is not None
    community = organization.community or context.user.community
    dates = await activities.upcoming(
        context.session, context.now(), context.settings.timezone, community=community
    )
    back = LeaderButton(LeaderAction.MENU, organization.id).encode()
    await context.show(
        update,
        views.activities_text(context.t, community, dates),
        for_her(context.t, [[data_button(context.t("◀️ Back"), back)]], menu=True),
    )


async def _announce(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    assert context.user is not None
    await conversation.set_state(
        context.session,
        context.user.id,
        Step.LEADER_ANNOUNCE,
        {"organization": organization.id},
        context.now(),
    )
    back = LeaderButton(LeaderAction.MENU, organization.id).encode()
    await context.show(
        update,
        context.t(
            "📣 Type the announcement for the members of {name}. The office will read it "
            "before it is sent."
        ).format(name=organization.name),
        for_her(context.t, [[data_button(context.t("◀️ Back"), back)]]),
    )


async def on_announcement_typed(
    update: Update, context: BotContext, state: ConversationState
) -> None:
    assert update.message is not None and update.effective_chat is not None
    assert context.user is not None
    t = context.t
    data = state_data(state)
    organization_id = data.get("organization")
    text = plain_text(update.message, MAX_ANNOUNCEMENT_LENGTH)
    if not isinstance(organization_id, int) or text is None:
        await context.send(
            update.effective_chat.id,
            t(
                "Please type the announcement as one text message (up to {limit} characters)."
            ).format(limit=MAX_ANNOUNCEMENT_LENGTH),
            for_her(t, menu=True),
        )
        return
    await conversation.set_state(
        context.session,
        context.user.id,
        Step.LEADER_ANNOUNCE,
        {"organization": organization_id, "text": text},
        context.now(),
    )
    send = LeaderButton(LeaderAction.SEND, organization_id).encode()
    back = LeaderButton(LeaderAction.MENU, organization_id).encode()
    await context.send(
        update.effective_chat.id,
        t("Your announcement:\n\n{text}\n\nSend it to the office for approval?").format(text=text),
        for_her(
            t,
            [
                [data_button(t("📨 Send to the office"), send)],
                [
                    data_button(
                        t("✏️ Type it again"),
                        LeaderButton(LeaderAction.ANNOUNCE, organization_id).encode(),
                    )
                ],
                [data_button(t("◀️ Back"), back)],
            ],
        ),
    )


async def _send(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    user = context.user
    assert user is not None
    t = context.t
    state = await conversation.get_state(context.session, user.id)
    data = state_data(state)
    text = data.get("text")
    if (
        state is None
        or state.step != Step.LEADER_ANNOUNCE
        or data.get("organization") != organization.id
        or not isinstance(text, str)
    ):
        await stale_button(update, context)
        return
    try:
        request = await organizations.request_announcement(
            context.session, organization.id, user.id, text, context.now()
        )
    except InvalidInput:
        await context.show(update, t("That announcement is too long."), for_her(t, menu=True))
        return
    await conversation.clear_state(context.session, user.id)
    staff_t = context.bot_data.catalogs.get(context.settings.default_locale)
    await context.send(
        context.staff_chat_id,
        views.announcement_for_staff(staff_t, organization, user.name, request.text),
        views.announcement_keyboard(staff_t, request.id),
    )
    await context.show(
        update,
        t("📨 Sent to the office. You will be told when it is approved."),
        for_her(t, [[button(t("◀️ Back"), "ol")]], menu=True),
    )


_ORGANIZATION_ACTIONS: dict[str, OrganizationStep] = {
    LeaderAction.MENU: _menu,
    LeaderAction.MEMBERS: _members,
    LeaderAction.REQUESTS: _requests,
    LeaderAction.ACCEPT: _decide,
    LeaderAction.DECLINE: _decide,
    LeaderAction.ACTIVITIES: _activities,
    LeaderAction.ANNOUNCE: _announce,
    LeaderAction.SEND: _send,
}


# ── Women without a phone ─────────────────────────────────────────────────────


async def show_women(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    if not await organizations.is_leader(context.session, context.user.id):
        await context.show(
            update, t("This menu is for the network's leaders."), for_her(t, menu=True)
        )
        return
    mine = await women.represented_by(context.session, context.user.id)
    text = (
        t("📵 Women without a phone you represent:")
        if mine
        else t("📵 You do not represent any woman without a phone yet.")
    )
    await context.show(update, text, views.women_keyboard(t, mine))


async def _woman(
    update: Update, context: BotContext, woman: NetworkWoman, pressed: LeaderButton
) -> None:
    t = context.t
    lines = [f"📵 {woman.name} — {woman.community}"]
    for signup in await women.signups_of(context.session, woman.id):
        occurrence = await _occurrence(context, signup.activity_id, signup.occurrence_start)
        if occurrence is not None and occurrence.starts_at > context.now():
            waiting = f" ({t('waiting list')})" if signup.status == SignupStatus.WAITLIST else ""
            lines.append(
                f"🗓️ {t.date_and_time(occurrence.starts_at)}: {occurrence.details.title}{waiting}"
            )
    await context.show(update, "\n".join(lines), views.woman_keyboard(t, woman.id))


async def _occurrence(
    context: BotContext, activity_id: int, key: datetime
) -> activities.Occurrence | None:
    try:
        return await activities.get_occurrence(
            context.session, activity_id, key, context.settings.timezone
        )
    except NotFound:
        return None


async def _dates(
    update: Update, context: BotContext, woman: NetworkWoman, pressed: LeaderButton
) -> None:
    dates = await activities.upcoming(
        context.session, context.now(), context.settings.timezone, community=woman.community
    )
    t = context.t
    text = (
        t("Which date should {name} be signed up to?").format(name=woman.name)
        if dates
        else t("No activities are coming for her community.")
    )
    await context.show(update, text, views.dates_keyboard(t, woman.id, dates))


async def _sign_up(
    update: Update, context: BotContext, woman: NetworkWoman, pressed: LeaderButton
) -> None:
    t = context.t
    activity_text, _, stamp = (pressed.extra or "").partition("_")
    activity_id = parse_small_number(activity_text)
    key = activities.parse_occurrence_stamp(stamp)
    if activity_id is None or key is None:
        await refuse_forged(update, context, "leader_button")
        return
    back = LeaderButton(LeaderAction.WOMAN, woman.id).encode()
    keyboard = for_her(t, [[data_button(t("◀️ Back"), back)]], menu=True)
    try:
        status = await activities.sign_up_woman(
            context.session, activity_id, key, woman.id, context.now(), tz=context.settings.timezone
        )
    except AlreadyDone:
        await context.show(update, t("She is already signed up to that date."), keyboard)
        return
    except DomainError:
        await context.show(update, t("That date is no longer available."), keyboard)
        return
    text = (
        t("✅ {name} is signed up. You will get her reminders.")
        if status == SignupStatus.GOING
        else t("The date is full: {name} is on the waiting list.")
    ).format(name=woman.name)
    await context.show(update, text, keyboard)


async def _attendance(
    update: Update, context: BotContext, woman: NetworkWoman, pressed: LeaderButton
) -> None:
    t = context.t
    rows = []
    now = context.now()
    for signup in await women.signups_of(context.session, woman.id):
        occurrence = await _occurrence(context, signup.activity_id, signup.occurrence_start)
        # Dates that began (up to a week ago) can be marked.
        if occurrence is None or not now - timedelta(days=7) <= occurrence.starts_at <= now:
            continue
        mark = "✅ " if signup.attended_at else ""
        label = f"{mark}{t.stamp(occurrence.starts_at)} {occurrence.details.title}"[:60]
        data = LeaderButton(LeaderAction.ATTENDED, signup.id).encode()
        rows.append([data_button(label, data)])
    back = LeaderButton(LeaderAction.WOMAN, woman.id).encode()
    rows.append([data_button(t("◀️ Back"), back)])
    text = (
        t("Which activity did {name} come to?").format(name=woman.name)
        if len(rows) > 1
        else t("{name} has no activity of the last days to mark.").format(name=woman.name)
    )
    await context.show(update, text, for_her(t, rows, menu=True))


async def _attended(update: Update, context: BotContext, signup_id: int) -> None:
    assert context.user is not None
    signup = await women.signup_of(context.session, context.user.id, signup_id)
    await activities.mark_attended(
        context.session, signup.id, signup.attended_at is None, context.now()
    )
    assert signup.woman_id is not None
    woman = await women.get(context.session, signup.woman_id)
    await _attendance(update, context, woman, LeaderButton(LeaderAction.ATTENDANCE, woman.id))


async def _contact(
    update: Update, context: BotContext, woman: NetworkWoman, pressed: LeaderButton
) -> None:
    """Ask the office to visit or call her: no topic, nothing said on her behalf."""
    assert context.user is not None
    t = context.t
    if pressed.extra not in women.CONTACT_KINDS:
        await refuse_forged(update, context, "leader_button")
        return
    staff_t = context.bot_data.catalogs.get(context.settings.default_locale)
    text = views.contact_request_text(staff_t, str(pressed.extra), context.user.name or "—", woman)
    await context.send(context.staff_chat_id, text)
    audit.record(
        context.session,
        actor_id=context.user.id,
        action=f"network_ask_{pressed.extra}",
        detail=f"woman:{woman.id}",
        now=context.now(),
    )
    back = LeaderButton(LeaderAction.WOMAN, woman.id).encode()
    await context.show(
        update,
        t("📨 The office was asked. They will contact her."),
        for_her(t, [[data_button(t("◀️ Back"), back)]], menu=True),
    )


_WOMAN_ACTIONS: dict[str, WomanStep] = {
    LeaderAction.WOMAN: _woman,
    LeaderAction.DATES: _dates,
    LeaderAction.SIGN_UP: _sign_up,
    LeaderAction.ATTENDANCE: _attendance,
    LeaderAction.CONTACT: _contact,
}


# ── Registering a woman without a phone ───────────────────────────────────────


async def on_new_woman_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    t = context.t
    pressed = NewWomanButton.decode(update.callback_query.data if update.callback_query else None)
    if pressed is None:
        await refuse_forged(update, context, "leader_button")
        return
    if not await organizations.is_leader(context.session, user.id):
        await refuse_forged(update, context, "leader_button")
        return
    if pressed.action == "start":
        await conversation.set_state(context.session, user.id, Step.NW_NAME, {}, context.now())
        await context.show(
            update,
            t("📵 Type the full name of the woman without a phone."),
            for_her(t, [[button(t("◀️ Back"), "olw")]]),
        )
        return
    state = await conversation.get_state(context.session, user.id)
    data = state_data(state)
    if state is None or state.step != Step.NW_FORM or not data.get("name"):
        await stale_button(update, context)
        return
    communities = context.settings.office.communities
    index = parse_small_number(pressed.value)
    value = pressed.value
    if pressed.action == "page" and index is not None:
        await _ask_community(update, context, data, index)
    elif pressed.action == "pick" and index is not None and index < len(communities):
        await _form(update, context, {**data, "community": communities[index]})
    elif pressed.action == "other":
        await conversation.set_state(
            context.session, user.id, Step.NW_COMMUNITY_OTHER, data, context.now()
        )
        await context.show(update, t("Please type the name of the community."), for_her(t))
    elif pressed.action == "age" and value in AGE_GROUPS:
        await _form(update, context, {**data, "age_group": value})
    elif pressed.action == "p" and value in identity.PEOPLES:
        await _form(update, context, {**data, "people": value})
    elif (
        pressed.action == "l"
        and value is not None
        and (
            value in identity.FIXED_LANGUAGES
            or (index is not None and index < len(context.settings.office.language_communities))
        )
    ):
        languages = context.settings.office.language_communities
        chosen = languages[index] if index is not None and value.isdigit() else value
        await _form(update, context, {**data, "language": chosen})
    elif pressed.action == "ok" and "language" in data:
        await _register(update, context, data)
    else:
        await stale_button(update, context)


async def on_new_woman_name(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.message is not None and update.effective_chat is not None
    name = plain_text(update.message, women.MAX_NAME_LENGTH)
    if name is None:
        await context.send(
            update.effective_chat.id,
            context.t("Please type her full name in one short message."),
            for_her(context.t, [[button(context.t("◀️ Back"), "olw")]]),
        )
        return
    await _ask_community(update, context, {"name": name}, 0)


async def on_new_woman_community(
    update: Update, context: BotContext, state: ConversationState
) -> None:
    assert update.message is not None and update.effective_chat is not None
    name = plain_text(update.message, women.MAX_COMMUNITY_LENGTH)
    if name is None:
        await context.send(
            update.effective_chat.id,
            context.t("Please type the name of the community in one short message."),
            for_her(context.t),
        )
        return
    await _form(update, context, {**state_data(state), "community": name})


async def on_new_woman_button_expected(
    update: Update, context: BotContext, state: ConversationState
) -> None:
    data = state_data(state)
    if "community" not in data:
        await _ask_community(update, context, data, 0)
    else:
        await _form(update, context, data)


async def _ask_community(
    update: Update, context: BotContext, data: dict[str, object], page: int
) -> None:
    assert context.user is not None
    await conversation.set_state(
        context.session, context.user.id, Step.NW_FORM, data, context.now()
    )
    await context.show(
        update,
        context.t("Which community does she live in?"),
        paged_choices(context.t, context.settings.office.communities, page, prefix="oln"),
    )


async def _form(update: Update, context: BotContext, data: dict[str, object]) -> None:
    """The next question of the form: age group, people, language, then her consent."""
    assert context.user is not None
    t = context.t
    await conversation.set_state(
        context.session, context.user.id, Step.NW_FORM, data, context.now()
    )
    if "age_group" not in data:
        markup = age_groups(t)
        await context.show(update, t("How old is she?"), _rewired(markup, "r:age:", "oln:age:"))
    elif "people" not in data:
        await context.show(
            update,
            t("Which people does she belong to? She may prefer not to say."),
            _rewired(people_keyboard(t), "id:p:", "oln:p:"),
        )
    elif "language" not in data:
        await context.show(
            update,
            t("Which language community does she belong to?"),
            _rewired(
                language_keyboard(t, context.settings.office.language_communities),
                "id:l:",
                "oln:l:",
            ),
        )
    else:
        await context.show(
            update,
            t(
                "Did {name} agree, by word of mouth, that the office keeps these details, "
                "with you as her contact? Only go on if she said yes."
            ).format(name=data.get("name")),
            for_her(
                t,
                [
                    [button(t("✅ Yes, she agreed (to me, now)"), "oln", "ok")],
                    [button(t("❌ No: do not register her"), "olw")],
                ],
            ),
        )


def _rewired(markup: InlineKeyboardMarkup, old: str, new: str) -> InlineKeyboardMarkup:
    """The same buttons, answering to this form (prefix `old` becomes `new`)."""
    rows = [
        [
            InlineKeyboardButton(b.text, callback_data=new + b.callback_data[len(old) :])
            if isinstance(b.callback_data, str) and b.callback_data.startswith(old)
            else b
            for b in row
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(rows)


async def _register(update: Update, context: BotContext, data: dict[str, object]) -> None:
    user = context.user
    assert user is not None
    t = context.t
    try:
        woman = await women.register(
            context.session,
            women.WomanDetails(
                name=str(data.get("name") or ""),
                community=str(data.get("community") or ""),
                age_group=_str(data.get("age_group")),
                people=_str(data.get("people")),
                language=_str(data.get("language")),
            ),
            consent_at=context.now(),
            consent_to=user.name or str(user.id),
            contact_id=user.id,
            registered_by=user.id,
            now=context.now(),
            language_communities=context.settings.office.language_communities,
        )
    except InvalidInput:
        await context.show(update, t("Those details cannot be used."), for_her(t, menu=True))
        return
    await conversation.clear_state(context.session, user.id)
    audit.record(
        context.session,
        actor_id=user.id,
        action="network_woman_registered",
        detail=f"woman:{woman.id}",
        now=context.now(),
    )
    await context.show(
        update,
        t("✅ {name} is registered. You are her contact.").format(name=woman.name),
        views.woman_keyboard(t, woman.id),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


STEPS: dict[str, StepHandler] = {
    Step.LEADER_ANNOUNCE: on_announcement_typed,
    Step.NW_NAME: on_new_woman_name,
    Step.NW_FORM: on_new_woman_button_expected,
    Step.NW_COMMUNITY_OTHER: on_new_woman_community,
}


def register(app: Routes) -> None:
    app.add_handler(
        CallbackQueryHandler(on_leader_button, pattern=callbacks.pattern("ol", bare=True))
    )
    app.add_handler(
        CallbackQueryHandler(on_leader_button, pattern=callbacks.pattern("olw", only_bare=True))
    )
    app.add_handler(CallbackQueryHandler(on_new_woman_button, pattern=callbacks.pattern("oln")))
