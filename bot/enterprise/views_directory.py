"""Texts and keyboards of the directory of women's businesses, as pure functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.core.i18n import N_, Translator
from bot.core.keyboards import button, for_her
from bot.core.paging import paged_rows
from bot.db.models import BusinessKind, BusinessListing
from bot.enterprise.callbacks import (
    ALL,
    BrowseCommunities,
    BrowseCommunity,
    BrowseKind,
    DirectoryHome,
    EnterpriseHome,
    JoinCommunity,
    JoinCommunityPage,
    JoinDirectory,
    JoinKind,
    JoinMyCommunity,
    LeaveDirectory,
    LeaveQuestion,
    SaveListing,
    ViewEntry,
)

KIND_LABELS = {
    BusinessKind.FOOD: N_("🍲 Food"),
    BusinessKind.CRAFTS: N_("🏺 Crafts"),
    BusinessKind.TEXTILES: N_("🧶 Weaving and textiles"),
    BusinessKind.AGRICULTURE: N_("🌽 Farming and animals"),
    BusinessKind.BEAUTY: N_("💇 Beauty"),
    BusinessKind.SERVICES: N_("🧰 Services"),
    BusinessKind.OTHER: N_("✨ Other"),
}


def kind_label(t: Translator, kind: str) -> str:
    return t(KIND_LABELS[BusinessKind(kind)]) if kind in set(BusinessKind) else kind


# ── Home ──────────────────────────────────────────────────────────────────────


def home_text(t: Translator, mine: BusinessListing | None) -> str:
    intro = t(
        "🏪 The directory of women's businesses: find what women of the municipality make "
        "and sell, and add your own business so buyers can find you."
    )
    if mine is None:
        return intro
    heading = t("Your business in the directory:")
    return f"{intro}\n\n{heading}\n{entry_text(t, mine)}"


def home_keyboard(t: Translator, mine: BusinessListing | None) -> InlineKeyboardMarkup:
    rows = [[button(t("🔎 Browse the businesses"), BrowseCommunities())]]
    if mine is None:
        rows.append([button(t("➕ Add my business"), JoinDirectory())])
    else:
        rows.append([button(t("✏️ Change my business"), JoinDirectory())])
        rows.append([button(t("🗑️ Leave the directory"), LeaveQuestion())])
    rows.append([button(t("⬅️ Back"), EnterpriseHome())])
    return for_her(t, rows, menu=True)


def entry_text(t: Translator, listing: BusinessListing) -> str:
    return "\n".join(
        [
            f"🏪 {listing.name}",
            kind_label(t, listing.kind),
            t("🧺 Products: {products}").format(products=listing.products),
            t("📍 {community}").format(community=listing.community),
            t("📞 Contact: {contact}").format(contact=listing.contact),
        ]
    )


# ── Browsing ──────────────────────────────────────────────────────────────────


def communities_text(t: Translator, found: Sequence[tuple[str, int]]) -> str:
    if not found:
        return t("There are no businesses in the directory yet. Be the first to add yours!")
    return t("🔎 Choose a community:")


def communities_keyboard(
    t: Translator, found: Sequence[tuple[str, int]], page: int
) -> InlineKeyboardMarkup:
    labels = [f"{name} ({count})" for name, count in found]
    rows = paged_rows(
        t,
        labels,
        page,
        choice=lambda index, label: button(label, BrowseCommunity(index)),
        turn=lambda label, to: button(label, BrowseCommunities(to)),
    )
    rows.append([button(t("⬅️ Back"), DirectoryHome())])
    return for_her(t, rows, menu=True)


def kinds_text(t: Translator, community: str) -> str:
    return t("🔎 Businesses of {community}: what are you looking for?").format(community=community)


def kinds_keyboard(t: Translator, index: int, counts: Counter[str]) -> InlineKeyboardMarkup:
    total = sum(counts.values())
    rows = [[button(t("All ({count})").format(count=total), BrowseKind(index, ALL))]]
    rows.extend(
        [button(f"{kind_label(t, kind)} ({counts[kind]})", BrowseKind(index, kind))]
        for kind in BusinessKind
        if counts.get(kind)
    )
    rows.append([button(t("⬅️ Communities"), BrowseCommunities())])
    return for_her(t, rows, menu=True)


def listings_text(t: Translator, community: str, kind: str, count: int) -> str:
    what = t("all kinds") if kind == ALL else kind_label(t, kind)
    if not count:
        return t("There are no businesses of this kind in {community} yet.").format(
            community=community
        )
    return t.plural(
        "🏪 {count} business in {community} ({what}). Choose one to see how to reach her:",
        "🏪 {count} businesses in {community} ({what}). Choose one to see how to reach her:",
        count,
    ).format(count=count, community=community, what=what)


def listings_keyboard(
    t: Translator,
    index: int,
    kind: str,
    listings: Sequence[BusinessListing],
    page: int,
) -> InlineKeyboardMarkup:
    rows = paged_rows(
        t,
        [f"🏪 {listing.name}" for listing in listings],
        page,
        choice=lambda at, label: button(label[:60], ViewEntry(index, kind, at)),
        turn=lambda label, to: button(label, BrowseKind(index, kind, to)),
    )
    rows.append([button(t("⬅️ Kinds"), BrowseCommunity(index))])
    return for_her(t, rows, menu=True)


def entry_keyboard(t: Translator, index: int, kind: str) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("⬅️ Back to the list"), BrowseKind(index, kind))]], menu=True)


# ── Joining ───────────────────────────────────────────────────────────────────


def name_question(t: Translator) -> str:
    return t("🏪 What is your business called? (up to {limit} characters)")


def products_question(t: Translator) -> str:
    return t("What do you make or sell? Write it in one message (up to {limit} characters).")


def contact_question(t: Translator) -> str:
    return t(
        "How can buyers reach you? Write only what you want to publish: a phone number, your "
        "market stall, or «ask at the Women's Office» (up to {limit} characters)."
    )


def community_question(t: Translator) -> str:
    return t("In which community is your business?")


def community_keyboard(
    t: Translator, communities: Sequence[str], page: int, mine: str | None
) -> InlineKeyboardMarkup:
    rows = []
    if mine:
        rows.append([button(t("📍 {community} (mine)").format(community=mine), JoinMyCommunity())])
    rows.extend(
        paged_rows(
            t,
            communities,
            page,
            choice=lambda index, name: button(name, JoinCommunity(index)),
            turn=lambda label, to: button(label, JoinCommunityPage(to)),
        )
    )
    return for_her(t, rows, menu=True)


def kind_question(t: Translator) -> str:
    return t("What kind of business is it?")


def kind_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(kind_label(t, k), JoinKind(k))] for k in BusinessKind], menu=True)


def confirm_text(t: Translator, data: dict[str, object]) -> str:
    return "\n".join(
        [
            t("This is what women will see in the directory:"),
            f"🏪 {data.get('name', '')}",
            kind_label(t, str(data.get("kind", ""))),
            t("🧺 Products: {products}").format(products=data.get("products", "")),
            t("📍 {community}").format(community=data.get("community", "")),
            t("📞 Contact: {contact}").format(contact=data.get("contact", "")),
        ]
    )


def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("✅ Publish it"), SaveListing())]], menu=True)


def saved_text(t: Translator) -> str:
    return t("✅ Your business is in the directory. You can change it or leave at any time.")


def leave_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🗑️ Yes, remove my business"), LeaveDirectory())],
            [button(t("↩️ No, go back"), DirectoryHome())],
        ],
    )


def left_text(t: Translator) -> str:
    return t("Your business was removed from the directory.")


def back_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("🏪 Women's businesses"), DirectoryHome())]], menu=True)
