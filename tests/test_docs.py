"""The README and the docs, as a reader follows them: every relative link reaches a file of
the repository, every `#anchor` a heading of its page, and no link leads outside the
repository except to Discord's developer portal and documentation and to the documentation
of the libraries and tools the project uses. The README stays short; each reader has a page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).parents[1]
GUIDES = [ROOT / "README.md", ROOT / "tests" / "README.md", ROOT / "exercises" / "README.md"]
PAGES = sorted([*GUIDES, *(ROOT / "docs").glob("*.md")])
ALLOWED_OUTSIDE = (
    "discord.com/developers",  # the developer portal and Discord's documentation
    "github.com/discord/discord-api-spec",  # Discord's OpenAPI description
    "github.com/compose-spec/compose-spec",  # the Compose Specification
    "docs.docker.com",
    "discordpy.readthedocs.io",
    "docs.djangoproject.com",
    "docs.python.org",
    "www.postgresql.org/docs",
    "www.psycopg.org",
    "www.uvicorn.org",
    "www.python-httpx.org",
    "prometheus.io/docs",
    "www.freedesktop.org/software/systemd/man",
    "docs.pytest.org",
    "playwright.dev/python",
    "hypothesis.readthedocs.io",
    "docs.astral.sh",
    "mypy.readthedocs.io",
)
READER_PAGES = ["deploy", "moderators", "members", "speed", "tutor-service", "sandbox"]

_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)|<(https?://[^>\s]+)>|(?<![(<])(https?://[^\s)>]+)")


def prose(text: str) -> str:
    """The page without its code: addresses in code are examples, not links."""
    return _CODE.sub("", _FENCED.sub("", text))


def links(page: Path) -> list[str]:
    found = _LINK.findall(prose(page.read_text(encoding="utf-8")))
    return [next(part for part in groups if part) for groups in found]


def anchors(page: Path) -> set[str]:
    """Its headings' anchors as GitHub makes them: lower case, punctuation dropped, spaces to
    hyphens, a repeated one numbered (`-1`, `-2`...)."""
    found, counts = set(), dict[str, int]()
    headings = re.findall(r"^#{1,6} +(.+?) *#*$", prose(page.read_text(encoding="utf-8")), re.M)
    for heading in headings:
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        repeats = counts.get(slug, 0)
        found.add(f"{slug}-{repeats}" if repeats else slug)
        counts[slug] = repeats + 1
    return found


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_link_resolves_and_stays_in_the_repository_or_allowed_docs(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text, "the product's docs never point into ../shared"
    broken = []
    for target in links(page):
        if "://" in target:
            parts = urlsplit(target)
            if not f"{parts.netloc}{parts.path}".startswith(ALLOWED_OUTSIDE):
                broken.append(f"{target}: outside the repository, and not an allowed doc")
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.is_relative_to(ROOT) or not file.exists():
            broken.append(f"{target}: no such file in the repository")
        elif anchor and (file.suffix != ".md" or anchor not in anchors(file)):
            broken.append(f"{target}: no heading #{anchor} in {_name(file)}")
    assert broken == []


def test_the_link_check_reads_links_and_anchors_as_a_reader_follows_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n## Two words, and more!\n\n## Title\n\nSee [a](#two-words-and-more), "
        "[b](deploy.md#settings), `[c](nowhere.md)` and <https://example.com/x>.\n"
        "```\n[d](nowhere.md)\n```\n"
    )

    assert anchors(page) == {"title", "two-words-and-more", "title-1"}
    assert links(page) == ["#two-words-and-more", "deploy.md#settings", "https://example.com/x"]


def test_the_readme_is_short_and_maps_a_page_for_each_reader() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert len(readme.splitlines()) <= 200
    for name in READER_PAGES:
        assert (ROOT / "docs" / f"{name}.md").is_file()
        assert f"](docs/{name}.md)" in readme
    for step in ("Application ID", "Developer Mode", "Reset Token", "secrets.token_urlsafe"):
        assert step in readme
    assert "make run" in readme
    assert "make test" in readme
    assert "Docker Compose 2.24" in readme


def test_the_members_page_gives_the_points_the_rules_give() -> None:
    """docs/members.md's table, row by row, against exercises/progress.py."""
    from exercises.progress import BASE_POINTS, MIN_POINTS_FOR_A_SOLVE, hint_cost

    page = (ROOT / "docs" / "members.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (easy|medium|hard) \| (\d+) \| halves it \| -(\d+) \|$", page, re.M)

    assert {level: (int(base), int(hint)) for level, base, hint in rows} == {
        level.value: (points, hint_cost(level)) for level, points in BASE_POINTS.items()
    }
    assert f"at least {MIN_POINTS_FOR_A_SOLVE} point" in page
