"""The directory of women's businesses for staff: /directorio sends it as a spreadsheet
(to share with the Ministry of Economy, SOSEP or buyers). Audited."""

from __future__ import annotations

import io

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler

from bot.core.authority import record_action, require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.enterprise import exports
from bot.enterprise import service_directory as directory


async def export_command(update: Update, context: BotContext) -> None:
    """/directorio: every business of the directory, as XLSX."""
    if not await require_staff(update, context, "directory_export"):
        return
    chat = update.effective_chat
    assert chat is not None
    t = staff_t(context)
    rows = await directory.export(context.session)
    record_action(context, update, "directory_export", f"{len(rows)} rows")
    if not rows:
        await context.send(chat.id, t("🏪 The directory of women's businesses is still empty."))
        return
    data = exports.directory_xlsx(t, context.settings.office.name, rows)
    caption = t.plural(
        "🏪 {count} business in the directory.",
        "🏪 {count} businesses in the directory.",
        len(rows),
    ).format(count=len(rows))
    await context.bot.send_document(
        chat.id,
        document=InputFile(io.BytesIO(data), filename="directorio-negocios.xlsx"),
        caption=caption,
        message_thread_id=context.scope.thread_in(chat.id),
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("directorio", export_command))
