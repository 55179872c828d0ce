"""Texts and keyboards of the network's organisations, leaders and women without a phone
(pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.service_series import Occurrence, occurrence_stamp
from bot.core.i18n import N_, Translator
from bot.core.keyboards import button, for_her
from bot.db.models import (
    MembershipStatus,
    NetworkWoman,
    Organization,
    OrganizationKind,
    OrganizationLevel,
    OrganizationMember,
)
from bot.network.callbacks import (
    AnnouncementDecision,
    LeaderAction,
    LeaderButton,
    LeaderHome,
    LeaderWomen,
    NewWoman,
    OrgAction,
    OrganizationsToJoin,
    OrgButton,
    ShowNetwork,
    StaffOrgAction,
    StaffOrgButton,
)
from bot.network.service import MemberLine, OrganizationSummary, SharedMembers

KINDS = {
    OrganizationKind.COMMITTEE: N_("Committee"),
    OrganizationKind.COOPERATIVE: N_("Cooperative"),
    OrganizationKind.ASSOCIATION: N_("Association"),
    OrganizationKind.COCODE_WOMEN: N_("COCODE women's commission"),
    OrganizationKind.SCHOOL_GROUP: N_("Entrepreneurship school group"),
    OrganizationKind.OTHER: N_("Other"),
}
LEVELS = {
    OrganizationLevel.COMMUNITY: N_("Community"),
    OrganizationLevel.MUNICIPAL: N_("Municipal"),
    OrganizationLevel.DEPARTMENTAL: N_("Departmental"),
}


def kind_label(t: Translator, kind: str) -> str:
    return t(KINDS[OrganizationKind(kind)]) if kind in KINDS else kind


def level_label(t: Translator, level: str) -> str:
    return t(LEVELS[OrganizationLevel(level)]) if level in LEVELS else level


def organization_line(t: Translator, organization: Organization) -> str:
    place = f" · {organization.community}" if organization.community else ""
    return f"{organization.name} ({kind_label(t, organization.kind)}, {level_label(t, organization.level)}{place})"


# ── Her screens ───────────────────────────────────────────────────────────────


def her_organizations_text(
    t: Translator, mine: Sequence[tuple[Organization, OrganizationMember]]
) -> str:
    if not mine:
        return t("You are not in any organization of the network yet.")
    lines = [t("Your organizations:")]
    for organization, member in mine:
        if member.status == MembershipStatus.REQUESTED:
            state = t("waiting for an answer")
        elif member.is_leader:
            state = t("leader")
        else:
            state = t("member")
        lines.append(f"• {organization.name} — {state}")
    return "\n".join(lines)


def her_organization_rows(
    t: Translator, mine: Sequence[tuple[Organization, OrganizationMember]], *, leader: bool
) -> list[list[InlineKeyboardButton]]:
    rows = [
        [
            button(
                t("🚪 Leave {name}").format(name=organization.name[:40]),
                OrgButton(OrgAction.LEAVE, organization.id),
            )
        ]
        for organization, _member in mine
    ]
    rows.append([button(t("➕ Join an organization"), OrganizationsToJoin())])
    if leader:
        rows.append([button(t("👑 Leader menu"), LeaderHome())])
    return rows


def to_join_keyboard(t: Translator, organizations: Sequence[Organization]) -> InlineKeyboardMarkup:
    rows = [[button(o.name[:60], OrgButton(OrgAction.JOIN, o.id))] for o in organizations[:30]]
    rows.append([button(t("◀️ Back"), ShowNetwork())])
    return for_her(t, rows, menu=True)


def share_question(t: Translator, organization: Organization) -> str:
    return t(
        "You are asking to join {name}. Its leaders will see that you asked.\n\n"
        "May its leaders also see your first name and community? You can say no."
    ).format(name=organization.name)


def share_keyboard(t: Translator, organization_id: int) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [
                button(
                    t("✅ Yes, they may"),
                    OrgButton(OrgAction.JOIN_SHARING, organization_id),
                )
            ],
            [
                button(
                    t("🙈 No, keep it private"),
                    OrgButton(OrgAction.JOIN_NOT_SHARING, organization_id),
                )
            ],
            [button(t("◀️ Back"), OrganizationsToJoin())],
        ],
    )


def join_request_text(t: Translator, organization: Organization, who: str | None) -> str:
    """To leaders and staff: someone asks to join (her name only if she agreed)."""
    return t("🤝 {who} asks to join {name}.").format(
        who=who or t("A woman"), name=organization.name
    )


def decide_keyboard(
    t: Translator, organization_id: int, user_id: int, *, staff: bool
) -> InlineKeyboardMarkup:
    kind, accept, decline = (
        (StaffOrgButton, StaffOrgAction.ACCEPT, StaffOrgAction.DECLINE)
        if staff
        else (LeaderButton, LeaderAction.ACCEPT, LeaderAction.DECLINE)
    )
    row = [
        button(t("✅ Accept"), kind(accept, organization_id, str(user_id))),
        button(t("❌ Decline"), kind(decline, organization_id, str(user_id))),
    ]
    # Staff decide in their group; a leader in her private chat (with her menu).
    return InlineKeyboardMarkup([row]) if staff else for_her(t, [row], menu=True)


# ── The leader's menu ─────────────────────────────────────────────────────────


def leader_home_keyboard(
    t: Translator, organizations: Sequence[Organization]
) -> InlineKeyboardMarkup:
    rows = [
        [button(f"👑 {o.name[:50]}", LeaderButton(LeaderAction.MENU, o.id))] for o in organizations
    ]
    rows.append([button(t("📵 Women without a phone I represent"), LeaderWomen())])
    return for_her(t, rows, menu=True)


def leader_menu_keyboard(t: Translator, organization_id: int) -> InlineKeyboardMarkup:
    def row(text: str, action: LeaderAction) -> list[InlineKeyboardButton]:
        return [button(text, LeaderButton(action, organization_id))]

    return for_her(
        t,
        [
            row(t("👥 Members"), LeaderAction.MEMBERS),
            row(t("📨 Requests to join"), LeaderAction.REQUESTS),
            row(t("🗓️ Coming activities"), LeaderAction.ACTIVITIES),
            row(t("📣 Request an announcement to my members"), LeaderAction.ANNOUNCE),
            [button(t("◀️ Back"), LeaderHome())],
        ],
        menu=True,
    )


def members_text(t: Translator, organization: Organization, found: SharedMembers) -> str:
    lines = [t("👥 Members of {name}:").format(name=organization.name)]
    for first_name, community in found.shared:
        lines.append(f"• {first_name}" + (f" — {community}" if community else ""))
    if found.others:
        lines.append(
            t.plural(
                "…and {count} member who chose not to share her details.",
                "…and {count} members who chose not to share their details.",
                found.others,
            ).format(count=found.others)
        )
    if not found.shared and not found.others:
        lines.append(t("No members yet."))
    return "\n".join(lines)


def activities_text(t: Translator, community: str | None, dates: Sequence[Occurrence]) -> str:
    if not dates:
        return t("No activities are coming for your community.")
    lines = [t("🗓️ Coming activities for {community}:").format(community=community or "—")]
    for occurrence in dates[:15]:
        place = f" — {occurrence.details.place}" if occurrence.details.place else ""
        lines.append(
            f"• {t.date_and_time(occurrence.starts_at)}: {occurrence.details.title}{place}"
        )
    return "\n".join(lines)


def announcement_for_staff(
    t: Translator, organization: Organization, leader_name: str | None, text: str
) -> str:
    return t(
        "📣 {leader}, leader of {name}, asks to send this announcement to its members:\n\n{text}"
    ).format(leader=leader_name or "—", name=organization.name, text=text)


def announcement_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("✅ Approve and send"), AnnouncementDecision("ok", request_id)),
                button(t("❌ Decline"), AnnouncementDecision("no", request_id)),
            ]
        ]
    )


# ── Women without a phone (the leader's side) ─────────────────────────────────


def women_keyboard(t: Translator, women: Sequence[NetworkWoman]) -> InlineKeyboardMarkup:
    rows = [
        [button(f"📵 {w.name[:40]}", LeaderButton(LeaderAction.WOMAN, w.id))] for w in women[:40]
    ]
    rows.append([button(t("➕ Register a woman without a phone"), NewWoman())])
    rows.append([button(t("◀️ Back"), LeaderHome())])
    return for_her(t, rows, menu=True)


def woman_keyboard(
    t: Translator, woman_id: int, coming: Sequence[tuple[int, Occurrence]] = ()
) -> InlineKeyboardMarkup:
    """What her leader can do for her; `coming`: her coming dates (sign-up id, date),
    each with a button to cancel it."""

    def row(
        text: str, action: LeaderAction, extra: str | None = None
    ) -> list[InlineKeyboardButton]:
        return [button(text, LeaderButton(action, woman_id, extra))]

    cancel = [
        [
            button(
                t("✖️ Cancel: {date}").format(date=t.stamp(occurrence.starts_at)),
                LeaderButton(LeaderAction.CANCEL, signup_id),
            )
        ]
        for signup_id, occurrence in coming[:10]
    ]
    return for_her(
        t,
        [
            *cancel,
            row(t("🗓️ Sign her up to an activity"), LeaderAction.DATES),
            row(t("✅ Record that she came"), LeaderAction.ATTENDANCE),
            row(t("🏠 Ask the office to visit her"), LeaderAction.CONTACT, "visit"),
            row(t("📞 Ask the office to call her"), LeaderAction.CONTACT, "call"),
            [button(t("◀️ Back"), LeaderWomen())],
        ],
        menu=True,
    )


def dates_keyboard(
    t: Translator, woman_id: int, dates: Sequence[Occurrence]
) -> InlineKeyboardMarkup:
    rows = []
    for occurrence in dates[:12]:
        extra = f"{occurrence.activity_id}_{occurrence_stamp(occurrence.key)}"
        label = f"{t.stamp(occurrence.starts_at)} {occurrence.details.title}"[:60]
        rows.append([button(label, LeaderButton(LeaderAction.SIGN_UP, woman_id, extra))])
    rows.append([button(t("◀️ Back"), LeaderButton(LeaderAction.WOMAN, woman_id))])
    return for_her(t, rows, menu=True)


# ── Staff ─────────────────────────────────────────────────────────────────────


def organizations_text(t: Translator, summaries: Sequence[OrganizationSummary]) -> str:
    if not summaries:
        return t("No organizations yet. Create one: /organizacion Name / Community")
    lines = [t("🤝 Organizations of the network:")]
    for summary in summaries:
        members, leaders, requests = summary.members, summary.leaders, summary.requests
        lines.append(
            t("#{number} {line}: {members}, {leaders}, {requests}").format(
                number=summary.organization.id,
                line=organization_line(t, summary.organization),
                members=t.plural("{count} member", "{count} members", members).format(
                    count=members
                ),
                leaders=t.plural("{count} leader", "{count} leaders", leaders).format(
                    count=leaders
                ),
                requests=t.plural("{count} request", "{count} requests", requests).format(
                    count=requests
                ),
            )
        )
    return "\n".join(lines)


def organization_card(t: Translator, organization: Organization) -> str:
    return t("🤝 Organization #{number}: {line}").format(
        number=organization.id, line=organization_line(t, organization)
    )


def organization_card_keyboard(t: Translator, organization: Organization) -> InlineKeyboardMarkup:
    org = organization.id
    kinds = [
        button(
            ("• " if organization.kind == kind else "") + t(label),
            StaffOrgButton(StaffOrgAction.KIND, org, kind.value),
        )
        for kind, label in KINDS.items()
    ]
    levels = [
        button(
            ("• " if organization.level == level else "") + t(label),
            StaffOrgButton(StaffOrgAction.LEVEL, org, level.value),
        )
        for level, label in LEVELS.items()
    ]
    return InlineKeyboardMarkup(
        [
            kinds[:2],
            kinds[2:4],
            kinds[4:],
            levels,
            [
                button(t("👥 Members"), StaffOrgButton(StaffOrgAction.MEMBERS, org)),
                button(t("📨 Requests"), StaffOrgButton(StaffOrgAction.REQUESTS, org)),
            ],
        ]
    )


def staff_members_text(
    t: Translator, organization: Organization, lines: Sequence[MemberLine], *, requests: bool
) -> str:
    title = (t("📨 Requests to join {name}:") if requests else t("👥 Members of {name}:")).format(
        name=organization.name
    )
    if not lines:
        return title + "\n" + t("None.")
    body = [
        f"• {line.name or '—'} ({line.community or '—'}) · {line.user_id}"
        + (" 👑" if line.is_leader else "")
        for line in lines
    ]
    return "\n".join([title, *body])


def staff_members_keyboard(
    t: Translator, organization_id: int, lines: Sequence[MemberLine], *, requests: bool
) -> InlineKeyboardMarkup:
    rows = []
    for line in lines[:30]:
        who = (line.name or str(line.user_id))[:24]
        if requests:
            rows.append(
                [
                    button(
                        t("✅ {name}").format(name=who),
                        StaffOrgButton(StaffOrgAction.ACCEPT, organization_id, str(line.user_id)),
                    ),
                    button(
                        t("❌ {name}").format(name=who),
                        StaffOrgButton(StaffOrgAction.DECLINE, organization_id, str(line.user_id)),
                    ),
                ]
            )
        elif line.is_leader:
            rows.append(
                [
                    button(
                        t("Remove as leader: {name}").format(name=who),
                        StaffOrgButton(
                            StaffOrgAction.NOT_LEADER, organization_id, str(line.user_id)
                        ),
                    )
                ]
            )
        else:
            rows.append(
                [
                    button(
                        t("👑 Name leader: {name}").format(name=who),
                        StaffOrgButton(StaffOrgAction.LEADER, organization_id, str(line.user_id)),
                    )
                ]
            )
    rows.append([button(t("◀️ Back"), StaffOrgButton(StaffOrgAction.CARD, organization_id))])
    return InlineKeyboardMarkup(rows)


def woman_line(woman: NetworkWoman) -> str:
    contact = f" · ☎ {woman.contact_id}" if woman.contact_id else " · ⚠"
    return f"#{woman.id} {woman.name} ({woman.community}){contact}"


def contact_request_text(t: Translator, kind: str, leader: str, woman: NetworkWoman) -> str:
    """To staff: a leader asks the office to visit or call a woman; no topic, ever."""
    text = (
        t(
            "🏠 {leader} asks the office to visit {name} (#{number}, {community}). No topic was given."
        )
        if kind == "visit"
        else t(
            "📞 {leader} asks the office to call {name} (#{number}, {community}) through her. "
            "No topic was given."
        )
    )
    return text.format(leader=leader, name=woman.name, number=woman.id, community=woman.community)


def orphans_text(t: Translator, numbers: Sequence[int]) -> str:
    """To staff: a leader deleted her data; these women need a new contact."""
    return t(
        "🤝 A leader deleted her data. These women without a phone need a new contact: "
        "{numbers}. Name one with /contacto_sin_telefono NUMBER USER_ID."
    ).format(numbers=", ".join(f"#{n}" for n in numbers))
