"""Reading record ids that arrive from outside: button data, deep links, typed commands.

Everything in callback data and `/start` payloads can be forged, so an id is only
an id when it is a positive whole number the database can hold: record ids are
INTEGER columns (at most 2^31-1 on PostgreSQL), Telegram user ids are BIGINT
(at most 2^63-1). Anything else — negative, zero, "+1", " 1", "1e3", 2^31 — is
not a record, and the caller refuses it as a forged button instead of handing
PostgreSQL or SQLite a number they cannot compare (which raises, and reaches the
error handler). This module knows nothing of Telegram, so services use it too.
"""

from __future__ import annotations

import re

# bot.db.models: record ids are `Integer`, people's ids `BigInteger`.
MAX_RECORD_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1

_DIGITS = re.compile(r"[1-9][0-9]{0,18}")


def parse_id(text: str | None, *, limit: int = MAX_RECORD_ID) -> int | None:
    """The id `text` names, or None when it is not a positive whole number up to `limit`."""
    if text is None or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= limit else None


def parse_record_id(text: str | None) -> int | None:
    """A case, appointment, activity, draft… id (an INTEGER primary key)."""
    return parse_id(text, limit=MAX_RECORD_ID)


def parse_person_id(text: str | None) -> int | None:
    """A Telegram user id (stored as BIGINT)."""
    return parse_id(text, limit=MAX_BIG_ID)


def parse_small_number(text: str | None, *, limit: int = MAX_RECORD_ID) -> int | None:
    """A page or a position in a list shown on a button: 0 or more, and bounded."""
    if text == "0":
        return 0
    return parse_id(text, limit=limit)
