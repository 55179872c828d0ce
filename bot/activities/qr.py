"""QR codes for posters: a PNG that opens an activity in the bot when scanned."""

from __future__ import annotations

import io

import segno

# Big modules and the standard quiet zone: it still scans when printed small or
# photocopied; error level M survives a fold or a stain.
SCALE = 10
BORDER = 4


def poster_png(url: str) -> bytes:
    """The QR code of `url` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()
