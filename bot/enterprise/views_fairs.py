"""Texts and keyboards of fairs, as pure functions: her screens, her notices, the staff
card of an application and the staff view of a fair."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.service_series import Occurrence, occurrence_stamp
from bot.core.i18n import N_, Translator
from bot.core.keyboards import button, for_her
from bot.db.models import FairApplication, FairApplicationStatus, User
from bot.enterprise.callbacks import (
    Accept,
    ApplyToFair,
    AssignStand,
    Decline,
    EnterpriseHome,
    ExportExhibitors,
    FairList,
    NoPhoto,
    PendingCards,
    SendApplication,
    ShowPhoto,
    StaffFair,
    StaffFairs,
    StandsChoice,
    ViewFair,
    Withdraw,
    WithdrawQuestion,
)
from bot.enterprise.service_fairs import MAX_STANDS, STANDING

STATUS_FOR_HER = {
    FairApplicationStatus.PENDING: N_("📨 Your application was sent: the office will answer soon."),
    FairApplicationStatus.ACCEPTED: N_("✅ You are an exhibitor at this fair."),
    FairApplicationStatus.DECLINED: N_("This time your application was not accepted."),
    FairApplicationStatus.WITHDRAWN: N_("You withdrew your application."),
}
STATUS_FOR_STAFF = {
    FairApplicationStatus.PENDING: N_("⏳ Waiting for a decision"),
    FairApplicationStatus.ACCEPTED: N_("✅ Accepted"),
    FairApplicationStatus.DECLINED: N_("❌ Declined"),
    FairApplicationStatus.WITHDRAWN: N_("↩️ Withdrawn by her"),
}


def _when_where(t: Translator, fair: Occurrence) -> str:
    lines = [f"📅 {t.date_and_time(fair.starts_at)}"]
    if fair.details.place:
        lines.append(f"📍 {fair.details.place}")
    return "\n".join(lines)


def _stamp(fair: Occurrence) -> str:
    return occurrence_stamp(fair.key)


# ── Her side ──────────────────────────────────────────────────────────────────


def list_text(t: Translator, fairs: Sequence[Occurrence]) -> str:
    if not fairs:
        return t("🧺 There are no fairs coming up right now. We will announce the next ones.")
    return t("🧺 Coming fairs. Choose one to see it and apply as an exhibitor:")


def list_keyboard(t: Translator, fairs: Sequence[Occurrence]) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                f"🧺 {fair.details.title[:40]} · {t.short_date(fair.starts_at)}",
                ViewFair(fair.activity_id, _stamp(fair)),
            )
        ]
        for fair in fairs[:10]
    ]
    rows.append([button(t("⬅️ Back"), EnterpriseHome())])
    return for_her(t, rows, menu=True)


def fair_text(
    t: Translator, fair: Occurrence, application: FairApplication | None, now_begun: bool
) -> str:
    parts = [f"🧺 {fair.details.title}", _when_where(t, fair)]
    if fair.details.description:
        parts.append(fair.details.description)
    if application is not None:
        status = t(STATUS_FOR_HER[FairApplicationStatus(application.status)])
        parts.append(status)
        if application.status == FairApplicationStatus.ACCEPTED and application.stand:
            parts.append(t("🏷️ Your stand: {stand}").format(stand=application.stand))
    elif now_begun:
        parts.append(t("This fair has already begun."))
    else:
        parts.append(t("Do you sell what you make? Apply to have a stand at this fair."))
    return "\n\n".join(parts)


def fair_keyboard(
    t: Translator, fair: Occurrence, application: FairApplication | None, begun: bool
) -> InlineKeyboardMarkup:
    rows = []
    if application is not None and application.status in STANDING:
        rows.append([button(t("✖️ Withdraw my application"), WithdrawQuestion(application.id))])
    elif not begun:
        rows.append(
            [button(t("📝 Apply as an exhibitor"), ApplyToFair(fair.activity_id, _stamp(fair)))]
        )
    rows.append([button(t("⬅️ Other fairs"), FairList())])
    return for_her(t, rows, menu=True)


def business_question(t: Translator) -> str:
    return t("📝 What is the name of your business? (up to {limit} characters)")


def products_question(t: Translator) -> str:
    return t("What do you sell? Write it in one message (up to {limit} characters).")


def photo_question(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("Continue without a photo"), NoPhoto())]], menu=True)


def stands_question(t: Translator) -> str:
    return t("How many stands do you need?")


def stands_keyboard(t: Translator) -> InlineKeyboardMarkup:
    row = [button(str(n), StandsChoice(n)) for n in range(1, MAX_STANDS + 1)]
    return for_her(t, [row], menu=True)


def confirm_text(t: Translator, fair_title: str, data: dict[str, object]) -> str:
    stands = int(str(data.get("stands", 1)))
    lines = [
        t("Please check your application to «{fair}»:").format(fair=fair_title),
        t("🏪 Business: {name}").format(name=data.get("business_name", "")),
        t("🧺 Products: {products}").format(products=data.get("products", "")),
        t("📷 Photo: {answer}").format(answer=t("yes") if data.get("photo") else t("no")),
        t.plural("🏷️ {count} stand", "🏷️ {count} stands", stands).format(count=stands),
    ]
    return "\n".join(lines)


def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("📨 Send my application"), SendApplication())]], menu=True)


def sent_text(t: Translator) -> str:
    return t(
        "📨 Thank you! Your application was sent. The office will tell you here when it is decided."
    )


def withdraw_question(t: Translator, application: FairApplication) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("✖️ Yes, withdraw it"), Withdraw(application.id))],
            [button(t("↩️ No, go back"), FairList())],
        ],
    )


def after_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("🧺 Fairs"), FairList())]], menu=True)


def accepted_notice(t: Translator, fair: Occurrence, application: FairApplication) -> str:
    stand = application.stand or t("to be assigned; we will tell you")
    parts = [
        t("🎉 Your application to exhibit at «{fair}» was accepted.").format(
            fair=fair.details.title
        ),
        _when_where(t, fair),
        t("🏷️ Your stand: {stand}").format(stand=stand),
    ]
    if fair.details.description:
        parts.append(fair.details.description)
    parts.append(t("We will remind you the day before. Bring your products and a tablecloth."))
    return "\n\n".join(parts)


def declined_notice(t: Translator, fair: Occurrence) -> str:
    return t(
        "About the fair «{fair}»: this time your application could not be accepted (there are "
        "only so many stands). You can apply to the next fairs."
    ).format(fair=fair.details.title)


def stand_notice(t: Translator, fair: Occurrence, stand: str) -> str:
    return t("🏷️ Your stand at «{fair}» ({when}): {stand}.").format(
        fair=fair.details.title, when=t.date_and_time(fair.starts_at), stand=stand
    )


# ── Staff side ────────────────────────────────────────────────────────────────


def staff_card(
    t: Translator, application: FairApplication, her: User | None, fair: Occurrence
) -> str:
    who = " · ".join(
        p for p in ((her.name if her else None), (her.community if her else None)) if p
    ) or t("(no name)")
    lines = [
        t("🧺 Exhibitor application #{number} · «{fair}», {when}").format(
            number=application.id, fair=fair.details.title, when=t.stamp(fair.starts_at)
        ),
        t("🏪 Business: {name}").format(name=application.business_name),
        t("🧺 Products: {products}").format(products=application.products),
        t.plural("🏷️ {count} stand", "🏷️ {count} stands", application.stands).format(
            count=application.stands
        ),
        t("👩 {who}").format(who=who),
        t(STATUS_FOR_STAFF[FairApplicationStatus(application.status)]),
    ]
    if application.stand:
        lines.append(t("🏷️ Stand: {stand}").format(stand=application.stand))
    return "\n".join(lines)


def staff_keyboard(t: Translator, application: FairApplication) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if application.status == FairApplicationStatus.PENDING:
        rows.append(
            [
                button(t("✅ Accept"), Accept(application.id)),
                button(t("❌ Decline"), Decline(application.id)),
            ]
        )
    elif application.status == FairApplicationStatus.ACCEPTED:
        rows.append([button(t("🏷️ Assign a stand"), AssignStand(application.id))])
    if application.photo_file_id:
        rows.append([button(t("📷 See the photo"), ShowPhoto(application.id))])
    return InlineKeyboardMarkup(rows)


def stand_question(t: Translator, application: FairApplication) -> str:
    return t(
        "🏷️ Reply with the stand for «{name}» (application #{number}), for example 12 or 12-13."
    ).format(name=application.business_name, number=application.id)


def staff_fairs_text(t: Translator, fairs: Sequence[Occurrence]) -> str:
    if not fairs:
        return t("🧺 There are no coming fairs. Create one with /actividad (kind: Fair).")
    return t("🧺 Coming fairs: choose one to see its exhibitors.")


def staff_fairs_keyboard(t: Translator, fairs: Sequence[Occurrence]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    f"🧺 {fair.details.title[:40]} · {t.stamp(fair.starts_at)}",
                    StaffFair(fair.activity_id, _stamp(fair)),
                )
            ]
            for fair in fairs[:20]
        ]
    )


def staff_fair_text(t: Translator, fair: Occurrence, counts: Counter[str]) -> str:
    return "\n".join(
        [
            f"🧺 {fair.details.title} · {t.stamp(fair.starts_at)}",
            t("⏳ Waiting: {n}").format(n=counts.get(FairApplicationStatus.PENDING, 0)),
            t("✅ Accepted: {n}").format(n=counts.get(FairApplicationStatus.ACCEPTED, 0)),
            t("❌ Declined: {n}").format(n=counts.get(FairApplicationStatus.DECLINED, 0)),
            t("↩️ Withdrawn: {n}").format(n=counts.get(FairApplicationStatus.WITHDRAWN, 0)),
        ]
    )


def staff_fair_keyboard(t: Translator, fair: Occurrence) -> InlineKeyboardMarkup:
    stamp = _stamp(fair)
    return InlineKeyboardMarkup(
        [
            [button(t("📋 Applications waiting"), PendingCards(fair.activity_id, stamp))],
            [
                button(
                    t("📊 Export the exhibitors (Excel)"), ExportExhibitors(fair.activity_id, stamp)
                )
            ],
            [button(t("⬅️ Fairs"), StaffFairs())],
        ]
    )
