"""Staff and the network, from the staff group: organisations, leaders, requests to join,
leaders' announcements, and women without a phone.

/organizacion NAME / COMMUNITY creates one (kind and level are then chosen with the
card's buttons); /organizacion NUMBER shows its card; /organizacion NUMBER NAME /
COMMUNITY renames it. /organizaciones lists them. /lideresa NUMBER USER_ID names a
leader (also a button on the members' list). /sin_telefono NAME / COMMUNITY / AGE /
PEOPLE / LANGUAGE / CONSENT_TO registers a woman without a phone (she consented orally
today, to CONSENT_TO); without arguments it lists them. /codigo_union NUMBER gives her
a one-time code to join her own Telegram account; /contacto_sin_telefono NUMBER
USER_ID names her contact; /borrar_sin_telefono NUMBER deletes her record (on her
request). A CSV or XLSX file sent with the caption /importar_red imports the office's
register (README.md, "Women's network"): all of it, or nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core import audit, users
from bot.core.authority import record_name, refuse_forged, refuse_undecoded, require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.core.errors import AlreadyDone, DomainError, InvalidInput, NotFound
from bot.core.i18n import Translator
from bot.core.ids import parse_person_id, parse_record_id
from bot.core.keyboards import button, for_her
from bot.db.models import OrganizationKind, OrganizationLevel
from bot.network import service as organizations
from bot.network import service_import as importing
from bot.network import service_women as women
from bot.network import views
from bot.network.callbacks import (
    ANNOUNCEMENTS,
    STAFF_ORGANIZATIONS,
    LeaderHome,
    StaffOrgAction,
)
from bot.network.notices import tell_decision

IMPORT_COMMAND = "/importar_red"
_KINDS = frozenset(k.value for k in OrganizationKind)
_LEVELS = frozenset(level.value for level in OrganizationLevel)


def _args(context: BotContext) -> list[str]:
    return list(context.args or [])


def _number(args: list[str], index: int = 0) -> int | None:
    """A record number typed after a command (`12` or `#12`)."""
    return parse_record_id(args[index].lstrip("#")) if len(args) > index else None


def _record(context: BotContext, staff_id: int, action: str, detail: str) -> None:
    """One audit row for what a staff member did in the network."""
    audit.record(
        context.session, actor_id=staff_id, action=action, detail=detail, now=context.now()
    )


async def _reply(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None
    await context.send(chat.id, text, markup, reply_to=message.message_id if message else None)


# ── Organisations ─────────────────────────────────────────────────────────────


async def organization_command(update: Update, context: BotContext) -> None:
    if not await require_staff(update, context, "network_organization"):
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    args = _args(context)
    number = _number(args)
    rest = " ".join(args[1:] if number is not None else args)
    name, _, community = (p.strip() for p in rest.partition("/"))
    try:
        if number is None and name:
            organization = await organizations.create_organization(
                context.session,
                name=name,
                community=community or None,
                created_by=person.id,
                now=context.now(),
            )
            audit.record(
                context.session,
                actor_id=person.id,
                action="network_org_created",
                detail=f"organization:{organization.id}",
                now=context.now(),
            )
        elif number is not None and name:
            organization = await organizations.edit_organization(
                context.session, number, context.now(), name=name, community=community or None
            )
        elif number is not None:
            organization = await organizations.get_organization(context.session, number)
        else:
            await _reply(update, context, _organization_help(t))
            return
    except AlreadyDone:
        await _reply(update, context, t("An organization already has that name."))
        return
    except NotFound:
        await _reply(update, context, t("That organization does not exist."))
        return
    except InvalidInput:
        await _reply(update, context, _organization_help(t))
        return
    await _reply(
        update,
        context,
        views.organization_card(t, organization),
        views.organization_card_keyboard(t, organization),
    )


def _organization_help(t: Translator) -> str:
    return t(
        "Write: /organizacion Name / Community (to create one), /organizacion NUMBER (to see "
        "it), /organizacion NUMBER New name / Community (to change it)."
    )


async def organizations_command(update: Update, context: BotContext) -> None:
    if not await require_staff(update, context, "network_organizations"):
        return
    t = staff_t(context)
    summaries = await organizations.list_organizations(context.session)
    await _reply(update, context, views.organizations_text(t, summaries))


async def leader_command(update: Update, context: BotContext) -> None:
    """/lideresa ORGANIZATION USER_ID."""
    if not await require_staff(update, context, "network_leader"):
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    args = _args(context)
    number = _number(args)
    user_id = parse_person_id(args[1]) if len(args) > 1 else None
    if number is None or user_id is None:
        await _reply(update, context, t("Write: /lideresa ORGANIZATION_NUMBER USER_ID"))
        return
    await _name_leader(update, context, number, user_id)


async def _name_leader(
    update: Update, context: BotContext, organization_id: int, user_id: int
) -> None:
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    try:
        organization = await organizations.get_organization(context.session, organization_id)
        await organizations.name_leader(
            context.session, organization_id, user_id, named_by=person.id, now=context.now()
        )
    except AlreadyDone:
        await _reply(update, context, t("She is already a leader of it."))
        return
    except NotFound:
        await _reply(update, context, t("That organization or woman does not exist."))
        return
    _record(
        context, person.id, "network_leader_named", f"organization:{organization_id} user:{user_id}"
    )
    await _reply(
        update,
        context,
        t("👑 {user} is now a leader of {name}.").format(user=user_id, name=organization.name),
    )
    her = await users.get_user(context.session, user_id)
    if her is not None and her.active:
        her_t = context.bot_data.catalogs.get(her.locale)
        await context.send(
            user_id,
            her_t(
                "👑 The office named you a leader of {name}. Your leader menu is on the "
                "network screen."
            ).format(name=organization.name),
            for_her(her_t, [[button(her_t("👑 Leader menu"), LeaderHome())]], menu=True),
        )


async def on_organization_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = STAFF_ORGANIZATIONS.decode(query.data)
    record = record_name("organization", pressed.record_id if pressed else None)
    if not await require_staff(update, context, "network_organization", record=record):
        return
    if pressed is None:
        await refuse_undecoded(update, context, STAFF_ORGANIZATIONS)
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    try:
        organization = await organizations.get_organization(context.session, pressed.record_id)
        action = pressed.action
        if action == StaffOrgAction.KIND and pressed.extra in _KINDS:
            await organizations.edit_organization(
                context.session,
                organization.id,
                context.now(),
                kind=OrganizationKind(str(pressed.extra)),
            )
        elif action == StaffOrgAction.LEVEL and pressed.extra in _LEVELS:
            await organizations.edit_organization(
                context.session,
                organization.id,
                context.now(),
                level=OrganizationLevel(str(pressed.extra)),
            )
        elif action in (StaffOrgAction.MEMBERS, StaffOrgAction.REQUESTS):
            requests = action == StaffOrgAction.REQUESTS
            lines = await organizations.members(context.session, organization.id, requests=requests)
            await context.answer()
            await context.show(
                update,
                views.staff_members_text(t, organization, lines, requests=requests),
                views.staff_members_keyboard(t, organization.id, lines, requests=requests),
            )
            return
        elif action in (
            StaffOrgAction.ACCEPT,
            StaffOrgAction.DECLINE,
            StaffOrgAction.LEADER,
            StaffOrgAction.NOT_LEADER,
        ):
            user_id = parse_person_id(pressed.extra)
            if user_id is None:
                await refuse_forged(update, context, "network_button")
                return
            await _member_action(update, context, organization.id, user_id, action)
            return
        elif action != StaffOrgAction.CARD:
            await refuse_forged(update, context, "network_button")
            return
    except NotFound:
        await context.answer(t("That organization does not exist."), alert=True)
        return
    await context.answer()
    await context.show(
        update,
        views.organization_card(t, organization),
        views.organization_card_keyboard(t, organization),
    )


async def _member_action(
    update: Update, context: BotContext, organization_id: int, user_id: int, action: str
) -> None:
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    organization = await organizations.get_organization(context.session, organization_id)
    if action == StaffOrgAction.LEADER:
        await context.answer()
        await _name_leader(update, context, organization_id, user_id)
        return
    if action == StaffOrgAction.NOT_LEADER:
        await organizations.remove_leader(context.session, organization_id, user_id)
        await context.answer(t("She is no longer a leader of it."), alert=True)
        return
    accept = action == StaffOrgAction.ACCEPT
    try:
        await organizations.decide_membership(
            context.session,
            organization_id,
            user_id,
            accept=accept,
            decided_by=person.id,
            now=context.now(),
        )
    except (NotFound, AlreadyDone):
        await context.answer(t("This request was already answered."), alert=True)
        return
    await tell_decision(context, organization, user_id, accept)
    await context.answer()
    await context.show(
        update,
        (t("✅ Accepted in {name}.") if accept else t("Declined for {name}.")).format(
            name=organization.name
        ),
    )


async def on_announcement_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = ANNOUNCEMENTS.decode(query.data)
    record = record_name("leader_announcement", pressed.request_id if pressed else None)
    if not await require_staff(update, context, "network_announcement", record=record):
        return
    if pressed is None:
        await refuse_undecoded(update, context, ANNOUNCEMENTS)
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    approve = pressed.approve
    try:
        request, count = await organizations.decide_announcement(
            context.session,
            pressed.request_id,
            approve=approve,
            decided_by=person.id,
            now=context.now(),
        )
        organization = await organizations.get_organization(
            context.session, request.organization_id
        )
    except AlreadyDone:
        await context.answer(t("This request was already answered."), alert=True)
        return
    except NotFound:
        await refuse_forged(update, context, "network_button")
        return
    _record(
        context,
        person.id,
        "network_announcement_" + ("approved" if approve else "declined"),
        f"leader_announcement:{request.id}",
    )
    await context.answer()
    message = query.message
    original = getattr(message, "text", "") or ""
    verdict = (
        t.plural(
            "✅ Approved: announcement #{number} is going out to {count} member.",
            "✅ Approved: announcement #{number} is going out to {count} members.",
            count,
        ).format(number=request.broadcast_id, count=count)
        if approve
        else t("❌ Declined.")
    )
    await context.show(update, f"{original}\n\n{verdict}")
    if request.leader_id is None:
        return
    leader = await users.get_user(context.session, request.leader_id)
    if leader is None or not leader.active:
        return
    her_t = context.bot_data.catalogs.get(leader.locale)
    text = (
        her_t(
            "✅ The office approved your announcement to the members of {name}: it is being sent."
        )
        if approve
        else her_t("The office did not approve your announcement to the members of {name}.")
    ).format(name=organization.name)
    await context.send(leader.id, text, for_her(her_t, menu=True))


# ── Women without a phone ─────────────────────────────────────────────────────


def _import_error_line(t: Translator, error: importing.RowError) -> str:
    problems = {
        "missing": t("missing"),
        "invalid": t("not valid"),
        "unknown_column": t("unknown column"),
        "too_many_rows": t("too many rows"),
        "too_big": t("the file is too big"),
        "unreadable": t("the file cannot be read (send a CSV or XLSX file)"),
        "empty": t("the file is empty"),
    }
    problem = problems.get(error.problem, error.problem)
    if error.line == 0:
        return f"• {problem}"
    where = t("line {line}").format(line=error.line)
    return f"• {where}: {error.field} — {problem}" if error.field else f"• {where}: {problem}"


def _refusal_text(t: Translator, refused: importing.ImportRefused) -> str:
    lines = [t("Nothing was imported. Please correct these and send the file again:")]
    lines.extend(_import_error_line(t, e) for e in refused.errors[:40])
    if len(refused.errors) > 40:
        more = len(refused.errors) - 40
        lines.append(
            t.plural("…and {count} more problem.", "…and {count} more problems.", more).format(
                count=more
            )
        )
    return "\n".join(lines)


async def without_phone_command(update: Update, context: BotContext) -> None:
    """/sin_telefono NAME / COMMUNITY / AGE / PEOPLE / LANGUAGE / CONSENT_TO (or nothing: list)."""
    if not await require_staff(update, context, "network_woman"):
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    text = " ".join(_args(context)).strip()
    if not text:
        found = await women.listing(context.session)
        lines = [t("📵 Women without a phone (⚠ = no contact):")]
        lines.extend(views.woman_line(w) for w in found)
        if not found:
            lines.append(t("None yet."))
        lines.append(_women_help(t))
        await _reply(update, context, "\n".join(lines))
        return
    pieces = [p.strip() for p in text.split("/")]
    header = ["nombre", "comunidad", "grupo_edad", "pueblo", "idioma", "consentimiento_a"]
    today = context.now().astimezone(context.settings.timezone).date()
    row = [*pieces[: len(header)], *[""] * (len(header) - len(pieces))]
    try:
        checked = importing.check_rows(
            [[*header, "consentimiento_fecha"], [*row, today.isoformat()]],
            today=today,
            tz=context.settings.timezone,
            language_communities=context.settings.office.language_communities,
        )
        woman = await women.register(
            context.session,
            checked[0].details,
            consent_at=context.now(),
            consent_to=checked[0].consent_to,
            contact_id=None,
            registered_by=person.id,
            now=context.now(),
            language_communities=context.settings.office.language_communities,
        )
    except importing.ImportRefused as refused:
        lines = [_import_error_line(t, e) for e in refused.errors]
        await _reply(update, context, "\n".join([_women_help(t), *lines]))
        return
    _record(context, person.id, "network_woman_registered", f"woman:{woman.id}")
    await _reply(
        update,
        context,
        t("📵 Registered: {line}").format(line=views.woman_line(woman)),
    )


def _women_help(t: Translator) -> str:
    return t(
        "Write: /sin_telefono Name / Community / age group / people / language / to whom she "
        "consented. Age groups: under18, 18_29, 30_59, 60plus; people: maya, garifuna, "
        "xinka, ladina, other, undisclosed; language: spanish, other, undisclosed or a "
        "language community."
    )


async def join_code_command(update: Update, context: BotContext) -> None:
    """/codigo_union NUMBER: a one-time code (and link) joining her Telegram account."""
    if not await require_staff(update, context, "network_join_code"):
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    args = _args(context)
    number = _number(args)
    if number is None:
        await _reply(update, context, t("Write: /codigo_union NUMBER (see /sin_telefono)."))
        return
    try:
        code = await women.issue_join_code(context.session, number, context.now())
    except NotFound:
        await _reply(update, context, t("That woman is not registered."))
        return
    _record(context, person.id, "network_join_code", f"woman:{number}")
    username = context.bot.username if context.bot else None
    link = f"https://t.me/{username}?start={women.JOIN_LINK_PREFIX}{code}" if username else ""
    await _reply(
        update,
        context,
        t(
            "🔑 One-time code for #{number}: {code} (valid 30 days). She opens the bot with "
            "this link, or sends /start {payload}: {link}"
        ).format(number=number, code=code, payload=f"{women.JOIN_LINK_PREFIX}{code}", link=link),
    )


async def contact_command(update: Update, context: BotContext) -> None:
    """/contacto_sin_telefono NUMBER USER_ID: her new contact (a leader)."""
    if not await require_staff(update, context, "network_contact"):
        return
    t = staff_t(context)
    args = _args(context)
    number = _number(args)
    user_id = parse_person_id(args[1]) if len(args) > 1 else None
    if number is None or user_id is None:
        await _reply(update, context, t("Write: /contacto_sin_telefono NUMBER USER_ID"))
        return
    try:
        woman = await women.set_contact(context.session, number, user_id)
    except NotFound:
        await _reply(update, context, t("That woman or contact is not registered."))
        return
    await _reply(
        update, context, t("✅ Contact changed: {line}").format(line=views.woman_line(woman))
    )


async def delete_woman_command(update: Update, context: BotContext) -> None:
    """/borrar_sin_telefono NUMBER: she asked the office to delete her record."""
    if not await require_staff(update, context, "network_delete_woman"):
        return
    person = update.effective_user
    assert person is not None
    t = staff_t(context)
    args = _args(context)
    number = _number(args)
    if number is None or not await women.delete_record(context.session, number):
        await _reply(update, context, t("Write: /borrar_sin_telefono NUMBER (see /sin_telefono)."))
        return
    _record(context, person.id, "network_woman_deleted", f"woman:{number}")
    await _reply(update, context, t("🗑️ Record #{number} deleted.").format(number=number))


async def import_document(update: Update, context: BotContext) -> None:
    """A CSV or XLSX file with the caption /importar_red: all rows, or none."""
    if not await require_staff(update, context, "network_import"):
        return
    message, person = update.effective_message, update.effective_user
    assert message is not None and person is not None
    t = staff_t(context)
    document = message.document
    if document is None:
        return
    name = document.file_name or ""
    if (
        not name.lower().endswith((".csv", ".xlsx"))
        or (document.file_size or 0) > importing.MAX_BYTES
    ):
        await _reply(update, context, t("Send the register as a CSV or XLSX file (up to 2 MB)."))
        return
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    tz = context.settings.timezone
    communities = context.settings.office.language_communities
    try:
        rows = importing.check_rows(
            importing.read_table(content, name),
            today=context.now().astimezone(tz).date(),
            tz=tz,
            language_communities=communities,
        )
        count = await importing.import_register(
            context.session,
            rows,
            imported_by=person.id,
            now=context.now(),
            language_communities=communities,
        )
    except importing.ImportRefused as refused:
        await _reply(update, context, _refusal_text(t, refused))
        return
    except DomainError:
        await _reply(update, context, t("Nothing was imported: the file has a wrong row."))
        return
    _record(context, person.id, "network_import", f"rows:{count}")
    await _reply(
        update,
        context,
        t.plural(
            "✅ Imported {count} woman without a phone. See them with /sin_telefono.",
            "✅ Imported {count} women without a phone. See them with /sin_telefono.",
            count,
        ).format(count=count),
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("organizacion", organization_command))
    app.add_handler(CommandHandler("organizaciones", organizations_command))
    app.add_handler(CommandHandler("lideresa", leader_command))
    app.add_handler(CommandHandler("sin_telefono", without_phone_command))
    app.add_handler(CommandHandler("codigo_union", join_code_command))
    app.add_handler(CommandHandler("contacto_sin_telefono", contact_command))
    app.add_handler(CommandHandler("borrar_sin_telefono", delete_woman_command))
    app.add_handler(
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(rf"^{IMPORT_COMMAND}(\s|@|$)"),
            import_document,
        )
    )
    app.add_handler(
        CallbackQueryHandler(on_organization_button, pattern=STAFF_ORGANIZATIONS.pattern())
    )
    app.add_handler(CallbackQueryHandler(on_announcement_button, pattern=ANNOUNCEMENTS.pattern()))
