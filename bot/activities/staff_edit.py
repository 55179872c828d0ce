"""Saving an edited activity: one date of a series or every date, and telling the women
going. The new value was asked by the wizard (staff_draft.py, an edit draft) and is in
the draft's data; what happened is said in the wizard's message, edited in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update

from bot.activities import rules
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import views_staff as cards
from bot.activities.staff_card import next_key, queue_changed, redraw_card
from bot.core import audit
from bot.core import drafts as staff_drafts
from bot.core.context import BotContext
from bot.core.drafting import show_draft, staff_t
from bot.core.errors import DomainError, NotFound
from bot.db.models import StaffDraft

# Which wizard step asks for an edited field (codes from views_staff.EDIT_FIELDS); the
# step fills the draft's data key of its name.
EDIT_STEP = {
    "title": cards.TITLE,
    "desc": cards.DESCRIPTION,
    "when": cards.WHEN,
    "place": cards.PLACE,
    "cap": cards.CAPACITY,
    "photo": cards.PHOTO,
}


async def save_edit(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t, now, tz = staff_t(context), context.now(), context.settings.timezone
    session, data = context.session, dict(draft.data or {})
    person = update.effective_user
    assert person is not None
    activity_id, field, scope = int(data["activity_id"]), data["field"], data["scope"]
    key = activities.parse_occurrence_stamp(data["key"])
    assert key is not None
    name = cards.EDIT_FIELDS[field][0]
    step = EDIT_STEP[field]
    value: Any = data.get(step)
    if field == "when":
        value = datetime.fromisoformat(str(value))
    changes: dict[str, Any] = {name: value}
    series = await activities.find_activity(session, activity_id)
    try:
        if series is None:
            raise NotFound(f"activity {activity_id}")
        if scope == cards.ONE and series.rrule is not None:
            await activities.edit_occurrence(session, activity_id, key, now, tz, **changes)
            told = {u: key for u in await signups.who_is_coming(session, activity_id, key)}
        else:
            if field == "when" and series.rrule is not None:
                pattern = rules.repeat_of(series.rrule)
                local = value.astimezone(tz)
                if pattern is not None and pattern in rules.repeat_choices(local):
                    changes["rrule"] = rules.build_rule(pattern, local)
            await activities.edit_series(session, activity_id, now, **changes)
            if series.rrule is None:
                key = series.starts_at
                told = {u: key for u in await signups.who_is_coming(session, activity_id, key)}
            else:
                told = await signups.next_signups(session, activity_id, now)
                if field == "when":
                    key = await next_key(context, activity_id) or key
    except DomainError:
        await show_draft(
            context, draft, t("This activity or date no longer exists, or it was cancelled."), None
        )
        await staff_drafts.discard(session, draft)
        return
    audit.record(
        session,
        actor_id=person.id,
        action="activity_edit",
        detail=f"activity:{activity_id} {field} {scope} {activities.occurrence_stamp(key)}",
        now=now,
    )
    count = await queue_changed(context, activity_id, told, step)
    saved = t("✅ Saved.")
    told_text = t.plural(
        "{n} woman signed up will be told.", "{n} women signed up will be told.", count
    ).format(n=count)
    await show_draft(context, draft, f"{saved} {told_text}", None)
    await staff_drafts.discard(session, draft)
    await redraw_card(context, data.get("card"), activity_id, key)
