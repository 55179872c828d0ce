"""Files: uploads and file_ids the bot sends, the media objects of messages, getFile and
the file downloads under ``/file/bot<token>/<file_path>``."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp import web

from .common import Ctx, JsonDict, bad
from .spec import UploadedFile

MIME = {
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "animation": "video/mp4",
    "document": "application/octet-stream",
    "photo": "image/jpeg",
    "sticker": "image/webp",
    "video_note": "video/mp4",
}
_EXT = {
    "voice": "oga",
    "audio": "mp3",
    "video": "mp4",
    "animation": "mp4",
    "document": "bin",
    "photo": "jpg",
    "sticker": "webp",
    "video_note": "mp4",
}


class FileStore:
    """Every file Telegram knows, by file_id (``by_id``), with its bytes when it has them."""

    def __init__(self) -> None:
        self.by_id: dict[str, JsonDict] = {}
        self._seq = itertools.count(1)

    def new(
        self,
        kind: str,
        data: bytes | None = None,
        filename: str | None = None,
        mime: str | None = None,
        file_id: str | None = None,
    ) -> JsonDict:
        n = next(self._seq)
        fid = file_id or f"FAKE{kind[:3].upper()}{n:08d}AAQ"
        entry: JsonDict = {
            "file_id": fid,
            "file_unique_id": f"U{kind[:3]}{n:08d}",
            "file_size": len(data) if data else 1024,
            "file_path": f"{kind}s/file_{n}.{_EXT.get(kind, 'bin')}",
            "kind": kind,
            "data": data,
            "file_name": filename,
            "mime_type": mime or MIME.get(kind),
        }
        self.by_id[fid] = entry
        return entry

    def media_group_id(self) -> str:
        # Drawn from the file numbers, as it always was: the ids of later files depend on it.
        return str(10_000_000 + next(self._seq))

    def from_param(self, value: Any, kind: str, ctx: Ctx) -> JsonDict:
        """The file a media parameter names: an upload, ``attach://``, a file_id or a URL."""
        up: UploadedFile | None = None
        s = str(value)
        if isinstance(value, UploadedFile):
            up = value
        elif s.startswith("attach://"):
            up = ctx.attachments[s[9:]]
        if up is not None:
            mime = up.content_type
            if not mime or mime == "application/octet-stream":
                mime = None
            return self.new(kind, up.data, up.filename, mime)
        if s in self.by_id:
            return self.by_id[s]
        if s.startswith(("http://", "https://")):
            return self.new(kind, None, s.rsplit("/", 1)[-1] or None)
        return self.new(kind, None, file_id=s)  # an unknown file_id: accept and remember it

    def photo_content(self, f: JsonDict) -> JsonDict:
        small_id = f["file_id"] + "-s"
        if small_id not in self.by_id:
            self.by_id[small_id] = {
                **f,
                "file_id": small_id,
                "file_unique_id": f["file_unique_id"] + "s",
                "file_path": f["file_path"] + ".s.jpg",
            }
        return {
            "photo": [
                {
                    "file_id": small_id,
                    "file_unique_id": f["file_unique_id"] + "s",
                    "width": 90,
                    "height": 90,
                    "file_size": min(f["file_size"], 1000),
                },
                {
                    "file_id": f["file_id"],
                    "file_unique_id": f["file_unique_id"],
                    "width": 1280,
                    "height": 720,
                    "file_size": f["file_size"],
                },
            ]
        }

    def media_object(self, kind: str, f: JsonDict, p: dict[str, Any]) -> JsonDict:
        """The message field for a file of ``kind`` (``{"voice": {...}}``...)."""
        base: JsonDict = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_size": f["file_size"],
        }
        if kind == "photo":
            return self.photo_content(f)
        if kind in ("voice", "audio"):
            base["duration"] = int(p.get("duration") or 1)
            base["mime_type"] = f.get("mime_type") or MIME[kind]
            if kind == "audio":
                for k in ("performer", "title"):
                    if p.get(k):
                        base[k] = p[k]
        elif kind == "document":
            base["file_name"] = f.get("file_name") or "document"
            base["mime_type"] = f.get("mime_type") or MIME["document"]
        elif kind in ("video", "animation"):
            base.update(
                width=int(p.get("width") or 640),
                height=int(p.get("height") or 360),
                duration=int(p.get("duration") or 1),
                mime_type="video/mp4",
            )
        elif kind == "video_note":
            base.update(length=int(p.get("length") or 240), duration=int(p.get("duration") or 1))
        elif kind == "sticker":
            base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            if p.get("emoji"):
                base["emoji"] = p["emoji"]
        return {kind: base}

    def get_file(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        """getFile."""
        f = self.by_id.get(p["file_id"])
        if f is None:
            raise bad("invalid file_id")
        return {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_size": f["file_size"],
            "file_path": f["file_path"],
        }

    async def download(self, request: web.Request) -> web.StreamResponse:
        """GET /file/bot<token>/<file_path>."""
        path = request.match_info["path"]
        for f in self.by_id.values():
            if f["file_path"] == path:
                return web.Response(
                    body=f.get("data") or b"fake-file-content",
                    content_type=f.get("mime_type") or "application/octet-stream",
                )
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
