"""The baseline: a bare python-telegram-bot echo bot, as in PTB's own examples."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def main() -> None:
    url = os.environ["TELEGRAM_API_URL"].rstrip("/")
    app = (
        Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).base_url(f"{url}/bot").build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
