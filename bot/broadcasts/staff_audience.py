"""Announcements being composed: choosing who receives them.

Everyone · one or more communities · women who hear about some kinds of activity ·
the women's network · women signed up to an activity (one date, or every date from now
on). Choosing one shows the preview with its count (bot.broadcasts.staff_preview).
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.activities import service_series as activities
from bot.activities.callbacks import OnDate
from bot.activities.service_series import Occurrence
from bot.broadcasts import service as broadcasts
from bot.broadcasts import views as cards
from bot.broadcasts.callbacks import (
    ActivityDate,
    ActivityDateOnly,
    ActivityEveryDate,
    AudienceKind,
    AudienceMenu,
    CommunityPage,
    DoneChoosing,
    OnDraft,
    ToggleCommunity,
    ToggleType,
)
from bot.broadcasts.staff_preview import (
    AUDIENCE,
    ButtonHandler,
    draft_data,
    show_preview,
    stale,
    update_draft,
)
from bot.core.context import BotContext
from bot.core.drafting import show_choices, staff_t
from bot.core.errors import NotFound
from bot.db.models import StaffDraft


async def audience_menu(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t = staff_t(context)
    await show_choices(
        update,
        context,
        draft,
        cards.audience_menu_text(t),
        cards.audience_menu(t, draft.id),
        step=AUDIENCE,
    )


async def _show_communities(
    update: Update, context: BotContext, draft: StaffDraft, page: int
) -> None:
    t = staff_t(context)
    chosen = list(draft_data(draft).get("picking", {}).get("communities", []))
    markup = cards.communities_keyboard(
        t, draft.id, context.settings.office.communities, chosen, page
    )
    await show_choices(update, context, draft, cards.communities_text(t), markup, step=AUDIENCE)


async def _show_types(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t = staff_t(context)
    chosen = list(draft_data(draft).get("picking", {}).get("types", []))
    markup = cards.types_keyboard(t, draft.id, chosen)
    await show_choices(update, context, draft, cards.types_text(t), markup, step=AUDIENCE)


async def _show_activities(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t = staff_t(context)
    found = await activities.upcoming(context.session, context.now(), context.settings.timezone)
    if not found:
        await context.answer(cards.activities_text(t, found=False), alert=True)
        return
    markup = cards.activities_keyboard(t, draft.id, found)
    await show_choices(
        update, context, draft, cards.activities_text(t, found=True), markup, step=AUDIENCE
    )


async def _pick_kind(
    update: Update, context: BotContext, draft: StaffDraft, press: AudienceKind
) -> None:
    kind = press.kind
    confirmed = draft_data(draft).get("audience") or {}
    if kind in ("everyone", "network"):
        await _choose(update, context, draft, {"kind": kind})
    elif kind == "communities":
        previous = confirmed.get("communities", []) if confirmed.get("kind") == kind else []
        update_draft(context, draft, picking={"kind": kind, "communities": list(previous)})
        await _show_communities(update, context, draft, 0)
    elif kind == "activity_type":
        previous = confirmed.get("types", []) if confirmed.get("kind") == kind else []
        update_draft(context, draft, picking={"kind": kind, "types": list(previous)})
        await _show_types(update, context, draft)
    elif kind == "activity":
        await _show_activities(update, context, draft)
    else:
        await stale(context)


def _picking(draft: StaffDraft, kind: str, key: str) -> list[str]:
    picking = draft_data(draft).get("picking") or {}
    return list(picking.get(key, [])) if picking.get("kind") == kind else []


async def _toggle_community(
    update: Update, context: BotContext, draft: StaffDraft, press: ToggleCommunity
) -> None:
    names = context.settings.office.communities
    index = press.index
    if not 0 <= index < len(names):
        await stale(context)
        return
    chosen = _picking(draft, "communities", "communities")
    name = names[index]
    chosen = [c for c in chosen if c != name] if name in chosen else [*chosen, name]
    update_draft(context, draft, picking={"kind": "communities", "communities": chosen})
    await _show_communities(update, context, draft, cards.page_of(index))


async def _community_page(
    update: Update, context: BotContext, draft: StaffDraft, press: CommunityPage
) -> None:
    await _show_communities(update, context, draft, press.page)


async def _toggle_type(
    update: Update, context: BotContext, draft: StaffDraft, press: ToggleType
) -> None:
    kind = press.kind
    chosen = _picking(draft, "activity_type", "types")
    chosen = [k for k in chosen if k != kind] if kind in chosen else [*chosen, kind]
    update_draft(context, draft, picking={"kind": "activity_type", "types": chosen})
    await _show_types(update, context, draft)


async def _done_picking(
    update: Update, context: BotContext, draft: StaffDraft, press: DoneChoosing
) -> None:
    picking = draft_data(draft).get("picking") or {}
    kind = picking.get("kind")
    key = {"communities": "communities", "activity_type": "types"}.get(str(kind))
    if key is None or not picking.get(key):
        await context.answer(context.staff_t("Choose at least one."), alert=True)
        return
    await _choose(update, context, draft, {"kind": kind, key: list(picking[key])})


async def find_occurrence(
    update: Update, context: BotContext, press: OnDate | ActivityDate
) -> tuple[int, Occurrence] | None:
    """The activity date a button names; None after telling staff it is gone."""
    activity_id = press.activity_id
    when = activities.parse_occurrence_stamp(press.stamp)
    if when is None:
        await _gone(context)
        return None
    try:
        occurrence = await activities.get_occurrence(
            context.session, activity_id, when, context.settings.timezone
        )
    except NotFound:
        await _gone(context)
        return None
    return activity_id, occurrence


async def _gone(context: BotContext) -> None:
    t = staff_t(context)
    await context.answer(t("That date is no longer on the calendar."), alert=True)


async def _activity_audience(
    update: Update,
    context: BotContext,
    draft: StaffDraft,
    press: ActivityDate,
) -> None:
    """A date was chosen: for a series ask "this date or every date?" (unless the button
    says which)."""
    scope = (
        "every"
        if isinstance(press, ActivityEveryDate)
        else "only"
        if isinstance(press, ActivityDateOnly)
        else None
    )
    found = await find_occurrence(update, context, press)
    if found is None:
        return
    activity_id, occurrence = found
    series = occurrence.edited or occurrence.details.rrule is not None
    title = occurrence.details.title
    if scope == "every":
        audience: dict[str, Any] = {"kind": "activity", "activity_id": activity_id}
        await _choose(update, context, draft, audience, title)
    elif series and scope is None:
        t = staff_t(context)
        await show_choices(
            update,
            context,
            draft,
            cards.activity_scope_text(t, occurrence),
            cards.activity_scope_keyboard(t, draft.id, occurrence),
            step=AUDIENCE,
        )
    else:
        audience = {
            "kind": "activity",
            "activity_id": activity_id,
            "occurrence_start": occurrence.key.isoformat(),
        }
        await _choose(update, context, draft, audience, title)


async def _choose(
    update: Update,
    context: BotContext,
    draft: StaffDraft,
    audience: dict[str, Any],
    title: str = "",
) -> None:
    broadcasts.validate_audience(audience)
    update_draft(context, draft, audience=audience, audience_title=title)
    await show_preview(update, context, draft)


async def back_to_audience(
    update: Update, context: BotContext, draft: StaffDraft, press: AudienceMenu
) -> None:
    await audience_menu(update, context, draft)


BUTTONS: dict[type[OnDraft], ButtonHandler] = {
    AudienceMenu: back_to_audience,
    AudienceKind: _pick_kind,
    ToggleCommunity: _toggle_community,
    CommunityPage: _community_page,
    ToggleType: _toggle_type,
    DoneChoosing: _done_picking,
    ActivityDate: _activity_audience,
    ActivityDateOnly: _activity_audience,
    ActivityEveryDate: _activity_audience,
}
