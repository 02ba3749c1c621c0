"""Discord's message markdown as HTML: code blocks highlighted by Pygments, inline styles,
headings, quotes, lists, links, backslash escapes, and mentions (<#id>, <@&id>, <@id>) shown
by name as Discord shows them. Everything is escaped first: text never becomes markup.

Covers what Discord renders in message content, embed descriptions and field values;
anything else stays as the text it is.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

CODE_CLASS = "hl"
_FORMATTER = HtmlFormatter(cssclass=CODE_CLASS, style="monokai")  # dark, as Discord's
_FENCE = re.compile(r"```(?:([A-Za-z0-9_+#.-]+)\n)?\n?(.*?)```", re.DOTALL)
_INLINE_CODE = re.compile(r"``(.+?)``|`([^`\n]+)`")
_SLOT = "\x00{}\x00"
_INLINE = (
    (re.compile(r"\*\*(.+?)\*\*", re.DOTALL), r"<strong>\1</strong>"),
    (re.compile(r"__(.+?)__", re.DOTALL), r"<u>\1</u>"),
    (re.compile(r"\*(?!\s)(.+?)\*", re.DOTALL), r"<em>\1</em>"),
    (re.compile(r"\b_(.+?)_\b", re.DOTALL), r"<em>\1</em>"),
    (re.compile(r"~~(.+?)~~", re.DOTALL), r"<s>\1</s>"),
    (re.compile(r"\|\|(.+?)\|\|", re.DOTALL), r'<span class="spoiler">\1</span>'),
)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation
_MENTION = re.compile(r"<(#|@&|@!?)(\d{1,20})>")
_MASKED_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BARE_LINK = re.compile(r"(?<![\"'=>])\bhttps?://[^\s<]+")


@dataclass(frozen=True)
class Names:
    """Who and what mentions name, by id: the server's channels, roles and members."""

    channels: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)

    def mention(self, kind: str, snowflake: int) -> str:
        """As Discord's client shows it: #general, @role, @name (or that it is unknown)."""
        if kind == "#":
            return f"#{self.channels.get(snowflake, 'unknown-channel')}"
        if kind == "@&":
            return f"@{self.roles.get(snowflake, 'deleted-role')}"
        return f"@{self.members.get(snowflake, 'Unknown User')}"


NO_NAMES = Names()


def highlight_css() -> str:
    """The stylesheet for highlighted code blocks."""
    return str(_FORMATTER.get_style_defs(f".{CODE_CLASS}"))  # type: ignore[no-untyped-call]


def code_block(code: str, language: str | None) -> str:
    """A highlighted block, as Discord shows ```language fences (plain without one)."""
    lexer: Lexer = TextLexer()
    if language:
        with contextlib.suppress(ClassNotFound):
            lexer = get_lexer_by_name(language)
    label = f"{html.escape(language)} code" if language else "code"
    highlighted = highlight(code, lexer, _FORMATTER)
    return f'<figure class="code" aria-label="{label}">{highlighted}</figure>'


def to_html(text: str, *, links: bool = False, names: Names = NO_NAMES) -> str:
    """Markdown as Discord renders it; `links`: masked links too (embeds allow them);
    `names`: what mentions show."""
    parts = []
    position = 0
    for fence in _FENCE.finditer(text):
        parts.append(_blocks(text[position : fence.start()], links, names))
        parts.append(code_block(fence.group(2).strip("\n"), fence.group(1)))
        position = fence.end()
    parts.append(_blocks(text[position:], links, names))
    return "".join(parts)


def _blocks(text: str, links: bool, names: Names) -> str:
    """Lines of text: headings, quotes and list items, then inline styles."""
    if not text.strip("\n"):
        return ""
    out: list[str] = []
    for line in text.strip("\n").split("\n"):
        heading = re.match(r"(#{1,3}) (.+)", line)
        if heading:
            level = len(heading.group(1)) + 2  # the page's own h1/h2 come first
            out.append(f"<h{level}>{_inline(heading.group(2), links, names)}</h{level}>")
        elif line.startswith("> "):
            out.append(f"<blockquote>{_inline(line[2:], links, names)}</blockquote>")
        elif re.match(r"[-*] ", line):
            out.append(f'<span class="li">• {_inline(line[2:], links, names)}</span><br>')
        else:
            out.append(f"{_inline(line, links, names)}<br>")
    joined = "".join(out)
    return joined.removesuffix("<br>")


def _inline(text: str, links: bool, names: Names) -> str:
    """Code spans, escaped characters and mentions are set aside (in slots) first, so that
    no style applies inside them."""
    kept: list[str] = []

    def slot(fragment: str) -> str:
        kept.append(fragment)
        return _SLOT.format(len(kept) - 1)

    def code(match: re.Match[str]) -> str:
        return slot(f"<code>{html.escape(match.group(1) or match.group(2))}</code>")

    def mention(match: re.Match[str]) -> str:
        shown = html.escape(names.mention(match.group(1), int(match.group(2))))
        return slot(f'<span class="mention">{shown}</span>')

    text = _INLINE_CODE.sub(code, text)
    text = _ESCAPED.sub(lambda match: slot(html.escape(match.group(1))), text)
    escaped = html.escape(_MENTION.sub(mention, text), quote=False)
    for pattern, replacement in _INLINE:
        escaped = pattern.sub(replacement, escaped)
    if links:
        escaped = _MASKED_LINK.sub(_link, escaped)
    escaped = _BARE_LINK.sub(lambda m: _anchor(m.group(0), m.group(0)), escaped)
    for index, fragment in enumerate(kept):
        escaped = escaped.replace(_SLOT.format(index), fragment)
    return escaped


def _link(match: re.Match[str]) -> str:
    return _anchor(match.group(2), match.group(1))


def _anchor(url: str, text: str) -> str:
    href = html.escape(html.unescape(url), quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{text}</a>'
