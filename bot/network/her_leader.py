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

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities.promotions import tell_promoted
from bot.core import audit, conversation
from bot.core.authority import refuse_forged, refuse_undecoded
from bot.core.callbacks import ChoiceAction
from bot.core.common import StepHandler, plain_text, stale_button, state_data
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, DomainError, InvalidInput, NotAllowed, NotFound
from bot.core.ids import parse_person_id, parse_small_number
from bot.core.keyboards import button, for_her, paged_choices
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.db.models import ConversationState, NetworkWoman, Organization, SignupStatus
from bot.network import service as organizations
from bot.network import service_women as women
from bot.network import views
from bot.network.callbacks import (
    LEADER,
    LEADER_WOMEN,
    NEW_WOMAN,
    LeaderAction,
    LeaderButton,
    LeaderHome,
    LeaderWomen,
    NewWoman,
    NewWomanAge,
    NewWomanAgreed,
    NewWomanCommunity,
    NewWomanLanguage,
    NewWomanPeople,
)
from bot.network.notices import tell_decision, tell_staff
from bot.people.her_identity import language_keyboard, people_keyboard
from bot.people.her_welcome import ensure_registered
from bot.people.views import age_groups

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
    pressed = LEADER.decode(update.callback_query.data if update.callback_query else None)
    if isinstance(pressed, LeaderHome):
        await conversation.clear_state(context.session, user.id)
        await show_home(update, context)
        return
    if pressed is None:
        await refuse_undecoded(update, context, LEADER)
        return
    try:
        if pressed.action in _ORGANIZATION_ACTIONS:
            organization = await organizations.get_organization(context.session, pressed.record_id)
            if not await organizations.is_leader(context.session, user.id, organization.id):
                raise NotAllowed("not her organisation")
            await _ORGANIZATION_ACTIONS[pressed.action](update, context, organization, pressed)
        elif pressed.action == LeaderAction.ATTENDED:
            await _attended(update, context, pressed.record_id)
        elif pressed.action == LeaderAction.CANCEL:
            await _cancel_signup(update, context, pressed.record_id)
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


async def on_women_button(update: Update, context: BotContext) -> None:
    """`olw`: the women without a phone she represents."""
    if not await ensure_registered(update, context):
        return
    assert context.user is not None
    if LEADER_WOMEN.decode(update.callback_query.data if update.callback_query else None) is None:
        await refuse_undecoded(update, context, LEADER_WOMEN)
        return
    await conversation.clear_state(context.session, context.user.id)
    await show_women(update, context)


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
    back = LeaderButton(LeaderAction.MENU, organization.id)
    await context.show(
        update,
        views.members_text(context.t, organization, found),
        for_her(context.t, [[button(context.t("◀️ Back"), back)]], menu=True),
    )


async def _requests(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    t = context.t
    waiting = await organizations.members(context.session, organization.id, requests=True)
    back = LeaderButton(LeaderAction.MENU, organization.id)
    if not waiting:
        await context.show(
            update,
            t("No one is waiting to join {name}.").format(name=organization.name),
            for_her(t, [[button(t("◀️ Back"), back)]], menu=True),
        )
        return
    rows = []
    for line in waiting[:20]:
        who = (line.name or "").split()[0] if line.share and line.name else t("A woman")
        accept = LeaderButton(LeaderAction.ACCEPT, organization.id, str(line.user_id))
        decline = LeaderButton(LeaderAction.DECLINE, organization.id, str(line.user_id))
        rows.append(
            [
                button(t("✅ {name}").format(name=who[:24]), accept),
                button(t("❌ {name}").format(name=who[:24]), decline),
            ]
        )
    rows.append([button(t("◀️ Back"), back)])
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
        for_her(t, [[button(t("◀️ Back"), LeaderHome())]], menu=True),
    )


async def _activities(
    update: Update, context: BotContext, organization: Organization, pressed: LeaderButton
) -> None:
    assert context.user is not None
    community = organization.community or context.user.community
    dates = await activities.upcoming(
        context.session, context.now(), context.settings.timezone, community=community
    )
    back = LeaderButton(LeaderAction.MENU, organization.id)
    await context.show(
        update,
        views.activities_text(context.t, community, dates),
        for_her(context.t, [[button(context.t("◀️ Back"), back)]], menu=True),
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
    back = LeaderButton(LeaderAction.MENU, organization.id)
    await context.show(
        update,
        context.t(
            "📣 Type the announcement for the members of {name}. The office will read it "
            "before it is sent."
        ).format(name=organization.name),
        for_her(context.t, [[button(context.t("◀️ Back"), back)]]),
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
    send = LeaderButton(LeaderAction.SEND, organization_id)
    back = LeaderButton(LeaderAction.MENU, organization_id)
    await context.send(
        update.effective_chat.id,
        t("Your announcement:\n\n{text}\n\nSend it to the office for approval?").format(text=text),
        for_her(
            t,
            [
                [button(t("📨 Send to the office"), send)],
                [
                    button(
                        t("✏️ Type it again"),
                        LeaderButton(LeaderAction.ANNOUNCE, organization_id),
                    )
                ],
                [button(t("◀️ Back"), back)],
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
    staff_t = context.staff_t
    await tell_staff(
        context,
        views.announcement_for_staff(staff_t, organization, user.name, request.text),
        views.announcement_keyboard(staff_t, request.id),
    )
    await context.show(
        update,
        t("📨 Sent to the office. You will be told when it is approved."),
        for_her(t, [[button(t("◀️ Back"), LeaderHome())]], menu=True),
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
    await _show_woman(update, context, woman)


async def _show_woman(
    update: Update, context: BotContext, woman: NetworkWoman, note: str | None = None
) -> None:
    """Her coming dates (each can be cancelled) and what her leader can do for her."""
    t = context.t
    lines = [note, ""] if note else []
    lines.append(f"📵 {woman.name} — {woman.community}")
    coming = []
    for signup in await women.signups_of(context.session, woman.id):
        occurrence = await _occurrence(context, signup.activity_id, signup.occurrence_start)
        if occurrence is not None and occurrence.starts_at > context.now():
            waiting = f" ({t('waiting list')})" if signup.status == SignupStatus.WAITLIST else ""
            lines.append(
                f"🗓️ {t.date_and_time(occurrence.starts_at)}: {occurrence.details.title}{waiting}"
            )
            coming.append((signup.id, occurrence))
    await context.show(update, "\n".join(lines), views.woman_keyboard(t, woman.id, coming))


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
    back = LeaderButton(LeaderAction.WOMAN, woman.id)
    keyboard = for_her(t, [[button(t("◀️ Back"), back)]], menu=True)
    try:
        status = await signups.sign_up_woman(
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
        data = LeaderButton(LeaderAction.ATTENDED, signup.id)
        rows.append([button(label, data)])
    back = LeaderButton(LeaderAction.WOMAN, woman.id)
    rows.append([button(t("◀️ Back"), back)])
    text = (
        t("Which activity did {name} come to?").format(name=woman.name)
        if len(rows) > 1
        else t("{name} has no activity of the last days to mark.").format(name=woman.name)
    )
    await context.show(update, text, for_her(t, rows, menu=True))


async def _attended(update: Update, context: BotContext, signup_id: int) -> None:
    assert context.user is not None
    signup = await women.signup_of(context.session, context.user.id, signup_id)
    await signups.mark_attended(
        context.session, signup.id, signup.attended_at is None, context.now()
    )
    assert signup.woman_id is not None
    woman = await women.get(context.session, signup.woman_id)
    await _attendance(update, context, woman, LeaderButton(LeaderAction.ATTENDANCE, woman.id))


async def _cancel_signup(update: Update, context: BotContext, signup_id: int) -> None:
    """She cancels a sign-up she made for the woman: her place goes to the next woman
    waiting, who is told."""
    assert context.user is not None
    t = context.t
    signup = await women.signup_of(context.session, context.user.id, signup_id)
    assert signup.woman_id is not None
    woman = await women.get(context.session, signup.woman_id)
    occurrence = await _occurrence(context, signup.activity_id, signup.occurrence_start)
    if occurrence is None or occurrence.starts_at <= context.now():
        await _show_woman(update, context, woman, t("That date can no longer be cancelled."))
        return
    try:
        promoted = await signups.cancel_woman_signup(
            context.session, occurrence.activity_id, occurrence.key, woman.id, context.now()
        )
    except (NotFound, AlreadyDone):
        await _show_woman(update, context, woman)
        return
    audit.record(
        context.session,
        actor_id=context.user.id,
        action="network_signup_cancelled",
        detail=f"woman:{woman.id} signup:{signup.id}",
        now=context.now(),
    )
    if promoted is not None:
        await tell_promoted(
            context, signups.Promotion(promoted, occurrence.activity_id, occurrence.key)
        )
    note = t("✖️ {name} is no longer signed up to «{title}», {when}.").format(
        name=woman.name,
        title=occurrence.details.title,
        when=t.date_and_time(occurrence.starts_at),
    )
    await _show_woman(update, context, woman, note)


async def _contact(
    update: Update, context: BotContext, woman: NetworkWoman, pressed: LeaderButton
) -> None:
    """Ask the office to visit or call her: no topic, nothing said on her behalf."""
    assert context.user is not None
    t = context.t
    if pressed.extra not in women.CONTACT_KINDS:
        await refuse_forged(update, context, "leader_button")
        return
    text = views.contact_request_text(
        context.staff_t, str(pressed.extra), context.user.name or "—", woman
    )
    await tell_staff(context, text)
    audit.record(
        context.session,
        actor_id=context.user.id,
        action=f"network_ask_{pressed.extra}",
        detail=f"woman:{woman.id}",
        now=context.now(),
    )
    back = LeaderButton(LeaderAction.WOMAN, woman.id)
    await context.show(
        update,
        t("📨 The office was asked. They will contact her."),
        for_her(t, [[button(t("◀️ Back"), back)]], menu=True),
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
    pressed = NEW_WOMAN.decode(update.callback_query.data if update.callback_query else None)
    if pressed is None:
        await refuse_undecoded(update, context, NEW_WOMAN)
        return
    if not await organizations.is_leader(context.session, user.id):
        await refuse_forged(update, context, "leader_button")
        return
    if isinstance(pressed, NewWoman):
        await conversation.set_state(context.session, user.id, Step.NW_NAME, {}, context.now())
        await context.show(
            update,
            t("📵 Type the full name of the woman without a phone."),
            for_her(t, [[button(t("◀️ Back"), LeaderWomen())]]),
        )
        return
    state = await conversation.get_state(context.session, user.id)
    data = state_data(state)
    if state is None or state.step != Step.NW_FORM or not data.get("name"):
        await stale_button(update, context)
        return
    communities = context.settings.office.communities
    languages = context.settings.office.language_communities
    if isinstance(pressed, NewWomanCommunity):
        index = pressed.number
        if pressed.action == ChoiceAction.PAGE and index is not None:
            await _ask_community(update, context, data, index)
        elif pressed.action == ChoiceAction.PICK and index is not None and index < len(communities):
            await _form(update, context, {**data, "community": communities[index]})
        elif pressed.action == ChoiceAction.OTHER:
            await conversation.set_state(
                context.session, user.id, Step.NW_COMMUNITY_OTHER, data, context.now()
            )
            await context.show(update, t("Please type the name of the community."), for_her(t))
        else:
            await stale_button(update, context)
    elif isinstance(pressed, NewWomanAge):
        await _form(update, context, {**data, "age_group": pressed.group})
    elif isinstance(pressed, NewWomanPeople):
        await _form(update, context, {**data, "people": pressed.people})
    elif isinstance(pressed, NewWomanLanguage) and (
        pressed.index is None or pressed.index < len(languages)
    ):
        chosen = languages[pressed.index] if pressed.index is not None else pressed.value
        await _form(update, context, {**data, "language": chosen})
    elif isinstance(pressed, NewWomanAgreed) and "language" in data:
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
            for_her(context.t, [[button(context.t("◀️ Back"), LeaderWomen())]]),
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
        paged_choices(
            context.t, context.settings.office.communities, page, choice=NewWomanCommunity
        ),
    )


async def _form(update: Update, context: BotContext, data: dict[str, object]) -> None:
    """The next question of the form: age group, people, language, then her consent."""
    assert context.user is not None
    t = context.t
    await conversation.set_state(
        context.session, context.user.id, Step.NW_FORM, data, context.now()
    )
    if "age_group" not in data:
        await context.show(update, t("How old is she?"), age_groups(t, NewWomanAge))
    elif "people" not in data:
        await context.show(
            update,
            t("Which people does she belong to? She may prefer not to say."),
            people_keyboard(t, NewWomanPeople),
        )
    elif "language" not in data:
        await context.show(
            update,
            t("Which language community does she belong to?"),
            language_keyboard(t, context.settings.office.language_communities, NewWomanLanguage),
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
                    [button(t("✅ Yes, she agreed (to me, now)"), NewWomanAgreed())],
                    [button(t("❌ No: do not register her"), LeaderWomen())],
                ],
            ),
        )


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
    app.add_handler(CallbackQueryHandler(on_leader_button, pattern=LEADER.pattern()))
    app.add_handler(CallbackQueryHandler(on_women_button, pattern=LEADER_WOMEN.pattern()))
    app.add_handler(CallbackQueryHandler(on_new_woman_button, pattern=NEW_WOMAN.pattern()))
