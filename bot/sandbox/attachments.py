"""Attachments: files uploaded with a message (multipart `files[n]`) are kept and served.

A message's `attachments` in the request name each file by `id`: a new one by the index of
its `files[n]` part, one already on the message (when editing) by its attachment id; any
other id is refused as Discord does. Kept files are served from
`/attachments/{channel_id}/{attachment_id}/{filename}` on the stand-in, as Discord's CDN does.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sandbox.model import Attachment, Message
from bot.sandbox.recording import DiscordError
from bot.sandbox.uploads import UPLOADS
from bot.sandbox.world import World

MAX_FILES = 10


def attach(
    world: World,
    request: web.Request,
    body: dict[str, Any],
    channel_id: int,
    *,
    editing: Message | None = None,
) -> None:
    """Turn the request's `attachments` (and its files) into the message's attachments."""
    uploads = request.get(UPLOADS) or {}
    wanted = body.get("attachments")
    if wanted is None:
        if not uploads:
            return  # attachments left as they are
        wanted = [{"id": index} for index in range(len(uploads))]
    if len(wanted) > MAX_FILES:
        raise DiscordError(400, 50035, f"Invalid Form Body: at most {MAX_FILES} attachments")
    kept = {int(a["id"]): a for a in (editing.body.get("attachments") or [])} if editing else {}
    origin = str(request.url.origin())
    attached = []
    for index, entry in enumerate(wanted):
        key = int(entry["id"])
        if key in kept:
            attached.append(kept[key])
            continue
        upload = uploads.get(f"files[{key}]")
        if upload is None:
            raise DiscordError(
                400, 50035, f"Invalid Form Body: attachments[{index}]: no files[{key}] part"
            )
        attachment = Attachment(
            id=world.snowflake(),
            channel_id=channel_id,
            filename=entry.get("filename") or upload.filename,
            content_type=upload.content_type,
            data=upload.data,
            description=entry.get("description"),
        )
        world.attachments[attachment.id] = attachment
        attached.append(attachment.payload(origin))
    body["attachments"] = attached


def routes() -> list[web.RouteDef]:
    return [web.get("/attachments/{channel_id}/{attachment_id}/{filename}", _serve)]


async def _serve(request: web.Request) -> web.Response:
    world: World = request.app[WORLD]
    attachment = world.attachments.get(int(request.match_info["attachment_id"]))
    if (
        attachment is None
        or str(attachment.channel_id) != request.match_info["channel_id"]
        or attachment.filename != request.match_info["filename"]
    ):
        raise web.HTTPNotFound()
    return web.Response(body=attachment.data, content_type=attachment.content_type)


WORLD = web.AppKey("world", World)
