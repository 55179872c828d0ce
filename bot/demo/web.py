"""The demo page and its JSON API, served by aiohttp (the bot's own HTTP stack).

    GET  /                  the page (static/index.html); /static/... its CSS and JS
    GET  /api/state?stamp=  every chat the page shows; waits (up to 15 s) until it
                            differs from `stamp` (long polling)
    POST /api/text          {user, chat, text, reply_to?, thread_id?}: someone writes
    POST /api/press         {user, chat, message_id, data}: someone presses a button
    POST /api/media         multipart {user, chat, caption?, reply_to?, file}: a photo,
                            a voice note (audio) or a document, by the file's type
    POST /api/contact       {user}: she shares her number (a request_contact button)
    POST /api/location      {user}: she shares a location
    POST /api/clock         {step: hour | day | next}: the clock moves forward
    POST /api/woman         a new woman appears in the selector
    GET  /api/file/{id}     the bytes of a photo or voice note in a chat

Safety for a page on the loopback: the API answers only requests addressed to the
loopback by name (no DNS rebinding from another site), and every POST must carry the
header `X-Demo: 1`, which a form on another site cannot send.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.demo.cast import OUTSIDER_ID, STAFF, STAFF_CHAT_ID
from bot.demo.view import JsonDict, chat_view

if TYPE_CHECKING:
    from bot.demo.runner import Demo

LONG_POLL_SECONDS = 15.0
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_UPLOAD = 20 * 1024 * 1024
DEMO_KEY: web.AppKey[Demo] = web.AppKey("demo")
# A voice note the page sends when she has no audio file at hand.
PLACEHOLDER_VOICE = b"OggS\x00\x02demo-voice-note"


class Refused(Exception):
    """A request the demo cannot do; the page shows the sentence."""


def _static_dir() -> Any:
    return resources.files("bot.demo").joinpath("static")


@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    demo = request.app[DEMO_KEY]
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if demo.loopback and host not in LOOPBACK_NAMES:
        return web.Response(status=421, text="This demo answers only on 127.0.0.1.\n")
    if request.method == "POST" and request.headers.get("X-Demo") != "1":
        return web.json_response({"ok": False, "error": "missing X-Demo header"}, status=403)
    try:
        return await handler(request)
    except Refused as exc:
        return web.json_response({"ok": False, "error": str(exc)}, status=400)
    except AssertionError as exc:  # the stand-in refused: a button no longer there...
        first = str(exc).splitlines()[0] if str(exc) else "refused"
        return web.json_response({"ok": False, "error": first}, status=400)


def make_app(demo: Demo) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=MAX_UPLOAD)
    app[DEMO_KEY] = demo
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/state", state)
    app.router.add_post("/api/text", text)
    app.router.add_post("/api/press", press)
    app.router.add_post("/api/media", media)
    app.router.add_post("/api/contact", contact)
    app.router.add_post("/api/location", location)
    app.router.add_post("/api/clock", clock)
    app.router.add_post("/api/woman", woman)
    app.router.add_get("/api/file/{file_id}", file)
    return app


# ── The page ─────────────────────────────────────────────────────────────────

CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
NO_STORE = {"Cache-Control": "no-store"}
# The page runs only its own script and styles; photos and voice notes come from /api/file.
PAGE_HEADERS = {
    **NO_STORE,
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; media-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}


async def index(request: web.Request) -> web.Response:
    body = _static_dir().joinpath("index.html").read_text(encoding="utf-8")
    return web.Response(text=body, content_type="text/html", headers=PAGE_HEADERS)


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    suffix = name[name.rfind(".") :] if "." in name else ""
    entry = _static_dir().joinpath(name)
    if "/" in name or name.startswith(".") or suffix not in CONTENT_TYPES or not entry.is_file():
        raise web.HTTPNotFound()
    return web.Response(
        text=entry.read_text(encoding="utf-8"), content_type=CONTENT_TYPES[suffix], headers=NO_STORE
    )


# ── What the page shows ──────────────────────────────────────────────────────


def snapshot(demo: Demo) -> JsonDict:
    """Everything the page shows, but the running clock (the stamp is taken of this)."""
    fake, cast = demo.fake, demo.cast
    tz = demo.timezone
    chats: dict[str, JsonDict] = {}
    for person in cast.people.values():
        if person.role != "staff":
            chats[str(person.user_id)] = chat_view(
                fake, person.user_id, person.user_id, person.language_code, tz
            )
    chats[str(STAFF_CHAT_ID)] = chat_view(
        fake, STAFF_CHAT_ID, STAFF.user_id, STAFF.language_code, tz, admin=True
    )
    return {
        "people": [
            {"id": p.user_id, "name": p.name, "label": p.label, "role": p.role}
            for p in cast.people.values()
        ],
        "staff_chat_id": STAFF_CHAT_ID,
        "staff_id": STAFF.user_id,
        "outsider_id": OUTSIDER_ID,
        "chats": chats,
        "shifted": demo.clock.clock.offset.total_seconds(),
        "spec_errors": len(fake.errors),
        "no_token": demo.no_token,
    }


def _stamp(shown: JsonDict) -> str:
    raw = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


async def state(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    seen = request.query.get("stamp", "")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LONG_POLL_SECONDS
    while True:
        shown = snapshot(demo)
        stamp = _stamp(shown)
        remaining = deadline - loop.time()
        if stamp != seen or remaining <= 0:
            break
        await demo.changed(min(remaining, 1.0))
    now = demo.clock.now().astimezone(demo.timezone)
    shown["stamp"] = stamp
    shown["now"] = f"{now:%Y-%m-%d %H:%M}"
    return web.json_response(shown, headers=NO_STORE)


# ── What the people do ───────────────────────────────────────────────────────


def _int(body: Any, key: str, *, required: bool = True) -> int | None:
    value = body.get(key) if isinstance(body, Mapping) else None
    if value in (None, ""):
        if required:
            raise Refused(f"{key} is missing")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refused(f"{key} must be a number") from None


async def _json(request: web.Request) -> JsonDict:
    try:
        body = await request.json()
    except ValueError:
        raise Refused("the body must be JSON") from None
    if not isinstance(body, dict):
        raise Refused("the body must be a JSON object")
    return body


def _who(demo: Demo, body: Any) -> tuple[int, int]:
    user = _int(body, "user")
    chat = _int(body, "chat", required=False)
    assert user is not None
    chat = user if chat is None else chat
    if not demo.cast.may_write(user, chat):
        raise Refused("that person cannot write in that chat")
    return user, chat


def _thread_kwargs(action: Any, thread_id: int | None) -> JsonDict:
    """message_thread_id, when the stand-in's action takes one (forum topics)."""
    if thread_id is None:
        return {}
    if "message_thread_id" not in inspect.signature(action).parameters:
        return {}
    return {"message_thread_id": thread_id}


def _ok(**extra: Any) -> web.Response:
    return web.json_response({"ok": True, **extra})


async def text(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    body = await _json(request)
    user, chat = _who(demo, body)
    words = str(body.get("text") or "").strip()
    if not words:
        raise Refused("write something first")
    action = demo.fake.user_sends_text
    sent = action(
        user,
        words,
        chat_id=chat,
        reply_to_message_id=_int(body, "reply_to", required=False),
        **_thread_kwargs(action, _int(body, "thread_id", required=False)),
    )
    return _ok(message_id=sent["message_id"])


async def press(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    body = await _json(request)
    user, chat = _who(demo, body)
    message_id = _int(body, "message_id")
    assert message_id is not None
    data = body.get("data")
    if not isinstance(data, str) or not data:
        raise Refused("data is missing")
    query = demo.fake.user_presses_button(user, message_id, data, chat_id=chat)
    return _ok(query_id=query["id"])


async def media(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    form = await request.post()
    user, chat = _who(demo, form)
    caption = str(form.get("caption") or "").strip() or None
    reply_to = _int(form, "reply_to", required=False)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        data, mime = PLACEHOLDER_VOICE, "audio/ogg"
    elif isinstance(upload, (bytes, bytearray)):
        data, mime = bytes(upload), "application/octet-stream"
    else:
        data, mime = upload.file.read(), upload.content_type or ""
    fake = demo.fake
    if mime.startswith("image/"):
        sent = fake.user_sends_photo(
            user, caption, chat_id=chat, reply_to_message_id=reply_to, data=data
        )
    elif mime.startswith("audio/"):
        sent = fake.user_sends_voice(
            user, chat_id=chat, reply_to_message_id=reply_to, data=data, caption=caption
        )
    else:
        name = getattr(upload, "filename", None) or "document"
        sent = fake.user_sends_document(
            user,
            file_name=name,
            mime_type=mime or "application/octet-stream",
            caption=caption,
            chat_id=chat,
            reply_to_message_id=reply_to,
            data=data,
        )
    return _ok(message_id=sent["message_id"])


async def contact(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    user, chat = _who(demo, await _json(request))
    phone = f"+502 5555 {user % 10000:04d}"
    sent = demo.fake.user_sends_contact(user, phone, chat_id=chat)
    return _ok(message_id=sent["message_id"])


async def location(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    user, chat = _who(demo, await _json(request))
    # The example office's town square, more or less.
    sent = demo.fake.user_sends_location(user, 14.6349, -90.5069, chat_id=chat)
    return _ok(message_id=sent["message_id"])


async def clock(request: web.Request) -> web.Response:
    demo = request.app[DEMO_KEY]
    body = await _json(request)
    try:
        move = await demo.clock.step(str(body.get("step", "")))
    except ValueError as exc:
        raise Refused(str(exc)) from None
    now = move.now.astimezone(demo.timezone)
    return web.json_response(
        {"ok": move.moved, "now": f"{now:%Y-%m-%d %H:%M}", "message": move.sentence}
    )


async def woman(request: web.Request) -> web.Response:
    person = request.app[DEMO_KEY].cast.new_woman()
    return _ok(id=person.user_id, label=person.label)


async def file(request: web.Request) -> web.Response:
    entry = request.app[DEMO_KEY].fake.files.by_id.get(request.match_info["file_id"])
    if entry is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=entry.get("data") or b"",
        content_type=entry.get("mime_type") or "application/octet-stream",
        headers={
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
            # An uploaded file never runs as a page of this origin.
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
