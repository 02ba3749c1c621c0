"""The record of which runs may share a process: tutor/shared_runs.json, written by
`python -m tutor verify --record` from what it measured (tutor/sharing.py), read at start.

A run is named by its job's key, a hash of everything the job is (code, prelude, request,
middleware...), never by an exercise id: a changed exercise is a new key, and a key nobody
recorded runs in a fresh child as before. tests/tutor/test_shared_runs.py fails when the
record does not name exactly the shipped packs' runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tutor.jobs import ExampleJob

RECORD = Path(__file__).with_name("shared_runs.json")


def job_key(job: ExampleJob) -> str:
    text = json.dumps(job.to_json(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SharingVerdict:
    """Whether one variant's run may share a process, and if not, the first reason."""

    key: str
    exercise: str
    variant: str
    shared: bool
    why: str = ""


def write(verdicts: Iterable[SharingVerdict], path: Path = RECORD) -> None:
    runs = {
        verdict.key: {
            "exercise": verdict.exercise,
            "variant": verdict.variant,
            "shared": verdict.shared,
            **({"why": verdict.why} if verdict.why else {}),
        }
        for verdict in sorted(verdicts, key=lambda v: (v.exercise, v.variant))
    }
    note = "Written by `python -m tutor verify --record`; see tutor/sharing.py. Do not edit."
    path.write_text(json.dumps({"note": note, "runs": runs}, indent=1) + "\n")


def read(path: Path = RECORD) -> dict[str, SharingVerdict]:
    if not path.exists():
        return {}
    runs = json.loads(path.read_text())["runs"]
    return {
        key: SharingVerdict(key, run["exercise"], run["variant"], run["shared"], run.get("why", ""))
        for key, run in runs.items()
    }


def shareable_keys(path: Path = RECORD) -> frozenset[str]:
    return frozenset(key for key, verdict in read(path).items() if verdict.shared)
