"""The database schema. Times are stored in UTC; rendering converts them."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), int: BigInteger()}


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class CaseOutcome(enum.StrEnum):
    ATTENDED = "attended"
    REFERRED = "referred"
    UNREACHABLE = "unreachable"


class MediaKind(enum.StrEnum):
    """What a case entry carries besides (or instead of) text."""

    TEXT = "text"
    VOICE = "voice"
    PHOTO = "photo"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"


class EntryKind(enum.StrEnum):
    """What one line of a case's history is."""

    HER_MESSAGE = "her_message"
    STAFF_REPLY = "staff_reply"
    INTERNAL_NOTE = "internal_note"
    ASSIGNED = "assigned"
    CLOSED = "closed"
    REOPENED = "reopened"


class User(Base):
    """A woman who consented to the office keeping her data."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    locale: Mapped[str] = mapped_column(String(8))
    consent_at: Mapped[datetime]
    name: Mapped[str | None] = mapped_column(String(128))
    community: Mapped[str | None] = mapped_column(String(128))
    age_group: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    registered_at: Mapped[datetime | None]
    # False once Telegram says she blocked the bot; she is not written to until she returns.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # Set when she asked to receive no announcements (broadcasts); NULL = she gets them.
    announcements_opt_out_at: Mapped[datetime | None]
    # Her people, language community and disability (bot.aid.identity holds the keys);
    # "undisclosed" when she preferred not to say, NULL when never asked.
    people: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(32))
    disability: Mapped[str | None] = mapped_column(String(16))
    # When she was asked (or skipped) these, so a registered woman is asked only once.
    identity_asked_at: Mapped[datetime | None]


class ConversationState(Base):
    """Where she is in a multi-step flow, so a restart does not lose her place."""

    __tablename__ = "conversation_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    step: Mapped[str] = mapped_column(String(48))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class Case(Base):
    """A need or risk a woman reported, followed by staff until closed."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # NULL once she deletes her data: the case stays as an anonymous count.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str] = mapped_column(String(32))
    community: Mapped[str | None] = mapped_column(String(128))
    age_group: Mapped[str | None] = mapped_column(String(16))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # For urgent cases: did she say she can talk safely now? None = not asked.
    safe_to_talk: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[CaseStatus] = mapped_column(String(16), default=CaseStatus.OPEN)
    assignee_id: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[CaseOutcome | None] = mapped_column(String(16))
    referred_to: Mapped[str | None] = mapped_column(String(128))
    staff_card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Its forum topic in the staff group (message_thread_id), when the group has topics.
    staff_topic_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    entries: Mapped[list[CaseEntry]] = relationship(
        back_populates="case", order_by="CaseEntry.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return format_reference(self.id)

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


def format_reference(case_id: int) -> str:
    return f"OMM-{case_id:06d}"


class CaseEntry(Base):
    """One line of a case's history: her messages, staff replies, notes, changes."""

    __tablename__ = "case_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EntryKind] = mapped_column(String(24))
    # Staff member for staff entries; None for hers.
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    media_kind: Mapped[MediaKind] = mapped_column(String(16), default=MediaKind.TEXT)
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="entries")


class NetworkMember(Base):
    """A woman in the office's women's network."""

    __tablename__ = "network_members"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    organization: Mapped[str | None] = mapped_column(String(128))
    community: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime]


class StaffMember(Base):
    """Someone admins allowed to act on cases from the staff group."""

    __tablename__ = "staff_members"

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(128))
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime]
    # An administrator named from Telegram (the person who linked the staff group with
    # /vincular), besides those in ADMIN_USER_IDS.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())


class WorkspaceSetting(Base):
    """What the office set up from Telegram rather than in .env: the staff group's id
    (after /vincular, or after Telegram moved the group to a supergroup), and the salt of
    the one-time set-up code while no group is linked. Keys: bot.people.service_workspace."""

    __tablename__ = "workspace_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime]


class AuditEvent(Base):
    """Who looked at or changed what, and refused attempts."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str | None] = mapped_column(String(256))


class StaffPostKind(enum.StrEnum):
    """What a queued staff post is about."""

    NEW_CASE = "new_case"
    HER_MESSAGE = "her_message"
    NEW_APPOINTMENT = "new_appointment"
    APPOINTMENT_CHANGED = "appointment_changed"
    # She deleted her data: the case's card becomes a neutral line, copies of her words go.
    ERASED = "erased"


class LinkPurpose(enum.StrEnum):
    """What a linked staff message is, so what a staff reply to it means."""

    CARD = "card"
    REPLY_PROMPT = "reply_prompt"
    NOTE_PROMPT = "note_prompt"
    HER_COPY = "her_message"
    DETAILS = "details"


class StaffPost(Base):
    """A message waiting to be posted for staff, sent by a job within the group limit."""

    __tablename__ = "staff_posts"
    __table_args__ = (Index("ix_staff_posts_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[StaffPostKind] = mapped_column(String(24))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("case_entries.id", ondelete="CASCADE"))
    # Posts about appointments (a new booking, her change) point here instead of at a case.
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Messages it took in the group, counted against the group's per-minute limit.
    group_messages: Mapped[int] = mapped_column(Integer, default=0)


class StaffMessageLink(Base):
    """Which case a bot message in a staff chat belongs to, so replies find their case."""

    __tablename__ = "staff_message_links"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(String(16))
    created_at: Mapped[datetime]


class TrackedMessage(Base):
    """A message id in a woman's private chat, so quick exit can delete it.

    Only ids are kept, never content, and only for the 48 hours Telegram lets a bot
    delete messages.
    """

    __tablename__ = "tracked_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(index=True)
    message_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(index=True)


class InboxUpdate(Base):
    """An update received from Telegram, stored before it is acknowledged.

    The payload is erased once processed; the row stays a while to deduplicate.
    """

    __tablename__ = "inbox_updates"
    __table_args__ = (
        Index("ix_inbox_pending", "processed_at", "update_id"),
        Index("ix_inbox_chat_pending", "chat_id", "update_id"),
    )

    update_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    payload: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The chat (or user) whose updates are processed in order, one replica at a time
    # (bot.core.chat_lanes); None for the rare update that belongs to nobody.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # written with the update's effects; not yet accepted by Telegram
    SENT = "sent"  # accepted; only the id of the message it made is kept, briefly


class OutboxMessage(Base):
    """An answer an update produced, written in the update's own transaction.

    It is sent right after that transaction commits; a process killed before that
    leaves it here, and the next start sends it. Its parameters (which may quote
    her) are erased as soon as Telegram accepts it.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_pending", "status", "chat_id", "id"),
        Index("ix_outbox_placeholder", "placeholder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    update_id: Mapped[int | None]
    chat_id: Mapped[int]
    # The Bot API method, e.g. sendMessage, editMessageText, deleteMessages.
    endpoint: Mapped[str] = mapped_column(String(40))
    # The parameters as the Bot API receives them (JSON object of JSON-encoded strings).
    params: Mapped[str | None] = mapped_column(Text)
    # What to send instead when Telegram refuses this with 400 (a list like params).
    fallback: Mapped[str | None] = mapped_column(Text)
    # The stand-in message id the handler saw; replaced by the real one once sent.
    placeholder: Mapped[int | None]
    # Rows whose columns hold the placeholder: [[table, {pk: value}, column], ...].
    fixups: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(String(12), default=OutboxStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Set when Telegram asked to wait (429) or could not be reached: not before then.
    not_before: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_message_id: Mapped[int | None]
    created_at: Mapped[datetime]


class AnonymousCount(Base):
    """Counters that survive data deletion (e.g. women who deleted their data)."""

    __tablename__ = "anonymous_counts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# ── Appointments ──────────────────────────────────────────────────────────────


class AppointmentStatus(enum.StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# An appointment in one of these holds its slot and gets reminders.
ACTIVE_APPOINTMENT_STATUSES = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)


class AppointmentKind(enum.StrEnum):
    SLOT = "slot"  # she chose a time
    CALLBACK = "callback"  # she asked to be called back instead
    VISIT = "visit"  # she asked to be visited instead


# The partial unique index below is SQL, written from the enums.
_HOLDS_SLOT = "kind = '{}' AND status IN ({})".format(
    AppointmentKind.SLOT.value, ", ".join(f"'{s.value}'" for s in ACTIVE_APPOINTMENT_STATUSES)
)


class Appointment(Base):
    """A time booked with a service, or her request to be called back or visited.

    Two active appointments can never hold the same slot of a service: the partial unique
    index `uq_appointments_active_slot` makes the database refuse the second one even when
    both are written at the same instant. Cancelling (or moving) an appointment takes it
    out of the index, which frees the slot.
    """

    __tablename__ = "appointments"
    __table_args__ = (
        Index(
            "uq_appointments_active_slot",
            "service",
            "starts_at",
            unique=True,
            sqlite_where=text(_HOLDS_SLOT),
            postgresql_where=text(_HOLDS_SLOT),
        ),
        Index("ix_appointments_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # NULL once she deletes her data: the appointment stays as an anonymous count.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    service: Mapped[str] = mapped_column(String(32))
    kind: Mapped[AppointmentKind] = mapped_column(String(16), default=AppointmentKind.SLOT)
    # UTC; NULL for a callback or visit request that has no time yet.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    status: Mapped[AppointmentStatus] = mapped_column(
        String(16), default=AppointmentStatus.REQUESTED
    )
    staff_card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    cancel_reason: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_APPOINTMENT_STATUSES


class ScheduleRule(Base):
    """One weekly opening window of a service, in the office's local time (staff-editable)."""

    __tablename__ = "schedule_rules"
    __table_args__ = (Index("ix_schedule_rules_service", "service", "weekday"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday, as date.weekday()
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class ScheduleException(Base):
    """A day that differs from the weekly hours: closed (all day or a window), or extra hours.

    `service` NULL applies to every service (a holiday, a staff training day).
    """

    __tablename__ = "schedule_exceptions"
    __table_args__ = (Index("ix_schedule_exceptions_date", "on_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str | None] = mapped_column(String(32))
    on_date: Mapped[date] = mapped_column(Date)
    # closed: no bookings that day (or only during start-end when given);
    # not closed: start-end are extra hours on top of the weekly ones.
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str | None] = mapped_column(String(256))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for due_at
    CLAIMED = "claimed"  # a sweeping process took it; it is being sent
    SENT = "sent"
    CANCELLED = "cancelled"  # appointment cancelled, moved, over, or a later reminder is due
    FAILED = "failed"  # gave up, or the outcome of a send is unknown (never sent twice)


class Reminder(Base):
    """A reminder to send her before an appointment; rows survive restarts.

    `ix_reminders_status_due` makes "pending reminders due by now" a range scan over the
    due rows only, however many future reminders wait.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    # When to send it; after a failed attempt, when to try again.
    due_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(8))  # "24h", "2h": hours before the start
    status: Mapped[ReminderStatus] = mapped_column(String(12), default=ReminderStatus.PENDING)
    claimed_at: Mapped[datetime | None]
    # The claiming process's token (host:pid:random), so only it can finish the claim.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Set just before the message is handed to Telegram (see bot.appointments.service_reminders).
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


# ── Broadcasts ────────────────────────────────────────────────────────────────


class BroadcastStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # waits for send_at
    SENDING = "sending"  # deliveries materialised; the sender works through them
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"  # a sender took it; its send has not begun
    ATTEMPTING = "attempting"  # handed to Telegram; outcome not yet recorded
    SENT = "sent"
    BLOCKED = "blocked"  # she blocked the bot (or the chat is gone)
    FAILED = "failed"  # refused or skipped: certainly not delivered
    # Its send began but the outcome was never learnt (a time-out, a killed process): it
    # may have arrived, and is never sent again.
    UNKNOWN = "unknown"


class Broadcast(Base):
    """An announcement from the office to a segment of women (see bot.broadcasts.service)."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    # Who receives it, e.g. {"kind": "everyone"} or {"kind": "communities", "communities": [..]}.
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[BroadcastStatus] = mapped_column(String(12), default=BroadcastStatus.DRAFT)
    send_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The staff message showing its progress, edited as deliveries go out.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # An announcement about an activity carries a "see it and sign up" button for this
    # date (or, without `occurrence_start`, the activity's next date).
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL", name="fk_broadcasts_activity_id")
    )
    occurrence_start: Mapped[datetime | None]


class BroadcastDelivery(Base):
    """One woman's copy of a broadcast: sent at most once (same rule as reminders)."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "user_id", name="uq_broadcast_deliveries_user"),
        Index("ix_broadcast_deliveries_pending", "broadcast_id", "status", "id"),
        # Finding the claims of processes that are gone (bot.core.liveness).
        Index("ix_broadcast_deliveries_claims", "status", "claimed_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE", name="fk_broadcast_deliveries_broadcast_id")
    )
    # No foreign key: a woman who deletes her data leaves the row (its user_id orphaned).
    user_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[DeliveryStatus] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(256))


# ── Activities ────────────────────────────────────────────────────────────────


class ActivityKind(enum.StrEnum):
    PREGNANT_CLUB = "pregnant_club"
    FAIR = "fair"
    TRAINING = "training"
    ENTREPRENEURSHIP_SCHOOL = "entrepreneurship_school"
    NETWORK_MEETING = "network_meeting"
    OTHER = "other"


class ActivityStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SignupStatus(enum.StrEnum):
    GOING = "going"
    WAITLIST = "waitlist"
    CANCELLED = "cancelled"


class Activity(Base):
    """A club, fair or training the office runs: one date, or a series (see bot.activities.service_series).

    A series has `rrule` (RFC 5545, in the office's local time, its time of day taken from
    `starts_at`). A row with `series_id` overrides one occurrence of that series: the one
    that would have started at `occurrence_start`; it is edited, or cancelled by status.
    """

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_status_starts_at", "status", "starts_at"),
        UniqueConstraint("series_id", "occurrence_start", name="uq_activities_series_occurrence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(256), default="")
    # NULL: for the whole municipality.
    community: Mapped[str | None] = mapped_column(String(128))
    capacity: Mapped[int | None] = mapped_column(Integer)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    status: Mapped[ActivityStatus] = mapped_column(String(12), default=ActivityStatus.SCHEDULED)
    rrule: Mapped[str | None] = mapped_column(String(512))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE", name="fk_activities_series_id"),
        index=True,
    )
    occurrence_start: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Signup(Base):
    """She is going to (or waiting for a place at) one occurrence of an activity.

    Exactly one of `user_id` (a woman on Telegram) and `woman_id` (a woman without a
    phone, signed up by her leader: bot.network.service_women) is set.
    """

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint(
            "activity_id", "occurrence_start", "user_id", name="uq_signups_occurrence_user"
        ),
        UniqueConstraint(
            "activity_id", "occurrence_start", "woman_id", name="uq_signups_occurrence_woman"
        ),
        CheckConstraint("(user_id IS NULL) <> (woman_id IS NULL)", name="ck_signups_one_person"),
        Index("ix_signups_occurrence_status", "activity_id", "occurrence_start", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("activities.id", ondelete="CASCADE", name="fk_signups_activity_id")
    )
    # Which date of a series (UTC); for a one-off activity, its start.
    occurrence_start: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_signups_user_id"), index=True
    )
    woman_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("network_women.id", ondelete="CASCADE", name="fk_signups_woman_id"),
        index=True,
    )
    status: Mapped[SignupStatus] = mapped_column(String(12), default=SignupStatus.GOING)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set by staff from the attendance list when she came.
    attended_at: Mapped[datetime | None]


class ActivitySubscription(Base):
    """A kind of activity she wants to hear about; no rows at all means every kind."""

    __tablename__ = "activity_subscriptions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_activity_subscriptions_user_id"),
        primary_key=True,
        autoincrement=False,
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)


# ── Staff drafts ──────────────────────────────────────────────────────────────


class DraftKind(enum.StrEnum):
    """What a staff draft composes."""

    ACTIVITY = "activity"
    BROADCAST = "broadcast"
    AID = "aid"
    CONSULTATION = "consultation"
    PROPOSAL = "proposal"  # the reason a proposal was not included
    STAND = "stand"  # the stand assigned to a fair exhibitor
    COURSE = "course"  # a course of the entrepreneurship school


class StaffDraft(Base):
    """Something a staff member is composing step by step in a staff chat (an activity,
    an announcement), kept in the database so a restart does not lose it.

    `prompt_message_id` is the bot's latest question: a reply to it is the next answer.
    """

    __tablename__ = "staff_drafts"
    __table_args__ = (Index("ix_staff_drafts_prompt", "chat_id", "prompt_message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[DraftKind] = mapped_column(String(16))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(32), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# ── Activity reminders ────────────────────────────────────────────────────────


class ReminderSlot(enum.StrEnum):
    """Which of an activity date's reminders a row is."""

    DAY_BEFORE = "day_before"
    MORNING_OF = "morning_of"


class ActivityReminder(Base):
    """A reminder of one date of an activity to a woman going
    (see bot.activities.service_reminders).

    Written by the sweep only once it is due, sent at most once. The unique constraint
    makes a second row for the same sign-up, slot ("day_before", "morning_of") and local
    day of the date impossible, however many sweeps run at once.
    """

    __tablename__ = "activity_reminders"
    __table_args__ = (
        UniqueConstraint(
            "signup_id", "slot", "occurrence_day", name="uq_activity_reminders_signup_slot_day"
        ),
        Index("ix_activity_reminders_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signup_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("signups.id", ondelete="CASCADE", name="fk_activity_reminders_signup_id"),
    )
    slot: Mapped[ReminderSlot] = mapped_column(String(12))
    # The office-local day of the start it reminds of: a date moved to another day is
    # reminded again, a date moved within its day is not.
    occurrence_day: Mapped[date] = mapped_column(Date)
    # When to send it; after a failed attempt, when to try again.
    due_at: Mapped[datetime]
    status: Mapped[ReminderStatus] = mapped_column(String(12), default=ReminderStatus.PENDING)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Set just before the message is handed to Telegram (never sent twice).
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


# ── Activity notices ──────────────────────────────────────────────────────────


class NoticeKind(enum.StrEnum):
    CHANGED = "changed"  # her date changed (time, place, title…): shown as it is now
    CANCELLED = "cancelled"  # her date, or every date, was cancelled


class ActivityNotice(Base):
    """Telling one woman going to an activity that it changed or was cancelled.

    Written in the staff member's transaction, sent by a sweep within the broadcast
    rate (bot.activities.jobs_notices), rendered in her language when sent, at most
    once: the same lifecycle and statuses as a broadcast delivery (DeliveryStatus).
    """

    __tablename__ = "activity_notices"
    __table_args__ = (Index("ix_activity_notices_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key (like broadcast deliveries): her rows go when she deletes her data.
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    activity_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("activities.id", ondelete="CASCADE", name="fk_activity_notices_activity_id"),
    )
    kind: Mapped[NoticeKind] = mapped_column(String(12))
    # What staff changed (title, when, place…; NULL for a cancellation).
    change: Mapped[str | None] = mapped_column(String(16))
    # Changed: the key of her date. Cancelled: the start of the cancelled date, NULL
    # when every date was cancelled.
    occurrence_key: Mapped[datetime | None]
    # Cancelled: the title as it was (the notice names it).
    title: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[DeliveryStatus] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    created_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(256))


# ── The pregnant women's club ─────────────────────────────────────────────────


class PregnancyFollow(Base):
    """She told the bot roughly when her baby is due, to be invited to the pregnant
    women's club (bot.activities.service_club).

    Sensitive: staff see the date only on a screen that records each view. `discreet`
    words every message about the club neutrally on the lock screen; it stays when she
    removes the date (her club reminders stay discreet). `invitations` is False once she
    asked to stop them. Her row goes when she deletes her data.
    """

    __tablename__ = "pregnancy_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_pregnancy_follows_user_id"),
        primary_key=True,
        autoincrement=False,
    )
    # Approximate (a month, or worked out from the month of pregnancy); NULL: removed.
    due_date: Mapped[date | None] = mapped_column(Date)
    discreet: Mapped[bool] = mapped_column(Boolean, default=True)
    invitations: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ClubInvitation(Base):
    """An invitation to one session of the club (one date of a pregnant_club activity),
    written by the sweep once due, sent at most once within the broadcast rate: the
    lifecycle and statuses of a broadcast delivery (DeliveryStatus;
    bot.activities.jobs_club). One per woman and session, however many sweeps run."""

    __tablename__ = "club_invitations"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "activity_id", "occurrence_key", name="uq_club_invitations_user_session"
        ),
        Index("ix_club_invitations_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_club_invitations_user_id")
    )
    activity_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("activities.id", ondelete="CASCADE", name="fk_club_invitations_activity_id"),
    )
    # The session's key (its original start, UTC): what her buttons name.
    occurrence_key: Mapped[datetime]
    # The one session after her due date.
    postpartum: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DeliveryStatus] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    created_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(256))


class Heartbeat(Base):
    """When the running bot last heard from Telegram, per source ("telegram": an answered
    getUpdates; with a webhook it would be a request). Written at most every 30 s by
    bot/core/heartbeat.py; `python -m bot health` reads it."""

    __tablename__ = "heartbeats"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    heard_at: Mapped[datetime]
    # When the row was last written: the database took a write then.
    written_at: Mapped[datetime]


# ── Social aid and reports ────────────────────────────────────────────────────


class AidDelivery(Base):
    """Aid the office gave: an item of the office file, to a woman (or a walk-in by name).

    Never deleted: a correction is an update written to the audit log; annulling sets
    `annulled_at`. When she erases her data the row loses her id and her name and stays
    as an anonymous count.
    """

    __tablename__ = "aid_deliveries"
    __table_args__ = (
        Index("ix_aid_deliveries_delivered_on", "delivered_on"),
        Index("ix_aid_deliveries_item_on", "item", "delivered_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item: Mapped[str] = mapped_column(String(32))
    # The plan line it counts towards (copied from the office file when recorded).
    plan_line: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    # Money items: the amount in cents of the local currency.
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    # A woman without Telegram: her name as staff typed it (NULL once erased).
    recipient_name: Mapped[str | None] = mapped_column(String(128), index=True)
    community: Mapped[str | None] = mapped_column(String(128))
    delivered_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    annulled_at: Mapped[datetime | None]
    annulled_by: Mapped[int | None] = mapped_column(BigInteger)
    annul_reason: Mapped[str | None] = mapped_column(String(256))


class MonthlyReport(Base):
    """One row per month whose report was posted to the staff group (bot.reports.jobs).

    Written before the report is sent, in the same transaction that claims it, so a
    restart never posts a month twice."""

    __tablename__ = "monthly_reports"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-10"
    posted_at: Mapped[datetime]


# ── Network: consultations and proposals ──────────────────────────────────────


class ConsultationStatus(enum.StrEnum):
    OPEN = "open"  # women can answer and change their answer
    CLOSED = "closed"  # answers are final; results were sent to those who took part


class Consultation(Base):
    """A question from the office to the network or to some communities, answered with
    buttons (bot.network.service_consultations)."""

    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_status_closes_at", "status", "closes_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    # Two to six answers, as staff typed them (button labels).
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Who is asked, as a broadcast audience (bot.broadcasts.service_audiences).
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ConsultationStatus] = mapped_column(String(12), default=ConsultationStatus.OPEN)
    closes_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # The results card in the staff group, edited (at most every few seconds) as answers
    # arrive: `card_dirty` says an answer came since it was last shown.
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    card_dirty: Mapped[bool] = mapped_column(Boolean, default=False)
    card_shown_at: Mapped[datetime | None]


class ConsultationVote(Base):
    """One woman's answer to a consultation (one per woman, changeable while it is open).

    `voter_key` is a keyed hash of the consultation and her Telegram id (the key is not in
    the database), so she can change her answer; for an anonymous consultation it is the
    only link to her, and it is erased when the consultation closes. `user_id` is set only
    when the consultation is not anonymous.
    """

    __tablename__ = "consultation_votes"
    __table_args__ = (
        UniqueConstraint("consultation_id", "voter_key", name="uq_consultation_votes_voter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey(
            "consultations.id", ondelete="CASCADE", name="fk_consultation_votes_consultation_id"
        )
    )
    voter_key: Mapped[str | None] = mapped_column(String(64))
    # No foreign key (like deliveries): her rows go when she deletes her data.
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    option: Mapped[int] = mapped_column(Integer)
    community: Mapped[str | None] = mapped_column(String(128))
    answered_at: Mapped[datetime | None]


class ConsultationTurnout(Base):
    """Who took part in a consultation (not what she answered): the results go to them."""

    __tablename__ = "consultation_turnout"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey(
            "consultations.id", ondelete="CASCADE", name="fk_consultation_turnout_consultation_id"
        ),
        primary_key=True,
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class ConsultationProxyAnswer(Base):
    """One answer a leader entered on behalf of a woman without a phone she represents,
    counted apart from the women's own answers. Names nobody."""

    __tablename__ = "consultation_proxy_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey(
            "consultations.id",
            ondelete="CASCADE",
            name="fk_consultation_proxy_answers_consultation_id",
        ),
        index=True,
    )
    option: Mapped[int] = mapped_column(Integer)
    community: Mapped[str | None] = mapped_column(String(128))
    # The leader who entered it (NULL once she deletes her data).
    entered_by: Mapped[int | None] = mapped_column(BigInteger, index=True)
    entered_at: Mapped[datetime]


class NetworkNoticeKind(enum.StrEnum):
    CONSULTATION = "consultation"  # the question, with its answer buttons
    RESULTS = "results"  # a closed consultation's results, to those who took part
    PROPOSAL = "proposal"  # a proposal she made or supported moved on


class NetworkNotice(Base):
    """A message of the network to one woman (a consultation, its results, news of a
    proposal), rendered in her language when sent, at most once: the same lifecycle and
    statuses as a broadcast delivery (DeliveryStatus; bot.network.jobs_consultations)."""

    __tablename__ = "network_notices"
    __table_args__ = (Index("ix_network_notices_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key (like broadcast deliveries): her rows go when she deletes her data.
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[NetworkNoticeKind] = mapped_column(String(16))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "consultations.id", ondelete="CASCADE", name="fk_network_notices_consultation_id"
        )
    )
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE", name="fk_network_notices_proposal_id")
    )
    status: Mapped[DeliveryStatus] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    created_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(256))


class ProposalKind(enum.StrEnum):
    ECONOMIC = "economic"
    SOCIAL = "social"
    CULTURAL = "cultural"
    POLITICAL = "political"


class ProposalStatus(enum.StrEnum):
    RECEIVED = "received"
    PRESENTED = "presented"  # presented to the municipal council
    INCLUDED = "included"  # included in the municipal plan and budget
    DONE = "done"
    NOT_INCLUDED = "not_included"  # with a reason


class Proposal(Base):
    """A woman's (or an organisation's) proposal for the municipal plan and budget.

    When she deletes her data the proposal stays as an anonymous record: `user_id` and
    her words (title, description) are erased (bot.network.service_proposals.forget_person).
    """

    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_community_status", "community", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # Submitted on behalf of an organisation (its name as she gave it), or NULL.
    organization: Mapped[str | None] = mapped_column(String(128))
    title: Mapped[str | None] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    community: Mapped[str] = mapped_column(String(128))
    kind: Mapped[ProposalKind] = mapped_column(String(16))
    status: Mapped[ProposalStatus] = mapped_column(String(16), default=ProposalStatus.RECEIVED)
    reason: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(BigInteger)


class ProposalSupport(Base):
    """A woman supports a proposal (once each)."""

    __tablename__ = "proposal_supports"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE", name="fk_proposal_supports_proposal_id"),
        primary_key=True,
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    supported_at: Mapped[datetime]


# ── The women's network: organisations, leaders, women without a phone ────────


class OrganizationKind(enum.StrEnum):
    COMMITTEE = "committee"
    COOPERATIVE = "cooperative"
    ASSOCIATION = "association"
    COCODE_WOMEN = "cocode_women"  # a COCODE's women's commission
    SCHOOL_GROUP = "school_group"  # a group of the entrepreneurship school
    OTHER = "other"


class OrganizationLevel(enum.StrEnum):
    COMMUNITY = "community"
    MUNICIPAL = "municipal"
    DEPARTMENTAL = "departmental"


class Organization(Base):
    """A women's organisation of the network (see bot.network.service)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(String(16), default=OrganizationKind.OTHER)
    level: Mapped[OrganizationLevel] = mapped_column(
        String(16), default=OrganizationLevel.COMMUNITY
    )
    # NULL for a municipal or departmental organisation that is of no one community.
    community: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MembershipStatus(enum.StrEnum):
    REQUESTED = "requested"  # she asked; a leader or staff accept or decline
    ACCEPTED = "accepted"


class OrganizationMember(Base):
    """She belongs (or asked to belong) to an organisation; a leader is a member too.

    `share` is her consent that the organisation's leaders see her first name and
    community; without it they see only that a member exists.
    """

    __tablename__ = "organization_members"

    organization_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[MembershipStatus] = mapped_column(
        String(12), default=MembershipStatus.REQUESTED
    )
    share: Mapped[bool] = mapped_column(Boolean, default=False)
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class LeaderAnnouncement(Base):
    """A leader's request to send an announcement to her organisation's members.

    Approved by staff, it becomes a Broadcast (audience: the organisation) and goes out
    through the announcements' durable, rate-limited delivery.
    """

    __tablename__ = "leader_announcements"
    __table_args__ = (Index("ix_leader_announcements_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("organizations.id", ondelete="CASCADE")
    )
    # NULL once she deletes her data (the request stays, as staff saw it).
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(String(12), default=RequestStatus.PENDING)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    broadcast_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("broadcasts.id", ondelete="SET NULL")
    )


class NetworkWoman(Base):
    """A woman of the network without Telegram (or a phone), registered by a leader or
    staff with her oral consent; her leader (`contact_id`) is her contact.

    Not a User row: users.id is her Telegram chat id, and every sender, audience and
    erasure relies on it being one; a woman here has none, so nothing can ever be sent
    "to" her by mistake. Sign-ups name her through `signups.woman_id`.
    """

    __tablename__ = "network_women"
    __table_args__ = (Index("ix_network_women_join_code", "join_code_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    community: Mapped[str] = mapped_column(String(128))
    age_group: Mapped[str | None] = mapped_column(String(16))
    people: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(32))
    disability: Mapped[str | None] = mapped_column(String(16))
    # Her oral consent: when, and to whom she gave it (a name, as said).
    consent_at: Mapped[datetime]
    consent_to: Mapped[str] = mapped_column(String(128))
    # Her leader; NULL when there is none (then staff are her contact).
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    registered_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    # A one-time code joining her own Telegram account to this record (sha256, hex).
    join_code_hash: Mapped[str | None] = mapped_column(String(64))
    join_code_expires_at: Mapped[datetime | None]


class SendSlot(Base):
    """One message handed to Telegram under the rate budget shared by replicas
    (bot.core.shared_pacing): it holds a place in the one-second window from `taken_at`
    until one second after `done_at`. Pruned after a few minutes."""

    __tablename__ = "send_slots"
    __table_args__ = (
        Index("ix_send_slots_scope", "scope", "done_at"),
        Index("ix_send_slots_chat", "chat_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[int]
    taken_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class JobRun(Base):
    """A job that must run once across replicas (the daily digest): its row for the day
    claims it, inserted in the transaction that runs it (bot.core.once)."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    ran_at: Mapped[datetime]


# ── Enterprise: fairs, the business directory, the entrepreneurship school ────


class FairApplicationStatus(enum.StrEnum):
    PENDING = "pending"  # staff have not decided yet
    ACCEPTED = "accepted"  # she exhibits (signed up to the fair's date for its reminders)
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # she took it back


class FairApplication(Base):
    """A woman applies to exhibit at one date of a fair (an activity of kind "fair")
    (bot.enterprise.service_fairs)."""

    __tablename__ = "fair_applications"
    __table_args__ = (
        UniqueConstraint(
            "activity_id", "occurrence_start", "user_id", name="uq_fair_applications_fair_user"
        ),
        Index("ix_fair_applications_fair_status", "activity_id", "occurrence_start", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE", name="fk_fair_applications_activity_id")
    )
    # Which date of the fair (its original start, as sign-ups name it).
    occurrence_start: Mapped[datetime]
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_fair_applications_user_id"),
        index=True,
    )
    business_name: Mapped[str] = mapped_column(String(80))
    products: Mapped[str] = mapped_column(String(400))
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    stands: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[FairApplicationStatus] = mapped_column(
        String(12), default=FairApplicationStatus.PENDING
    )
    # The stand (or stands) staff assigned: "12", "12-13", "A4".
    stand: Mapped[str | None] = mapped_column(String(32))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BusinessKind(enum.StrEnum):
    FOOD = "food"
    CRAFTS = "crafts"
    TEXTILES = "textiles"
    AGRICULTURE = "agriculture"
    BEAUTY = "beauty"
    SERVICES = "services"
    OTHER = "other"


class BusinessListing(Base):
    """Her business in the directory women browse (one per woman; she joins and leaves)."""

    __tablename__ = "business_listings"
    __table_args__ = (Index("ix_business_listings_community_kind", "community", "kind"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_business_listings_user_id"),
        primary_key=True,
        autoincrement=False,
    )
    name: Mapped[str] = mapped_column(String(80))
    products: Mapped[str] = mapped_column(String(400))
    community: Mapped[str] = mapped_column(String(128))
    kind: Mapped[BusinessKind] = mapped_column(String(16))
    # What she chose to publish for buyers to reach her (a phone, a market stall…).
    contact: Mapped[str] = mapped_column(String(80))
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Course(Base):
    """A cohort of the entrepreneurship school: sessions (dates of activities), enrolment
    with a limit, completion by attendance (bot.enterprise.service_school)."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(128))
    # At most this many women enrolled; NULL: no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Share of the sessions she must attend to complete it; NULL: the office file's.
    completion_percent: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class CourseSession(Base):
    """One date of an activity that is a session of a course."""

    __tablename__ = "course_sessions"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE", name="fk_course_sessions_course_id"),
        primary_key=True,
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE", name="fk_course_sessions_activity_id"),
        primary_key=True,
    )
    occurrence_start: Mapped[datetime] = mapped_column(primary_key=True)


class CourseEnrolment(Base):
    """She is enrolled in a course (and signed up to each of its coming sessions)."""

    __tablename__ = "course_enrolments"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE", name="fk_course_enrolments_course_id"),
        primary_key=True,
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_course_enrolments_user_id"),
        primary_key=True,
        index=True,
    )
    enrolled_at: Mapped[datetime]


class Certificate(Base):
    """A course completed: the PDF sent to her (a sweep, bot.enterprise.jobs_certificates).

    When she deletes her data the row stays as an anonymous count: `user_id` and `name`
    are erased."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE", name="fk_certificates_course_id"),
        index=True,
    )
    # No foreign key: the row outlives her data, as a count.
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    name: Mapped[str | None] = mapped_column(String(128))
    minutes: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    sessions: Mapped[int] = mapped_column(Integer)
    attended: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    issued_by: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[DeliveryStatus] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    sent_at: Mapped[datetime | None]
