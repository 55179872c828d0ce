"""The people domain's callback data (prefixes registered in bot.core.callbacks).

`off` office contacts; `c:<y|n>:<locale>[:<link>]` consent (the language she picked and
the deep link she came with ride along: nothing is stored before she agrees);
`r:name`, `r:age:<group>` and `rc:pick|page|other` registration; `id:…` her people,
language community and disability (the women's network's buttons are bot.network's).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

from bot.config import SUPPORTED_LOCALES
from bot.core.callbacks import Button, ChoiceButton, Codec, deep_link, one_of
from bot.core.ids import parse_small_number
from bot.core.users import AGE_GROUPS
from bot.people import identity

# ── Office contacts ─────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class OfficeContacts(Button, prefix="off"):
    pass


# ── Consent ─────────────────────────────────────────────────────────────────────


class ConsentChoice(enum.StrEnum):
    YES = "y"
    NO = "n"


@dataclass(frozen=True)
class ConsentButton(Button, prefix="c"):
    """She agrees or not, in the language she chose on the welcome screen. A link not
    shaped like ours is dropped (`carried_link`), not refused: she still agrees."""

    choice: ConsentChoice
    locale: Annotated[str, one_of(*SUPPORTED_LOCALES)]
    link: str | None = None

    @property
    def carried_link(self) -> str | None:
        return deep_link(self.link)


# ── Registration ────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class UseTelegramName(Button, prefix="r", action="name"):
    pass


@dataclass(frozen=True)
class AgeGroupButton(Button, prefix="r", action="age"):
    group: Annotated[str, one_of(*AGE_GROUPS)]


@dataclass(frozen=True)
class CommunityChoice(ChoiceButton, prefix="rc"):
    """Her community at registration, from the office's list (or typed)."""


# ── People, language community, disability ─────────────────────────────────────


def _language(text: str) -> str | None:
    """A fixed answer (spanish, other, undisclosed) or a community's index in the list."""
    if text in identity.FIXED_LANGUAGES or parse_small_number(text) is not None:
        return text
    return None


@dataclass(frozen=True)
class PeopleButton(Button, prefix="id", action="p"):
    people: Annotated[str, one_of(*identity.PEOPLES)]


@dataclass(frozen=True)
class LanguageButton(Button, prefix="id", action="l"):
    """`value` is a fixed answer, or the index of a language community (as text)."""

    value: Annotated[str, _language]

    @property
    def index(self) -> int | None:
        return parse_small_number(self.value)


@dataclass(frozen=True)
class DisabilityButton(Button, prefix="id", action="d"):
    value: Annotated[str, one_of(*identity.DISABILITY)]


@dataclass(frozen=True)
class SkipIdentity(Button, prefix="id", action="skip"):
    """ "Not now", to a woman registered before these questions existed."""


@dataclass(frozen=True)
class EditIdentity(Button, prefix="id", action="edit"):
    """From "my data": answer the three questions again."""


@dataclass(frozen=True)
class DeleteIdentity(Button, prefix="id", action="del"):
    """From "my data": forget her three answers."""


IdentityButton = (
    PeopleButton | LanguageButton | DisabilityButton | SkipIdentity | EditIdentity | DeleteIdentity
)

OFFICE = Codec(OfficeContacts)
CONSENT = Codec(ConsentButton)
REGISTRATION = Codec[UseTelegramName | AgeGroupButton](UseTelegramName, AgeGroupButton)
COMMUNITY = Codec(CommunityChoice)
IDENTITY = Codec[IdentityButton](
    PeopleButton, LanguageButton, DisabilityButton, SkipIdentity, EditIdentity, DeleteIdentity
)
