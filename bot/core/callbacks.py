"""Callback data: who owns which prefix, and the typed codecs that build and read it.

Callback data is `prefix[:action]:field:field`, at most 64 bytes (Telegram's limit).
Each domain owns its prefixes; `PREFIXES` is the one table of them, so two domains can
never claim the same one. Every prefix has one `Codec`, built in its owner's
`bot/<domain>/callbacks.py` (core's own here) and registered in `CODECS` as it is built.

A codec is a set of button kinds, each a frozen dataclass subclassing `Button`, with its
prefix and action (the fixed word after the prefix, if any) as class arguments —
`class ViewCase(Button, prefix="mc", action="v")` — and its fields, in wire order, typed
by how they are read — `RecordId` (an id the database can hold), `Number` (a page or a
position), a `StrEnum` or `one_of(...)` (a closed set), `str` (any non-empty word). A
field defaulting to None may be left off the end. `encode()` writes the data; `decode()`
returns None for anything it cannot parse (another prefix, parts missing or left over,
an id that is not one, a choice not in the set), and the handler answers it as stale or
forged (bot.core.authority.refuse_undecoded) without touching anything.

The wire format is the one buttons already sent carry: changing a codec's shape breaks
them, so tests pin it.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from bot.core.ids import parse_record_id, parse_small_number

MAX_CALLBACK_BYTES = 64

# prefix -> the domain that owns it
PREFIXES: dict[str, str] = {
    "x": "core",  # quick exit
    "m": "core",  # the 🏠 menu button every keyboard of hers ends with (bot.core.keyboards)
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
    "pc": "activities",  # the pregnant women's club, her side
    "scl": "activities",  # the pregnant women's club, staff side
    "bc": "broadcasts",
    "sb": "broadcasts",
    "ad": "aid",
    "cqd": "network",
    "cqc": "network",
    "cv": "network",
    "cvl": "network",
    "pp": "network",
    "ppn": "network",
    "ppl": "network",
    "sp": "network",
    "en": "enterprise",
    "fa": "enterprise",
    "sf": "enterprise",
    "bd": "enterprise",
    "sc": "enterprise",
    "ss": "enterprise",
}

Parser = Callable[[str], Any]


def token(text: str) -> str | None:
    """Any non-empty word (a key, a slot, an institution's index kept as text)."""
    return text or None


def one_of(*choices: str) -> Parser:
    """A closed set of words: anything else is refused."""
    allowed = frozenset(choices)
    return lambda text: text if text in allowed else None


# A deep-link payload (`/start <payload>`): before consent nothing is stored, so the one
# she came with travels in the welcome screen's buttons (bot.people.her_welcome).
LINK_SHAPE = re.compile(r"[A-Za-z0-9_]{1,40}")


def deep_link(text: str | None) -> str | None:
    """The payload, when it is shaped like one of ours (else it is dropped, not carried)."""
    return text if text is not None and LINK_SHAPE.fullmatch(text) else None


# How a field is read: annotate it `RecordId`, `Number`, `Annotated[str, one_of(...)]`…
RecordId = Annotated[int, parse_record_id]
Number = Annotated[int, parse_small_number]


def pattern(prefix: str, *, bare: bool = False, only_bare: bool = False) -> str:
    """The handler pattern for this prefix's callback data: `prefix:…`; with `bare`,
    the prefix alone too; with `only_bare`, the prefix alone only."""
    if prefix not in PREFIXES:
        raise KeyError(f"unregistered callback prefix: {prefix!r}")
    if only_bare:
        return rf"^{prefix}$"
    return rf"^{prefix}(:|$)" if bare else rf"^{prefix}:"


def encode(prefix: str, *parts: object) -> str:
    """`prefix:part:part`, refused (ValueError) when over 64 bytes, KeyError when unregistered."""
    if prefix not in PREFIXES:
        raise KeyError(f"unregistered callback prefix: {prefix!r}")
    data = ":".join(str(p) for p in (prefix, *parts))
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def split(prefix: str, data: str | None) -> list[str] | None:
    """The parts after `prefix` (maybe none), or None when the data is not this prefix's."""
    if not data:
        return None
    parts = data.split(":")
    return parts[1:] if parts[0] == prefix else None


@dataclass(frozen=True)
class _Field:
    name: str
    parse: Parser
    optional: bool


def _parser(annotation: Any) -> Parser:
    if typing.get_origin(annotation) is Annotated:
        return typing.cast(Parser, annotation.__metadata__[0])
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        kind = annotation

        def member(text: str) -> Any:
            try:
                return kind(text)
            except ValueError:
                return None

        return member
    if annotation is str:
        return token
    raise TypeError(f"no parser for a callback field of type {annotation!r}")


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields(cls: type[Button]) -> tuple[_Field, ...]:
    """A kind's fields in wire order, with how each is read (worked out once a kind)."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls, include_extras=True)
        # Only a field defaulting to None may be left off the wire.
        found = tuple(
            _Field(f.name, _parser(_without_none(hints[f.name])), f.default is None)
            for f in fields(cls)
        )
        _FIELDS[cls] = found
    return found


@dataclass(frozen=True)
class Button:
    """One kind of button: `PREFIX[:ACTION]:<fields in order>` (see the module's docstring).

    Subclasses are frozen dataclasses; `valid()` adds rules between fields (decode
    refuses data that breaks them)."""

    PREFIX: ClassVar[str]
    ACTION: ClassVar[str | None] = None
    # The audit name when data with this ACTION does not decode (else the codec's).
    WHAT: ClassVar[str | None] = None

    def __init_subclass__(
        cls,
        prefix: str | None = None,
        action: str | None = None,
        what: str | None = None,
        **kwargs: Any,
    ) -> None:
        """`class ViewCase(Button, prefix="mc", action="v")`: a kind's fixed words."""
        super().__init_subclass__(**kwargs)
        if prefix is not None:
            cls.PREFIX = prefix
        if action is not None:
            cls.ACTION = action
        if what is not None:
            cls.WHAT = what

    def valid(self) -> bool:
        return True

    def encode(self) -> str:
        values = [getattr(self, f.name) for f in fields(self)]
        while values and values[-1] is None:
            values.pop()
        if any(v is None for v in values):
            raise ValueError(f"a missing field before a present one: {self!r}")
        head = () if self.ACTION is None else (self.ACTION,)
        return encode(self.PREFIX, *head, *values)

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        parts = split(cls.PREFIX, data)
        if parts is None:
            return None
        if cls.ACTION is not None:
            if not parts or parts[0] != cls.ACTION:
                return None
            parts = parts[1:]
        spec = _fields(cls)
        if not sum(not f.optional for f in spec) <= len(parts) <= len(spec):
            return None
        values = {}
        for f, text in zip(spec, parts, strict=False):
            value = f.parse(text)
            if value is None:
                return None
            values[f.name] = value
        press = cls(**values)
        return press if press.valid() else None

    @classmethod
    def takes_bare(cls) -> bool:
        """Whether the prefix alone is this kind's data."""
        return cls.ACTION is None and all(f.optional for f in _fields(cls))


B = TypeVar("B", bound=Button)

# prefix -> its codec: filled as each domain's callbacks module builds its codecs.
CODECS: dict[str, Codec[Any]] = {}


class Codec(Generic[B]):
    """All the button kinds of one prefix, registered in `CODECS` (one codec a prefix).

    Data of this prefix that does not decode is refused (bot.core.authority.refuse_undecoded):
    recorded as forged, `refused_<what>`, when `refusal` names it — the `WHAT` of the kind
    its action names, else the codec's `what` — and otherwise just answered as stale."""

    def __init__(self, *kinds: type[B], what: str | None = None) -> None:
        prefixes = {k.PREFIX for k in kinds}
        if len(prefixes) != 1:
            raise ValueError(f"one prefix per codec, not {sorted(prefixes)}")
        self.prefix = prefixes.pop()
        if self.prefix not in PREFIXES:
            raise KeyError(f"unregistered callback prefix: {self.prefix!r}")
        if self.prefix in CODECS:
            raise ValueError(f"two codecs for the prefix {self.prefix!r}")
        actions = [k.ACTION for k in kinds if k.ACTION is not None]
        if len(actions) != len(set(actions)):
            raise ValueError(f"two kinds of {self.prefix!r} share an action")
        # Kinds with a fixed action first: a kind without one reads whatever comes.
        self.kinds = tuple(sorted(kinds, key=lambda k: k.ACTION is None))
        self.what = what
        CODECS[self.prefix] = self

    def decode(self, data: str | None) -> B | None:
        for kind in self.kinds:
            press = kind.decode(data)
            if press is not None:
                return press
        return None

    def pattern(self) -> str:
        """The handler pattern matching this prefix's data (bare when a kind is)."""
        bare = [k.takes_bare() for k in self.kinds]
        only_bare = all(bare) and all(not _fields(k) for k in self.kinds)
        return pattern(self.prefix, bare=any(bare), only_bare=only_bare)

    def refusal(self, data: str | None) -> str | None:
        """The audit name for data that did not decode (None: not worth recording)."""
        parts = split(self.prefix, data) or [""]
        for kind in self.kinds:
            if kind.ACTION is not None and parts[0] == kind.ACTION:
                return kind.WHAT or self.what
        return self.what


@dataclass(frozen=True)
class RecordButton(Button):
    """`<PREFIX>:<action>:<record id>[:<extra>]`: a button acting on one record.

    A domain subclasses it with its PREFIX. `action` stays a plain string when decoded,
    so an action this version does not know is answered "no longer active", not forged;
    data without a valid record id decodes to None (forged).
    """

    action: str
    record_id: RecordId
    extra: str | None = None


# ── Core's own buttons ─────────────────────────────────────────────────────────


@dataclass(frozen=True)
class QuickExit(Button, prefix="x"):
    """`x`: erase the conversation from her phone (bot.core.quick_exit)."""


@dataclass(frozen=True)
class MenuButton(Button, prefix="m"):
    """`m`: back to her main menu (handled by bot.people.her_welcome)."""


QUICK_EXIT = Codec(QuickExit)
MENU = Codec(MenuButton)


class ChoiceAction(enum.StrEnum):
    PICK = "pick"
    PAGE = "page"
    OTHER = "other"


@dataclass(frozen=True)
class ChoiceButton(Button):
    """`<PREFIX>:pick:<index>`, `<PREFIX>:page:<page>`, `<PREFIX>:other`: a paged list of
    options (bot.core.keyboards.paged_choices); a domain subclasses it with its PREFIX."""

    action: ChoiceAction
    number: Number | None = None

    def valid(self) -> bool:
        return (self.number is None) == (self.action is ChoiceAction.OTHER)
