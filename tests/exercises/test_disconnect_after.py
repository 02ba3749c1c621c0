"""`request.disconnect_after`: the seconds after which the tutor's client leaves a view's run."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises import check, load_catalog

PACK = 'id = "leaving"\ntitle = "Leaving"\ntopic = "Django"\ndescription = "Clients that leave."\n'
EXERCISE = """
slug = "leaves"
kind = "multiple-choice"
difficulty = "easy"
title = "A client that leaves"
prompt = "What does the stream send before the client leaves?"
hints = ["Look at the first yield."]
mistakes = ["Expecting the whole stream."]
solution = ["The first event only."]
code = '''
from django.http import StreamingHttpResponse

async def events():
    yield "data: 1"

async def stream(request):
    return StreamingHttpResponse(events())
'''

[[options]]
text = "data: 1"
correct = true

[[options]]
text = "nothing"
feedback = "The first event is sent at once."

[run]
target = "snippet"
view = "stream"
request = { path = "/stream/", disconnect_after = LEAVES }
expect = { status = 200, body = "data: 1" }
"""


def write_pack(root: Path, leaves: str) -> Path:
    pack = root / "leaving"
    pack.mkdir()
    (pack / "pack.toml").write_text(PACK)
    (pack / "leaves.toml").write_text(EXERCISE.replace("LEAVES", leaves))
    return root


def test_a_run_can_say_when_its_client_leaves(tmp_path: Path) -> None:
    catalog = load_catalog(write_pack(tmp_path, "0.5"))

    run = catalog.get("leaving/leaves").run
    assert run is not None
    assert run.request.disconnect_after == 0.5


@pytest.mark.parametrize(
    ("leaves", "words"),
    [("0", "give 0 < seconds <= 5"), ("9", "give 0 < seconds <= 5"), ('"soon"', "a number")],
)
def test_a_moment_of_leaving_out_of_range_is_refused_naming_the_field(
    tmp_path: Path, leaves: str, words: str
) -> None:
    (problem,) = check(write_pack(tmp_path, leaves))

    assert problem.file.name == "leaves.toml"
    assert problem.field == "run.request.disconnect_after"
    assert words in problem.message
