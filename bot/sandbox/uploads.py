"""Reading a multipart/form-data request as Discord does: `payload_json` and `files[n]` parts.

The file parts are kept on the request (`UPLOADS`), by field name, for the route to attach
(bot.sandbox.attachments); the JSON payload is what gets recorded and validated.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


UPLOADS = web.RequestKey("uploads", dict[str, Upload])


async def read_form(request: web.Request) -> Any:
    """The `payload_json` part, parsed; the files go to `request[UPLOADS]`."""
    payload: Any = None
    uploads: dict[str, Upload] = {}
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue  # Discord's forms are flat: no nested multipart
        name = part.name or ""
        if name == "payload_json":
            payload = json.loads(await part.text())
        elif part.filename is not None:
            guessed, _ = mimetypes.guess_type(part.filename)
            sent = part.headers.get("Content-Type", "application/octet-stream")
            uploads[name] = Upload(part.filename, guessed or sent, bytes(await part.read()))
    request[UPLOADS] = uploads
    return payload
