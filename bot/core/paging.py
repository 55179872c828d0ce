"""Long lists of choices as buttons, a page at a time (communities, mostly).

Telegram shows a long keyboard as a wall; eight choices and ◀️/▶️ read better on a
small phone. The callers say what a choice's button and a page-turning button are
(their callback data differ); the paging itself is done once, here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton

from bot.core.i18n import Translator

COMMUNITIES_PER_PAGE = 8


def paged_rows(
    t: Translator,
    options: Sequence[str],
    page: int,
    *,
    choice: Callable[[int, str], InlineKeyboardButton],
    turn: Callable[[str, int], InlineKeyboardButton],
) -> list[list[InlineKeyboardButton]]:
    """A row per option on `page` (`choice(index, option)`), then a row to turn the page
    (`turn(label, page)`) when there is more than one; a page out of range shows the
    nearest."""
    pages = max(1, -(-len(options) // COMMUNITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    start = page * COMMUNITIES_PER_PAGE
    rows = [
        [choice(index, name)]
        for index, name in enumerate(options[start : start + COMMUNITIES_PER_PAGE], start)
    ]
    nav = []
    if page > 0:
        nav.append(turn(t("◀️ Previous"), page - 1))
    if page < pages - 1:
        nav.append(turn(t("More ▶️"), page + 1))
    if nav:
        rows.append(nav)
    return rows
