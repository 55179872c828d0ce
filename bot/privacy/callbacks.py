"""The privacy domain's callback data (prefixes registered in bot.core.callbacks).

`me` her data, `me:del[:y]` deleting it (asked, then confirmed); `lang:pick[:<link>]` the
language choices and `lang:<locale>[:<link>]` one of them (before consent, the deep link
she came with rides along, as in bot.people.callbacks.ConsentButton: one not shaped like
ours is dropped, not refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.config import SUPPORTED_LOCALES
from bot.core.callbacks import Button, Codec, deep_link, one_of


@dataclass(frozen=True)
class MyData(Button, prefix="me"):
    pass


@dataclass(frozen=True)
class DeleteMyData(Button, prefix="me", action="del"):
    """`me:del` asks; `me:del:y` (confirmed) deletes."""

    confirmed: Annotated[str, one_of("y")] | None = None


@dataclass(frozen=True)
class PickLanguage(Button, prefix="lang", action="pick"):
    link: str | None = None

    @property
    def carried_link(self) -> str | None:
        return deep_link(self.link)


@dataclass(frozen=True)
class LanguageChoice(Button, prefix="lang"):
    locale: Annotated[str, one_of(*SUPPORTED_LOCALES)]
    link: str | None = None

    @property
    def carried_link(self) -> str | None:
        return deep_link(self.link)


MY_DATA = Codec[MyData | DeleteMyData](MyData, DeleteMyData)
LANGUAGE = Codec[PickLanguage | LanguageChoice](PickLanguage, LanguageChoice)
