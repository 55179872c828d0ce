"""What staff see of announcements once confirmed: progress, the final summary, the list.

Buttons: `sb:cl:<broadcast id>` asks to cancel one, `sb:cly:<id>` cancels it,
`sb:ls` shows the list again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot.broadcasts.callbacks import CancelBroadcast, ConfirmCancelBroadcast, ListBroadcasts
from bot.broadcasts.views import describe_audience
from bot.core.i18n import Translator
from bot.core.keyboards import button
from bot.db.models import Broadcast, BroadcastStatus

PREVIEW_CHARS = 40
STATUS_ICONS = {
    BroadcastStatus.DRAFT.value: "📝",
    BroadcastStatus.SCHEDULED.value: "🕒",
    BroadcastStatus.SENDING.value: "📤",
    BroadcastStatus.DONE.value: "✅",
    BroadcastStatus.CANCELLED.value: "✖️",
}


def remaining(counts: Mapping[str, int]) -> int:
    return counts.get("pending", 0) + counts.get("claimed", 0) + counts.get("attempting", 0)


def unknown_line(t: Translator, counts: Mapping[str, int]) -> list[str]:
    """Sends whose outcome is unknown (a time-out, a stopped bot): not failed, not resent."""
    count = counts.get("unknown", 0)
    if not count:
        return []
    return [t("❔ Unknown (may have arrived): {count}").format(count=count)]


def _when(t: Translator, moment: datetime, now: datetime) -> str:
    """A time today as "14:05", any other day with its date."""
    local, today = moment.astimezone(t.timezone), now.astimezone(t.timezone)
    return t.time(moment) if local.date() == today.date() else t.stamp(moment)


def progress_text(
    t: Translator,
    broadcast_id: int,
    counts: Mapping[str, int],
    now: datetime,
    finish_at: datetime | None,
) -> str:
    left = remaining(counts)
    lines = [
        t("📤 Announcement #{number}: sending").format(number=broadcast_id),
        t("✅ Sent: {count}").format(count=counts.get("sent", 0)),
        t("⚠️ Not delivered: {failed} (blocked the bot: {blocked})").format(
            failed=counts.get("failed", 0) + counts.get("blocked", 0),
            blocked=counts.get("blocked", 0),
        ),
        *unknown_line(t, counts),
        t("⏳ Remaining: {count}").format(count=left),
    ]
    if finish_at is not None and left:
        lines.append(t("🏁 Expected to finish around {time}").format(time=_when(t, finish_at, now)))
    return "\n".join(lines)


def summary_text(
    t: Translator,
    broadcast_id: int,
    counts: Mapping[str, int],
    took: timedelta | None,
    *,
    cancelled: bool = False,
) -> str:
    if cancelled:
        header = t("✖️ Announcement #{number}: cancelled").format(number=broadcast_id)
    else:
        header = t("✅ Announcement #{number}: finished").format(number=broadcast_id)
    lines = [
        header,
        t("📬 Sent: {count}").format(count=counts.get("sent", 0)),
        t("🚫 Blocked the bot: {count}").format(count=counts.get("blocked", 0)),
        t("⚠️ Failed or not sent: {count}").format(count=counts.get("failed", 0)),
        *unknown_line(t, counts),
    ]
    if took is not None:
        lines.append(t("⏱️ Took {duration}").format(duration=t.duration(took)))
    return "\n".join(lines)


def _outcome_labels(t: Translator, counts: Mapping[str, int]) -> list[str]:
    """ "3 sent", "1 blocked", "0 failed", and unknown ones only when there are some."""
    sent, blocked = counts.get("sent", 0), counts.get("blocked", 0)
    failed, unknown = counts.get("failed", 0), counts.get("unknown", 0)
    labels = [
        t.plural("{n} sent", "{n} sent", sent).format(n=sent),
        t.plural("{n} blocked", "{n} blocked", blocked).format(n=blocked),
        t.plural("{n} failed", "{n} failed", failed).format(n=failed),
    ]
    if unknown:
        labels.append(
            t.plural(
                "{n} unknown (may have arrived)", "{n} unknown (may have arrived)", unknown
            ).format(n=unknown)
        )
    return labels


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"


def _line(t: Translator, broadcast: Broadcast, counts: Mapping[str, int], now: datetime) -> str:
    icon = STATUS_ICONS.get(broadcast.status, "•")
    photo = "🖼️ " if broadcast.photo_file_id else ""
    first = f"{icon} #{broadcast.id} · {photo}«{_excerpt(broadcast.text)}»"
    audience = t("👥 {audience}").format(audience=describe_audience(t, broadcast.audience))
    if broadcast.status == BroadcastStatus.SCHEDULED.value and broadcast.send_at is not None:
        state = t("scheduled for {when}").format(when=t.stamp(broadcast.send_at))
    elif broadcast.status == BroadcastStatus.SENDING.value:
        left = remaining(counts)
        state = t("sending: {progress}").format(
            progress=", ".join(
                [
                    t.plural("{n} sent", "{n} sent", counts.get("sent", 0)).format(
                        n=counts.get("sent", 0)
                    ),
                    t.plural("{n} to go", "{n} to go", left).format(n=left),
                ]
            )
        )
    else:
        done = broadcast.finished_at or broadcast.started_at or broadcast.created_at
        if broadcast.status == BroadcastStatus.CANCELLED.value:
            state = t("cancelled {when}").format(when=t.stamp(done))
        else:
            state = t("finished {when}").format(when=t.stamp(done))
        if sum(counts.values()):
            state += " · " + ", ".join(_outcome_labels(t, counts))
    return f"{first}\n   {audience}\n   {state}"


def list_text(
    t: Translator,
    listed: Sequence[Broadcast],
    counts: Mapping[int, Mapping[str, int]],
    now: datetime,
    note: str | None = None,
) -> str:
    lines = [note, ""] if note else []
    lines.append(t("📣 Announcements: scheduled, sending and the latest"))
    if not listed:
        lines.append(t("None yet. Write one with /anuncio."))
    for broadcast in listed:
        lines.append("")
        lines.append(_line(t, broadcast, counts.get(broadcast.id, {}), now))
    return "\n".join(lines)


def cancellable(broadcast: Broadcast) -> bool:
    return broadcast.status in (BroadcastStatus.SCHEDULED.value, BroadcastStatus.SENDING.value)


def list_keyboard(t: Translator, listed: Sequence[Broadcast]) -> InlineKeyboardMarkup | None:
    rows = [
        [button(t("✖️ Cancel #{number}").format(number=b.id), CancelBroadcast(b.id))]
        for b in listed
        if cancellable(b)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def confirm_cancel_text(t: Translator, broadcast: Broadcast) -> str:
    return t(
        "Cancel announcement #{number}? Women who did not get it yet will not receive it."
    ).format(number=broadcast.id)


def confirm_cancel_keyboard(t: Translator, broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t("✖️ Yes, cancel it"), ConfirmCancelBroadcast(broadcast_id))],
            [button(t("↩️ No, go back"), ListBroadcasts())],
        ]
    )
