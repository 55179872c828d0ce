"""The machine-readable Bot API spec (api.min.json), compiled once, plus validators.

Two validation modes share one implementation:

* request mode (``strict=False``): what Telegram accepts from a bot. Top-level form values
  are strings (objects/arrays JSON-encoded), numbers may be given as strings, booleans as
  "true"/"false".
* response mode (``strict=True``): what a Telegram server returns. JSON types must match
  exactly; used by :func:`assert_object_complete` to check objects produced by the fake.

Both modes reject unknown fields and missing required fields, recursively.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.data_files import shipped_path

from .markup import EntityParseError, parse_text

__all__ = [
    "DEFAULT_SPEC_PATH",
    "ApiSpec",
    "FieldSpec",
    "MethodSpec",
    "ObjectSpec",
    "SpecViolation",
    "UploadedFile",
    "assert_object_complete",
    "load_spec",
]

# Vendored with its licence (vendor/telegram-bot-api/), shipped in the package too.
DEFAULT_SPEC_PATH = shipped_path("vendor/telegram-bot-api/api.min.json")

# Type expressions are small tuples, cheap to dispatch on:
#   ("P", "Integer"|"Float"|"Boolean"|"String"|"InputFile")   primitive
#   ("A", inner)                                              Array of inner
#   ("O", name)                                               object type with fields
#   ("U", name)                                               abstract type with subtypes
#   ("X", name)                                               placeholder object without fields
TypeExpr = tuple[Any, ...]

_PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String", "InputFile", "True"})
_DISCRIMINATOR_FIELDS = ("type", "status", "source")
_CONST_RE = re.compile(r'(?:must be|always) "?([A-Za-z0-9_]+)"?')

# InlineKeyboardButton: "Exactly one of the fields other than text, icon_custom_emoji_id, and
# style must be used to specify the type of the button."
_BUTTON_NON_ACTION = frozenset({"text", "icon_custom_emoji_id", "style"})
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class SpecViolation(Exception):
    """A request or object does not conform to the Bot API.

    ``str(exc)`` is the description without the ``"Bad Request: "`` prefix.
    """


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return (
            f"UploadedFile(name={self.name!r}, filename={self.filename!r}, size={len(self.data)})"
        )


@dataclass(slots=True)
class FieldSpec:
    name: str
    types: tuple[TypeExpr, ...]
    type_names: tuple[str, ...]
    required: bool
    description: str


@dataclass(slots=True)
class ObjectSpec:
    name: str
    kind: str  # "O", "U" or "X"
    fields: dict[str, FieldSpec]
    required: tuple[str, ...]
    consts: dict[str, str]
    subtypes: tuple[TypeExpr, ...]


@dataclass(slots=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...]
    returns: tuple[TypeExpr, ...]
    return_names: tuple[str, ...]


def _short(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


class ApiSpec:
    """Compiled view of ``api.min.json``."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = str(raw.get("version", "?"))
        raw_types: Mapping[str, Any] = raw["types"]
        self._type_kind: dict[str, str] = {}
        for name, t in raw_types.items():
            if name == "InputFile":
                continue
            if t.get("fields"):
                self._type_kind[name] = "O"
            elif t.get("subtypes"):
                self._type_kind[name] = "U"
            else:
                self._type_kind[name] = "X"
        self.types: dict[str, ObjectSpec] = {}
        for name, t in raw_types.items():
            if name == "InputFile":
                continue
            fields = self._compile_fields(t.get("fields", ()))
            consts: dict[str, str] = {}
            for fname in _DISCRIMINATOR_FIELDS:
                f = fields.get(fname)
                if f is not None and f.required and f.type_names == ("String",):
                    m = _CONST_RE.search(f.description)
                    if m:
                        consts[fname] = m.group(1)
            self.types[name] = ObjectSpec(
                name=name,
                kind=self._type_kind[name],
                fields=fields,
                required=tuple(f.name for f in fields.values() if f.required),
                consts=consts,
                subtypes=tuple(self.parse_type(s) for s in t.get("subtypes", ())),
            )
        self.methods: dict[str, MethodSpec] = {}
        for name, m in raw["methods"].items():
            fields = self._compile_fields(m.get("fields", ()))
            returns = tuple(m.get("returns", ()))
            self.methods[name] = MethodSpec(
                name=name,
                fields=fields,
                required=tuple(f.name for f in fields.values() if f.required),
                returns=tuple(self.parse_type(r) for r in returns),
                return_names=returns,
            )
        self.methods_lower: dict[str, str] = {n.lower(): n for n in self.methods}
        self._object_hooks: dict[str, Callable[[dict[str, Any], str], None]] = {
            "InlineKeyboardButton": _check_inline_button,
            "BotCommand": _check_bot_command,
        }
        for name in self.types:
            if name.startswith("InputMedia"):
                self._object_hooks[name] = _check_input_media

    # ------------------------------------------------------------------ compiling

    def _compile_fields(self, raw_fields: Any) -> dict[str, FieldSpec]:
        out: dict[str, FieldSpec] = {}
        for f in raw_fields:
            names = tuple(f["types"])
            out[f["name"]] = FieldSpec(
                name=f["name"],
                types=tuple(self.parse_type(t) for t in names),
                type_names=names,
                required=bool(f.get("required")),
                description=f.get("description", ""),
            )
        return out

    def parse_type(self, s: str) -> TypeExpr:
        """Compile a spec type string such as ``"Array of Array of PhotoSize"``."""
        if s.startswith("Array of "):
            return ("A", self.parse_type(s[9:]))
        if s in _PRIMITIVES:
            return ("P", "Boolean" if s == "True" else s)
        kind = self._type_kind.get(s)
        if kind is None:
            raise KeyError(f"unknown type in spec: {s}")
        return (kind, s)

    @staticmethod
    def type_str(t: TypeExpr) -> str:
        return "Array of " + ApiSpec.type_str(t[1]) if t[0] == "A" else str(t[1])

    # ------------------------------------------------------------------ requests

    def resolve_method(self, name: str) -> str | None:
        """Telegram method names are case-insensitive."""
        if name in self.methods:
            return name
        return self.methods_lower.get(name.lower())

    def validate_params(
        self,
        method: str,
        raw: Mapping[str, Any],
        attachments: Mapping[str, UploadedFile] | None = None,
    ) -> tuple[dict[str, Any], list[str]]:
        """Validate the top-level parameters of a call.

        Returns ``(decoded_params, errors)``; ``errors`` holds Telegram-like descriptions
        (without the "Bad Request: " prefix). Parameters that failed validation are kept
        raw in ``decoded_params``.
        """
        spec = self.methods[method]
        fields = spec.fields
        decoded: dict[str, Any] = {}
        errors: list[str] = []
        att = attachments or {}
        for name, value in raw.items():
            f = fields.get(name)
            if f is None:
                errors.append(f'unknown parameter "{name}"')
                decoded[name] = value
                continue
            try:
                decoded[name] = self._check_union(value, f.types, name, True, False, att)
            except SpecViolation as exc:
                errors.append(str(exc))
                decoded[name] = value
        for name in spec.required:
            if name not in raw:
                errors.append(f'parameter "{name}" is required')
        return decoded, errors

    # ------------------------------------------------------------------ objects

    def synthesize(self, t: TypeExpr, depth: int = 0, top: bool = False) -> Any:
        """A minimal valid value of type ``t``: required fields only, filled with defaults."""
        kind = t[0]
        if kind == "P":
            return {"Integer": 0, "Float": 0.0, "Boolean": top, "String": ""}.get(t[1], "")
        if kind == "A":
            return []
        ospec = self.types[t[1]]
        if kind == "U":
            return self.synthesize(ospec.subtypes[0], depth + 1)
        if kind == "X" or depth > 6:
            return {}
        obj: dict[str, Any] = {}
        for name in ospec.required:
            obj[name] = self.synthesize(ospec.fields[name].types[0], depth + 1)
        obj.update(ospec.consts)
        return obj

    def example(self, type_name: str, **overrides: Any) -> dict[str, Any]:
        """A minimal valid ``type_name`` object with ``overrides`` on top."""
        obj: dict[str, Any] = self.synthesize(("O", type_name))
        obj.update(overrides)
        return obj

    def check_object(
        self, obj: Any, type_name: str, *, strict: bool = True, path: str | None = None
    ) -> None:
        """Raise :class:`SpecViolation` if ``obj`` is not a valid ``type_name``.

        ``type_name`` may be any spec type expression, e.g. ``"Array of Update"``.
        """
        self._check(obj, self.parse_type(type_name), path or type_name, False, strict, {})

    def check_result(self, method: str, result: Any) -> None:
        """Validate a method's ``result`` against the method's declared return types."""
        spec = self.methods[method]
        self._check_union(result, spec.returns, f"{method}.result", False, True, {})

    # ------------------------------------------------------------------ core

    def _check_union(
        self,
        value: Any,
        types: tuple[TypeExpr, ...],
        path: str,
        top: bool,
        strict: bool,
        att: Mapping[str, UploadedFile],
    ) -> Any:
        if len(types) == 1:
            return self._check(value, types[0], path, top, strict, att)
        if top and isinstance(value, str) and any(t[0] != "P" for t in types):
            stripped = value.lstrip()
            if stripped[:1] in ("{", "["):
                try:
                    value = json.loads(value)
                    top = False
                except ValueError:
                    pass
        failures: list[tuple[int, str]] = []
        for t in types:
            try:
                return self._check(value, t, path, top, strict, att)
            except SpecViolation as exc:
                failures.append((self._affinity(value, t), str(exc)))
        failures.sort(key=lambda x: -x[0])
        alts = " or ".join(self.type_str(t) for t in types)
        best = failures[0][1]
        if failures[0][0] > 0:
            raise SpecViolation(best)
        raise SpecViolation(f"{path}: expected {alts}, got {_short(value)} ({best})")

    def _affinity(self, value: Any, t: TypeExpr) -> int:
        """How much ``value`` looks like type ``t`` (to pick the most useful error)."""
        if isinstance(value, list) and t[0] == "A":
            return 1 + (self._affinity(value[0], t[1]) if value else 0)
        if isinstance(value, dict) and t[0] in ("O", "U"):
            ospec = self.types[t[1]]
            if ospec.kind == "U":
                return max((self._affinity(value, st) for st in ospec.subtypes), default=0)
            if ospec.consts and all(value.get(k) == c for k, c in ospec.consts.items()):
                return 1000
            return sum(1 for k in value if k in ospec.fields) * 10 - sum(
                1 for k in value if k not in ospec.fields
            )
        return 0

    def _check(
        self,
        value: Any,
        t: TypeExpr,
        path: str,
        top: bool,
        strict: bool,
        att: Mapping[str, UploadedFile],
    ) -> Any:
        kind = t[0]
        if kind == "P":
            return self._check_primitive(value, t[1], path, top, strict, att)
        if top and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise SpecViolation(
                    f"{path}: can't parse JSON ({exc}) in {_short(value)}"
                ) from None
        if kind == "A":
            if not isinstance(value, list):
                raise SpecViolation(f"{path}: expected {self.type_str(t)}, got {_short(value)}")
            inner = t[1]
            if top:
                return [
                    self._check(v, inner, f"{path}[{i}]", False, strict, att)
                    for i, v in enumerate(value)
                ]
            for i, v in enumerate(value):
                self._check(v, inner, f"{path}[{i}]", False, strict, att)
            return value
        ospec = self.types[t[1]]
        if kind == "U":
            subtypes = ospec.subtypes
            if isinstance(value, dict):
                # try subtypes whose discriminator matches first (gives precise errors)
                def order(st: TypeExpr) -> int:
                    if st[0] != "O":
                        return 1
                    consts = self.types[st[1]].consts
                    return 0 if consts and all(value.get(k) == c for k, c in consts.items()) else 1

                subtypes = tuple(sorted(subtypes, key=order))
                if order(subtypes[0]) == 0:
                    return self._check(value, subtypes[0], path, False, strict, att)
            failures = []
            for st in subtypes:
                try:
                    return self._check(value, st, path, False, strict, att)
                except SpecViolation as exc:
                    failures.append(str(exc))
            raise SpecViolation(
                f"{path}: {_short(value)} matches no subtype of {ospec.name} "
                f"(e.g. {failures[0] if failures else '?'})"
            )
        if not isinstance(value, dict):
            raise SpecViolation(f"{path}: expected {ospec.name} object, got {_short(value)}")
        if kind == "X":
            return value
        fields = ospec.fields
        for k, v in value.items():
            f = fields.get(k)
            if f is None:
                raise SpecViolation(f'{path}: unknown field "{k}" in {ospec.name}')
            if v is None:
                if strict or f.required:
                    raise SpecViolation(
                        f"{path}.{k}: null is not a valid {' or '.join(f.type_names)}"
                    )
                continue
            self._check_union(v, f.types, f"{path}.{k}", False, strict, att)
        for r in ospec.required:
            if r not in value:
                raise SpecViolation(f'{path}: missing required field "{r}" of {ospec.name}')
        for k, c in ospec.consts.items():
            if value[k] != c:
                raise SpecViolation(
                    f'{path}.{k}: must be "{c}" for {ospec.name}, got {_short(value[k])}'
                )
        hook = self._object_hooks.get(ospec.name)
        if hook is not None:
            hook(value, path)
        return value

    @staticmethod
    def _check_primitive(
        value: Any,
        name: str,
        path: str,
        top: bool,
        strict: bool,
        att: Mapping[str, UploadedFile],
    ) -> Any:
        tv = type(value)
        if name == "String":
            if tv is str:
                if value.startswith("attach://") and not strict and value[9:] not in att:
                    raise SpecViolation(
                        f"{path}: {value} refers to a file part that was not uploaded"
                    )
                return value
            if not strict and (tv is int or tv is float):
                return str(value)
        elif name == "Integer":
            if tv is int:
                return value
            if not strict and tv is str:
                try:
                    return int(value)
                except ValueError:
                    pass
        elif name == "Boolean":
            if tv is bool:
                return value
            if not strict and tv is str:
                low = value.lower()
                if low in ("true", "1"):
                    return True
                if low in ("false", "0"):
                    return False
        elif name == "Float":
            if tv is float or tv is int:
                return value
            if not strict and tv is str:
                try:
                    return float(value)
                except ValueError:
                    pass
        elif name == "InputFile":
            if tv is UploadedFile and top:
                return value
            if tv is str and value:
                if value.startswith("attach://") and value[9:] not in att:
                    raise SpecViolation(
                        f"{path}: {value} refers to a file part that was not uploaded"
                    )
                return value
        raise SpecViolation(f"{path}: expected {name}, got {_short(value)}")


# ---------------------------------------------------------------------- prose-only limits


def _check_inline_button(button: dict[str, Any], path: str) -> None:
    actions = [k for k in button if k not in _BUTTON_NON_ACTION]
    if len(actions) != 1:
        if not actions:
            raise SpecViolation(
                f"{path}: can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        raise SpecViolation(
            f"{path}: inline keyboard button must have exactly one action field, got {actions}"
        )
    data = button.get("callback_data")
    if data is not None:
        size = len(str(data).encode("utf-8"))
        if not 1 <= size <= 64:
            raise SpecViolation(
                f"BUTTON_DATA_INVALID ({path}.callback_data is {size} bytes, must be 1-64)"
            )


def _check_bot_command(cmd: dict[str, Any], path: str) -> None:
    if not _BOT_COMMAND_RE.match(str(cmd.get("command", ""))):
        raise SpecViolation(
            f"{path}.command: {cmd.get('command')!r} must be 1-32 characters of lowercase "
            "English letters, "
            "digits and underscores"
        )
    if not 1 <= len(str(cmd.get("description", ""))) <= 256:
        raise SpecViolation(f"{path}.description: must be 1-256 characters")


def _check_input_media(media: dict[str, Any], path: str) -> None:
    caption = media.get("caption")
    if isinstance(caption, str) and caption:
        try:
            plain, _ = parse_text(caption, media.get("parse_mode"))
        except EntityParseError as exc:
            raise SpecViolation(f"can't parse entities in {path}.caption: {exc}") from None
        if len(plain) > 1024:
            raise SpecViolation(
                f"message caption is too long ({path}.caption: {len(plain)} > 1024 characters)"
            )


# ---------------------------------------------------------------------- loading


@lru_cache(maxsize=8)
def _load(path: str) -> ApiSpec:
    with open(path, encoding="utf-8") as fh:
        return ApiSpec(json.load(fh))


def load_spec(path: str | Path | None = None) -> ApiSpec:
    """Load (once per path, cached) and compile the spec."""
    p = Path(path) if path is not None else DEFAULT_SPEC_PATH
    return _load(str(p.resolve()))


if DEFAULT_SPEC_PATH.exists():  # precompute at import so the first request is cheap
    load_spec()


def assert_object_complete(obj: Any, type_name: str, spec: ApiSpec | None = None) -> None:
    """Assert that ``obj`` (e.g. a returned Message dict) is a complete, valid ``type_name``.

    Walks the object recursively: every field the spec marks as required is present, no
    unknown fields, JSON types match exactly. ``type_name`` may be e.g. ``"Array of Update"``.
    """
    try:
        (spec or load_spec()).check_object(obj, type_name, strict=True)
    except SpecViolation as exc:
        raise AssertionError(
            f"{type_name} is incomplete/invalid: {exc}\nobject: {_short(obj, 2000)}"
        ) from None
