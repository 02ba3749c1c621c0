"""How the sandbox page renders what Discord carries: markdown as Discord shows it, code
highlighted, text never turned into markup, links only to http(s), attachments and images,
buttons by style, and private replies marked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sandbox.model import EPHEMERAL, LOADING, Message
from bot.sandbox.page.markup import Names, to_html
from bot.sandbox.page.messages import command_line, message_html
from bot.sandbox.world import World
from tests.clock import ManualClock


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "**bold** and *it* and __under__ ~~gone~~",
            "<strong>bold</strong> and <em>it</em> and <u>under</u> <s>gone</s>",
        ),
        ("snake_case_name stays", "snake_case_name stays"),
        ("`**not bold**` in code", "<code>**not bold**</code> in code"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("line one\nline two", "line one<br>line two"),
        ("# Title", "<h3>Title</h3>"),
        ("> quoted", "<blockquote>quoted</blockquote>"),
    ],
)
def test_markdown_as_discord_shows_it(text: str, html: str) -> None:
    assert to_html(text) == html


def test_backslash_escapes_show_the_character_as_discord_does() -> None:
    assert to_html("(1:\\_ 2:\\_)") == "(1:_ 2:_)"  # /test's blanks, escaped by the bot
    assert to_html("\\*not it\\*") == "*not it*"
    assert to_html("`a\\_b`") == "<code>a\\_b</code>"  # a code span keeps its backslash


def test_mentions_show_the_names_the_server_gives() -> None:
    names = Names(channels={1: "general"}, roles={2: "quiz"}, members={3: "alice"})

    html = to_html("<#1> <@&2> <@3> <@!3> <#9> `<#1>`", names=names)

    assert html == (
        '<span class="mention">#general</span> <span class="mention">@quiz</span> '
        '<span class="mention">@alice</span> <span class="mention">@alice</span> '
        '<span class="mention">#unknown-channel</span> <code>&lt;#1&gt;</code>'
    )


def test_the_used_line_names_the_whole_command() -> None:
    data = {
        "name": "quiz",
        "options": [{"type": 1, "name": "schedule", "options": [{"type": 3, "name": "time"}]}],
    }

    assert command_line(data) == "quiz schedule"
    assert command_line({"name": "practice", "options": [{"type": 3, "name": "pack"}]}) == (
        "practice"
    )


def test_code_blocks_are_highlighted_and_escaped() -> None:
    html = to_html("Look:\n```py\nif a < b:\n    print('<b>')\n```")

    assert html.startswith("Look:<figure")
    assert 'aria-label="py code"' in html
    assert '<span class="k">if</span>' in html  # Pygments' class for a keyword
    assert "&lt;" in html
    assert "<b>" not in html


def test_a_code_block_without_a_language_is_plain() -> None:
    html = to_html("```\nif a:\n```")

    assert 'aria-label="code"' in html
    assert '<span class="k">' not in html
    assert "if a:" in html


def test_links_only_to_http_and_only_masked_where_discord_allows() -> None:
    masked = "[docs](https://example.org/a) and [bad](javascript:alert(1))"

    in_embed = to_html(masked, links=True)
    in_content = to_html("[docs](https://example.org/a)")

    assert '<a href="https://example.org/a" target="_blank" rel="noopener noreferrer">docs</a>' in (
        in_embed
    )
    assert 'href="javascript' not in in_embed
    assert in_content.startswith("[docs](<a href=")  # content shows the address, not a mask


def message(body: dict, **extra: object) -> tuple[World, Message]:
    world = World(ManualClock(), token="t")
    guild = world.add_guild("g")
    channel = world.add_channel(guild, "c")
    return world, world.post(channel, body, **extra)  # type: ignore[arg-type]


def test_buttons_keep_their_rows_styles_and_disabled_state() -> None:
    row = lambda *buttons: {"type": 1, "components": list(buttons)}  # noqa: E731
    world, posted = message(
        {
            "content": "pick",
            "components": [
                row(
                    {"type": 2, "style": 1, "label": "A", "custom_id": "a"},
                    {"type": 2, "style": 4, "label": "No", "custom_id": "n", "disabled": True},
                ),
                row({"type": 2, "style": 5, "label": "Docs", "url": "https://example.org"}),
            ],
        }
    )

    html = message_html(world, posted)

    assert html.count('<div class="row" role="group"') == 2
    assert 'class="button primary" data-message' in html
    assert 'class="button danger" disabled data-message' in html
    assert '<a class="button link" href="https://example.org"' in html


def test_attachments_and_attached_images() -> None:
    image = {"filename": "chart.png", "content_type": "image/png", "url": "http://x/chart.png"}
    notes = {"filename": "notes.txt", "content_type": "text/plain", "url": "http://x/notes.txt"}
    world, posted = message(
        {
            "embeds": [{"title": "Results", "image": {"url": "attachment://chart.png"}}],
            "attachments": [image, notes],
        }
    )

    html = message_html(world, posted)

    assert '<img class="embed-image" src="http://x/chart.png" alt="chart.png"' in html
    assert html.count('chart.png" alt') == 1  # shown in its embed, not again below it
    assert '<a href="http://x/notes.txt" download="notes.txt">notes.txt</a>' in html


def test_private_replies_and_thinking_are_marked() -> None:
    world, thinking = message({"content": "", "flags": LOADING | EPHEMERAL}, visible_to=7)

    html = message_html(world, thinking)

    assert "Tutor is thinking…" in html
    assert "Only you can see this" in html
    assert 'aria-label="message from Tutor, only you can see this"' in html
    assert "(edited)" not in html
    world.edit(thinking, {"content": "done", "flags": EPHEMERAL})
    assert "(edited)" not in message_html(world, thinking)  # filled in, not edited
    world.edit(thinking, {"content": "changed"})
    assert "(edited)" in message_html(world, thinking)


def test_embed_fields_footer_and_colour() -> None:
    world, posted = message(
        {
            "embeds": [
                {
                    "title": "T",
                    "color": 0x57F287,
                    "fields": [{"name": "N", "value": "`v`", "inline": True}],
                    "footer": {"text": "f"},
                    "timestamp": datetime(2026, 1, 2, tzinfo=UTC).isoformat(),
                }
            ]
        }
    )

    html = message_html(world, posted)

    assert 'style="border-left-color:#57f287"' in html
    assert '<div class="embed-field inline"><dt>N</dt><dd><code>v</code></dd></div>' in html
    assert '<p class="embed-footer">f · 2026-01-02T00:00:00+00:00</p>' in html
