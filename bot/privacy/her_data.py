"""Her data: what is stored, deleting it, and the interface language."""

from __future__ import annotations

from typing import Any, cast

from telegram import Update
from telegram.ext import CallbackQueryHandler, JobQueue

from bot.activities.promotions import tell_promoted
from bot.core import inbox, staff
from bot.core.checkpoint import checkpoint_sqlite
from bot.core.common import stale_button
from bot.core.context import BotContext
from bot.core.keyboards import button, for_her, yes_no
from bot.core.labels import AGE_GROUPS, NETWORK_ROLES, label
from bot.core.routing import Routes
from bot.people import her_identity
from bot.people.callbacks import DeleteIdentity, EditIdentity
from bot.people.her_welcome import ensure_registered, show_menu, show_welcome
from bot.privacy import service as privacy
from bot.privacy.callbacks import (
    LANGUAGE,
    MY_DATA,
    DeleteMyData,
    LanguageChoice,
    MyData,
    PickLanguage,
)
from bot.privacy.views import languages

LANGUAGE_NAMES = {"es": "Español", "en": "English"}


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    t = context.t
    press = MY_DATA.decode(update.callback_query.data if update.callback_query else None)
    if isinstance(press, MyData):
        stored = await privacy.describe_stored_data(context.session, user)
        lines = [
            t("🔒 This is what the office keeps about you:"),
            "",
            t("Name: {value}").format(value=user.name or "—"),
            t("Community: {value}").format(value=user.community or "—"),
            t("Age: {value}").format(value=label(t, AGE_GROUPS, user.age_group)),
            t("Phone: {value}").format(value=user.phone or t("not shared")),
            t("Language: {value}").format(value=LANGUAGE_NAMES.get(user.locale, user.locale)),
            *her_identity.data_lines(t, user.people, user.language, user.disability),
            t("Requests: {count} (open: {open})").format(
                count=stored.case_count, open=stored.open_case_count
            ),
            t("Women's network: {value}").format(
                value=label(t, NETWORK_ROLES, stored.network.role) if stored.network else t("no")
            ),
            t("You agreed on {date}.").format(date=t.short_date(user.consent_at)),
        ]
        rows = [
            [button(t("🌐 Change language"), PickLanguage())],
            [
                button(t("✏️ People, language, disability"), EditIdentity()),
                button(t("✖️ Delete these answers"), DeleteIdentity()),
            ],
            [button(t("🗑️ Delete my data"), DeleteMyData())],
        ]
        await context.show(update, "\n".join(lines), for_her(t, rows, menu=True), sensitive=True)
    elif isinstance(press, DeleteMyData) and press.confirmed is None:
        await context.show(
            update,
            t(
                "This deletes your name, community, phone, your messages and your place in the "
                "network. Your requests stay only as anonymous numbers for statistics. "
                "It cannot be undone.\n\nDelete everything?"
            ),
            yes_no(t, t("🗑️ Yes, delete everything"), DeleteMyData("y"), MyData()),
        )
    elif isinstance(press, DeleteMyData):
        is_staff = await staff.is_staff(context.session, user.id, context.admin_ids)
        promotions = await privacy.delete_personal_data(
            context.session, user.id, now=context.now(), keep_audit_actor=is_staff
        )
        # This update itself carries her name: erased with the rest, in one transaction.
        await inbox.forget_payload(context.session, update.update_id)
        context.scope.user = None
        await context.show(
            update,
            t("Your data was deleted. 🌸 If you need the office again, send /start."),
            for_her(t),
        )
        for promotion in promotions:
            await tell_promoted(context, promotion)
        _truncate_log_soon(context)
    else:
        await stale_button(update, context)


def _truncate_log_soon(context: BotContext) -> None:
    """Run the SQLite checkpoint job now: the first after an erasure truncates the log,
    which still holds old copies of the pages her rows were on (bot.core.checkpoint)."""
    queue = cast("JobQueue[Any] | None", context.job_queue)
    if queue is not None:
        # Soon after this update's transaction commits (right after the handler returns).
        queue.run_once(checkpoint_sqlite, when=0.5, name="checkpoint-after-erasure")


async def on_language(update: Update, context: BotContext) -> None:
    """lang:pick shows the choices; lang:<code> switches (before consent, only for now)."""
    press = LANGUAGE.decode(update.callback_query.data if update.callback_query else None)
    # Before consent, the poster link she came with travels in the buttons (see consent).
    if isinstance(press, PickLanguage):
        await context.show(
            update,
            context.t("Choose your language:"),
            for_her(context.t, languages(context.bot_data.catalogs.offered, press.carried_link)),
        )
        return
    if not isinstance(press, LanguageChoice):
        await stale_button(update, context)
        return
    choice, link = press.locale, press.carried_link
    context.scope.locale = choice
    if context.user is None:
        # Nothing is stored before consent: the choice lasts for this screen.
        await show_welcome(update, context, link=link)
        return
    context.user.locale = choice
    if context.user.registered_at is None:
        await ensure_registered(update, context)
    else:
        await show_menu(update, context, text=context.t("✅ Language changed. What do you need?"))


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=MY_DATA.pattern()))
    app.add_handler(CallbackQueryHandler(on_language, pattern=LANGUAGE.pattern()))
