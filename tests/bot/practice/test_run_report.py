""" "Run it" as a member reads it: a run of each kind (JSON, text, stream, error, timeout) in
markdown, within Discord's limits, and the same text as the sandbox page shows it."""

from __future__ import annotations

import re

from bot.practice.run_it import run_comparison
from bot.practice.run_report import CONTENT_LIMIT, fenced, run_markdown
from bot.sandbox.page.markup import to_html
from tests.e2e.bots import e2e_catalog
from wire.runs import ErrorReport, Piece, ResponseReport, RunReport

FENCE = "```"


def blocks(text: str) -> list[str]:
    """The code blocks of a message, as Discord reads them."""
    return re.findall(r"```\n(.*?)\n```", text, re.DOTALL)


JSON_RUN = RunReport(
    responses=(
        ResponseReport(
            200,
            "application/json",
            '{"echo": "hello"}',
            headers=(("content-type", "application/json"), ("content-length", "17")),
        ),
    ),
    elapsed=1.0042,
)
TEXT_RUN = RunReport(
    responses=(
        ResponseReport(
            404,
            "text/plain; charset=utf-8",
            "no book 7\nsorry",
            headers=(("content-type", "text/plain; charset=utf-8"), ("x-request-id", "abc")),
        ),
    ),
    elapsed=0.0123,
)
STREAM_RUN = RunReport(
    responses=(
        ResponseReport(
            200,
            "text/event-stream",
            "data: 1\n\ndata: 2\n\n",
            headers=(("content-type", "text/event-stream"), ("cache-control", "no-cache")),
            pieces=(Piece(0.0012, "data: 1\n\n"), Piece(0.5031, "data: 2\n\n")),
        ),
    ),
    elapsed=0.5034,
)
ERROR_RUN = RunReport(
    error=ErrorReport("NameError", "name 'sleep' is not defined", 3, ("NameError",)),
    warnings=("RuntimeWarning: coroutine 'sleep' was never awaited",),
    elapsed=0.001,
)
TIMEOUT_RUN = RunReport(timed_out=True, elapsed=8.0)


def test_a_json_response_shows_status_headers_and_body_in_a_block():
    text = run_markdown("Your choice option B", JSON_RUN)

    title, rest = text.split("\n", 1)
    assert title == "Your choice option B · 1.00 s"
    assert blocks(rest) == ['200 OK\ncontent-type: application/json\n\n{"echo": "hello"}']
    assert "content-length" not in text  # a header that tells a learner nothing


def test_a_text_response_keeps_its_lines_and_its_own_headers():
    (block,) = blocks(run_markdown("Correct option A", TEXT_RUN))

    assert block.splitlines() == [
        "404 Not Found",
        "content-type: text/plain; charset=utf-8",
        "x-request-id: abc",
        "",
        "no book 7",
        "sorry",
    ]


def test_a_stream_shows_each_piece_with_the_time_it_arrived():
    (block,) = blocks(run_markdown("Your choice option C", STREAM_RUN))

    head, body = block.split("\n\n", 1)
    assert head.splitlines()[0] == "200 OK"
    assert "cache-control: no-cache" in head
    assert body.splitlines() == ["[ 0.00 s] data: 1", "[ 0.50 s] data: 2"]


def test_an_error_is_in_the_block_with_its_line_and_the_warning_below():
    text = run_markdown("Your choice option A", ERROR_RUN)

    title, *_ = text.splitlines()
    assert title == "Your choice option A · 0.00 s"
    assert blocks(text) == ["NameError: name 'sleep' is not defined (line 3)"]
    assert text.splitlines()[-1] == "⚠ RuntimeWarning: coroutine 'sleep' was never awaited"


def test_a_view_that_raised_shows_the_exception_not_django_s_500_page():
    page = ResponseReport(500, "text/html", "<!doctype html>" + "<p>x</p>\n" * 50)
    raised = RunReport(error=ERROR_RUN.error, responses=(page,), elapsed=0.01)

    assert blocks(run_markdown("Yours", raised)) == [
        "NameError: name 'sleep' is not defined (line 3)\n"
        "(the view raised it: the answer was 500 Internal Server Error)"
    ]


def test_a_timeout_says_the_run_did_not_finish():
    text = run_markdown("Your choice option D", TIMEOUT_RUN)

    assert text == "Your choice option D: did not finish: the run timed out after 8 s"
    assert FENCE not in text


def test_a_body_with_backticks_cannot_leave_its_block():
    hostile = "```\n**@everyone** ````` `` `\n```py"
    report = RunReport(responses=(ResponseReport(200, "text/plain", hostile),))
    text = run_markdown("Yours", report)

    assert text.count(FENCE) == 2  # the block's own fences, nothing else
    (block,) = blocks(text)
    assert block.replace("\u200b", "").endswith(hostile)  # the body reads the same
    assert fenced("a``") == "```\na`\u200b`\n```"


def test_long_runs_stay_within_discord_s_limit_and_say_what_was_cut():
    exercise = e2e_catalog().get("demo/define-async-view")
    huge = "x" * 190 + "\n"
    body = RunReport(responses=(ResponseReport(200, "text/plain", huge * 200, truncated=True),))
    many = tuple(Piece(n / 10, f"data: {n}\n\n") for n in range(400))
    stream = RunReport(responses=(ResponseReport(200, "text/event-stream", "", pieces=many),))

    text = run_comparison(exercise, "A", body, stream)

    assert len(text) <= CONTENT_LIMIT
    assert text.count(FENCE) == 4  # both blocks closed
    mine, correct = blocks(text)
    assert re.search(r"… \(\d+ more line\(s\) not shown\)\n… \(the body goes on\)$", mine)
    assert "[ 0.00 s] data: 0" in correct
    assert re.search(r"… \(\d+ more line\(s\) not shown\)$", correct)


def test_the_sandbox_page_shows_the_same_block():
    page = to_html(run_markdown("Your choice option C", STREAM_RUN))

    assert page.count('<figure class="code"') == 1
    assert "[ 0.50 s] data: 2" in re.sub(r"<[^>]+>", "", page)
