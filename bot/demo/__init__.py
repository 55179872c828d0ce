"""The simulator in the browser: `python -m bot demo`.

The real bot (`bot.app.BotRuntime`) runs against the Telegram stand-in (`bot.standin`),
on an SQLite file of its own and the example office, and a web page shows its chats side
by side: a woman's phone, the staff group, an outsider. Nothing reaches Telegram.

- `cast`: the people and the staff group of the demo.
- `clock`: moving the bot's clock forward (an hour, a day, to the next reminder).
- `view`: what the page shows of a chat, from the stand-in's records.
- `web`: the page and its JSON API (aiohttp, the bot's own HTTP stack).
- `runner`: starting and stopping all of it; `cli`: the command line.

The page is plain HTML, CSS and JavaScript under `static/` (no build step).
"""
