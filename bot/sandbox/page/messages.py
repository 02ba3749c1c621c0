"""A message as a member sees it in Discord's client, as an HTML fragment for the page.

Rendered from the loopback Discord's own state (what the bot sent, as Discord keeps it), not
from knowledge of our commands: content, embeds with fields and footers, attachments and
images, buttons in their rows and styles (disabled ones greyed), "only you can see this",
mentions by the names the server gives them, and the full command a reply answers.
"""

from __future__ import annotations

import html
from typing import Any

from bot.sandbox.members import SUB_COMMAND, SUB_COMMAND_GROUP
from bot.sandbox.model import LOADING, Message
from bot.sandbox.page.markup import Names, to_html
from bot.sandbox.world import World

ACTION_ROW, BUTTON, LINK_STYLE = 1, 2, 5
SELECTS = {3: "choice", 5: "member", 6: "role", 7: "member or role", 8: "channel"}
BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}
APPLICATION_COMMAND = 2


def message_html(world: World, message: Message) -> str:
    """One `<article>`: who wrote it (and which command it answers), then its parts."""
    names = names_in(world, message.guild_id)
    parts = [_header(world, message)]
    if message.loading:
        parts.append(f'<p class="thinking">{html.escape(message.author.name)} is thinking…</p>')
    if message.content:
        parts.append(f'<div class="content">{to_html(message.content, names=names)}</div>')
    attachments = {a.get("filename"): a for a in message.body.get("attachments") or []}
    parts.extend(_embed(embed, attachments, names) for embed in message.embeds)
    parts.extend(_attachment(attachment) for attachment in attachments.values())
    parts.extend(_component(component, message.id) for component in message.components)
    if message.ephemeral:
        parts.append('<p class="only-you">Only you can see this</p>')
    classes = "message ephemeral" if message.ephemeral else "message"
    return (
        f'<article class="{classes}" id="m-{message.id}" data-id="{message.id}" '
        f'aria-label="{html.escape(_summary(message))}">' + "".join(parts) + "</article>"
    )


def names_in(world: World, guild_id: int) -> Names:
    """What mentions show in this server: its channels, roles and members, by id."""
    guild = world.guilds.get(guild_id)
    if guild is None:
        return Names()
    return Names(
        channels={channel.id: channel.name for channel in guild.channels.values()},
        roles={role.id: role.name for role in guild.roles.values()},
        members={member.id: member.user.name for member in guild.members.values()},
    )


def command_line(data: dict[str, Any]) -> str:
    """The command as the member typed it, with its group and subcommand: "quiz schedule"."""
    words = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        words.append(str(options[0].get("name", "")))
        options = options[0].get("options") or []
    return " ".join(words)


def _summary(message: Message) -> str:
    private = ", only you can see this" if message.ephemeral else ""
    return f"message from {message.author.name}{private}"


def _header(world: World, message: Message) -> str:
    used = ""
    interaction = world.interactions.get(message.interaction_id or 0)
    if interaction is not None and interaction.kind == APPLICATION_COMMAND:
        name = html.escape(interaction.member.user.name)
        command = html.escape(command_line(interaction.data))
        used = f'<p class="used">{name} used <code>/{command}</code></p>'
    author = html.escape(message.author.name)
    badge = ' <span class="badge">APP</span>' if message.author.bot else ""
    when = message.created_at
    stamp = f'<time datetime="{when.isoformat()}">{when:%Y-%m-%d %H:%M} UTC</time>'
    edited = ' <span class="edited">(edited)</span>' if _edited(message) else ""
    return f'{used}<header><strong class="author">{author}</strong>{badge} {stamp}{edited}</header>'


def _edited(message: Message) -> bool:
    """Edited after it was first shown: a "thinking..." answer being filled in is not."""
    return any(not (body.get("flags") or 0) & LOADING for body in message.history)


def _embed(embed: dict[str, Any], attachments: dict[str, dict[str, Any]], names: Names) -> str:
    colour = embed.get("color")
    style = f' style="border-left-color:#{int(colour):06x}"' if colour is not None else ""
    parts = []
    author = (embed.get("author") or {}).get("name")
    if author:
        parts.append(f'<p class="embed-author">{html.escape(author)}</p>')
    if embed.get("title"):
        title = html.escape(embed["title"])
        url = embed.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            title = f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{title}</a>'
        parts.append(f'<p class="embed-title">{title}</p>')
    if embed.get("description"):
        description = to_html(embed["description"], links=True, names=names)
        parts.append(f'<div class="embed-description">{description}</div>')
    fields = embed.get("fields") or []
    if fields:
        shown = "".join(_field(field, names) for field in fields)
        parts.append(f'<dl class="embed-fields">{shown}</dl>')
    for kind in ("image", "thumbnail"):
        image = _image(embed.get(kind) or {}, attachments, kind)
        if image:
            parts.append(image)
    footer = (embed.get("footer") or {}).get("text")
    if footer or embed.get("timestamp"):
        text = html.escape(footer or "")
        stamp = html.escape(str(embed.get("timestamp") or ""))
        parts.append(f'<p class="embed-footer">{text}{" · " + stamp if stamp else ""}</p>')
    return f'<section class="embed" aria-label="embed"{style}>' + "".join(parts) + "</section>"


def _field(field: dict[str, Any], names: Names) -> str:
    inline = " inline" if field.get("inline") else ""
    name = to_html(str(field.get("name", "")), links=False)
    value = to_html(str(field.get("value", "")), links=True, names=names)
    return f'<div class="embed-field{inline}"><dt>{name}</dt><dd>{value}</dd></div>'


def _image(image: dict[str, Any], attachments: dict[str, dict[str, Any]], kind: str) -> str:
    """An attached image (`attachment://name`) is shown; any other address only linked,
    so the page never reaches beyond this machine."""
    url = image.get("url")
    if not isinstance(url, str):
        return ""
    if url.startswith("attachment://"):
        attachment = attachments.pop(url.removeprefix("attachment://"), None)
        if attachment is not None:
            return _picture(attachment, f"embed-{kind}")
    link = html.escape(url)
    return f'<p class="embed-{kind}"><a href="{link}" target="_blank" rel="noopener">{link}</a></p>'


def _attachment(attachment: dict[str, Any]) -> str:
    if str(attachment.get("content_type", "")).startswith("image/"):
        return _picture(attachment, "attachment")
    name = html.escape(str(attachment.get("filename", "file")))
    url = html.escape(str(attachment.get("url", "")))
    return f'<p class="attachment">📎 <a href="{url}" download="{name}">{name}</a></p>'


def _picture(attachment: dict[str, Any], kind: str) -> str:
    name = str(attachment.get("filename", "image"))
    alt = html.escape(str(attachment.get("description") or name))
    url = html.escape(str(attachment.get("url", "")))
    return f'<img class="{kind}" src="{url}" alt="{alt}" loading="lazy">'


def _component(component: dict[str, Any], message_id: int) -> str:
    kind = component.get("type")
    if kind == ACTION_ROW:
        inner = "".join(_component(child, message_id) for child in component.get("components", []))
        return f'<div class="row" role="group" aria-label="buttons">{inner}</div>'
    if kind == BUTTON:
        return _button(component, message_id)
    if kind in SELECTS:
        placeholder = html.escape(component.get("placeholder") or f"choose a {SELECTS[kind]}")
        options = "".join(
            f"<option>{html.escape(str(option.get('label', '')))}</option>"
            for option in component.get("options") or []
        )
        return (
            f'<select disabled aria-label="{placeholder} (select menus are shown, not used, '
            f'in the sandbox)"><option>{placeholder}</option>{options}</select>'
        )
    return f'<p class="unknown">(a component of type {html.escape(str(kind))})</p>'


def _button(button: dict[str, Any], message_id: int) -> str:
    style = BUTTON_STYLES.get(int(button.get("style", 2)), "secondary")
    emoji = (button.get("emoji") or {}).get("name") or ""
    label = " ".join(part for part in (emoji, button.get("label") or "") if part)
    text = html.escape(label or "(no label)")
    if style == "link":
        url = html.escape(str(button.get("url", "")))
        return (
            f'<a class="button link" href="{url}" target="_blank" rel="noopener noreferrer">'
            f"{text} ↗</a>"
        )
    disabled = " disabled" if button.get("disabled") or style == "premium" else ""
    custom_id = html.escape(str(button.get("custom_id", "")))
    return (
        f'<button type="button" class="button {style}"{disabled} data-message="{message_id}" '
        f'data-custom-id="{custom_id}">{text}</button>'
    )
