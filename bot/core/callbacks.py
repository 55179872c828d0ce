"""Callback data: who owns which prefix, and the typed codecs' shared rules.

Callback data is `prefix:arg:arg`, at most 64 bytes (Telegram's limit). Each domain
owns its prefixes; `PREFIXES` is the one table of them, so two domains can never
claim the same one. A domain's codec is a frozen dataclass per button kind with
`encode()` and a `decode()` that returns None for anything it cannot parse: the
handler treats that as forged (bot.core.authority.refuse_forged).

The wire format is kept as it is: buttons in messages already sent still work.
Domains not yet on a typed codec build their data with bot.core.keyboards.cb.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from bot.core.ids import parse_record_id
from bot.core.keyboards import cb, parse_cb

# prefix -> the domain that owns it
PREFIXES: dict[str, str] = {
    "x": "core",  # quick exit
    "m": "people",
    "off": "people",
    "c": "people",
    "r": "people",
    "rc": "people",
    "lang": "privacy",
    "me": "privacy",
    "id": "people",
    "net": "network",
    "nc": "network",
    "og": "network",
    "ol": "network",
    "olw": "network",
    "oln": "network",
    "so": "network",
    "sla": "network",
    "jn": "network",
    "n": "cases",
    "mc": "cases",
    "mca": "cases",
    "rd": "cases",
    "s": "cases",
    "ap": "appointments",
    "apr": "appointments",
    "sa": "appointments",
    "ac": "activities",
    "sx": "activities",
    "bc": "broadcasts",
    "sb": "broadcasts",
    "ad": "aid",
}


def pattern(prefix: str, *, bare: bool = False, only_bare: bool = False) -> str:
    """The handler pattern for this prefix's callback data: `prefix:…`; with `bare`,
    the prefix alone too; with `only_bare`, the prefix alone only."""
    if prefix not in PREFIXES:
        raise KeyError(f"unregistered callback prefix: {prefix!r}")
    if only_bare:
        return rf"^{prefix}$"
    return rf"^{prefix}(:|$)" if bare else rf"^{prefix}:"


def encode(prefix: str, *parts: object) -> str:
    """`prefix:part:part`, refused (ValueError) when over 64 bytes or unregistered."""
    if prefix not in PREFIXES:
        raise KeyError(f"unregistered callback prefix: {prefix!r}")
    return cb(prefix, *parts)


def split(prefix: str, data: str | None) -> list[str] | None:
    """The arguments after `prefix`, or None when the data is not this prefix's."""
    parts = parse_cb(data)
    if parts[0] != prefix or len(parts) < 2:
        return None
    return parts[1:]


@dataclass(frozen=True)
class RecordButton:
    """`<PREFIX>:<action>:<record id>[:<extra>]`: a button acting on one record.

    A domain subclasses it with its PREFIX. `action` stays a plain string when decoded,
    so an action this version does not know is answered "no longer active", not forged;
    data without a valid record id decodes to None (forged).
    """

    PREFIX: ClassVar[str]

    action: str
    record_id: int
    extra: str | None = None

    def encode(self) -> str:
        tail = () if self.extra is None else (self.extra,)
        return encode(self.PREFIX, self.action, self.record_id, *tail)

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        parts = split(cls.PREFIX, data)
        if parts is None:
            return None
        record_id = parse_record_id(parts[1] if len(parts) > 1 else None)
        if record_id is None:
            return None
        return cls(parts[0], record_id, parts[2] if len(parts) > 2 else None)
