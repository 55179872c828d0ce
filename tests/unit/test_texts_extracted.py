"""Every text she or staff read goes through the catalogs, and the extractor sees it.

Two ways a text slipped past: a call the extractor cannot see (`staff_t(context)("…")`,
a call of a call's result, which left Spanish staff reading English), and a literal
handed straight to Telegram. Both are looked for in the code with `ast`; then the
template must be exactly what Babel extracts with locales/update.sh's keywords, so no
text is missing from it and none is left over.
"""

from __future__ import annotations

import ast
import itertools
import re
import shlex
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "locales" / "messages.pot"
# Where nothing a woman or staff member reads is written (the stand-in and the demo
# page speak for Telegram itself; migrations are history).
NOT_SCANNED = {"standin", "demo", "migrations"}
# Calls that put text in front of someone.
SINKS = {
    "send",
    "send_message",
    "send_photo",
    "answer",
    "reply_text",
    "edit_message_text",
    "edit_message_caption",
    "show",
    "button",
    "InlineKeyboardButton",
    "KeyboardButton",
}
# Written the same in every language on purpose: each language named in itself.
UNTRANSLATED = {"🌐 Español / English", "🇬🇹 Español", "🇬🇧 English"}
WORD = re.compile(r"[^\W\d_]{2,}")


def keywords() -> dict[str, tuple[int, ...] | None]:
    """The keywords locales/update.sh gives pybabel (-k name or -k name:1,2)."""
    script = (ROOT / "locales" / "update.sh").read_text(encoding="utf-8")
    line = next(line for line in script.splitlines() if "pybabel extract" in line)
    words = shlex.split(line.rstrip("\\ "))
    found: dict[str, tuple[int, ...] | None] = {}
    for flag, value in itertools.pairwise(words):
        if flag == "-k":
            name, _, spec = value.partition(":")
            found[name] = tuple(int(n) for n in spec.split(",")) if spec else None
    return found


def literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def untranslated_texts(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / "bot").rglob("*.py")):
        if NOT_SCANNED & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            texts = [literal_text(a) for a in [*node.args, *(k.value for k in node.keywords)]]
            worded = [t for t in texts if t and WORD.search(t) and t not in UNTRANSLATED]
            if isinstance(node.func, ast.Call) and worded:
                problems.append(f"{where}: a text the extractor cannot see: {worded[0]!r}")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in SINKS and worded:
                problems.append(f"{where}: shown untranslated: {worded[0]!r}")
    return problems


def test_no_text_reaches_anyone_without_the_catalogs() -> None:
    assert untranslated_texts(ROOT) == []


def test_the_check_finds_a_text_the_extractor_cannot_see(tmp_path: Path) -> None:
    planted = tmp_path / "bot" / "cases" / "staff_x.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(
        "async def f(context, chat):\n"
        "    await context.answer(staff_t(context)('Choose at least one.'))\n"
        "    await context.send(chat, 'Hello there')\n"
        "    await context.send(chat, f'⚠️ Error: {chat}')\n"
        "    await context.send(chat, context.t('Fine'))\n",
        encoding="utf-8",
    )
    found = sorted(untranslated_texts(tmp_path))
    assert len(found) == 3, found
    assert "cannot see: 'Choose at least one.'" in found[0]
    assert "untranslated: 'Hello there'" in found[1]
    assert "untranslated: '⚠️ Error: '" in found[2]


def test_the_template_is_what_the_extractor_finds() -> None:
    with (ROOT / "locales" / "babel.cfg").open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    extracted = {
        message if isinstance(message, str) else message[0]
        for folder in ("bot", "scheduler")
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder, method_map=method_map, options_map=options_map, keywords=keywords()
        )
    }
    with TEMPLATE.open("rb") as fp:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fp) if m.id}
    assert sorted(extracted - template) == [], "run locales/update.sh: not in the template"
    assert sorted(template - extracted) == [], "in the template but in no code any more"
