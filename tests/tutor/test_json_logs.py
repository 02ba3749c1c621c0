"""LOG_FORMAT=json: every line the tutor service writes to stderr is one JSON object,
uvicorn's records included."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys

import httpx


async def test_every_stderr_line_of_the_tutor_service_is_json() -> None:
    env = os.environ | {"LOG_FORMAT": "json"}
    service = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tutor", "--port", "0"), env=env, stderr=asyncio.subprocess.PIPE
    )
    assert service.stderr is not None
    lines: list[str] = []
    try:
        port = None
        while not lines or "startup complete" not in lines[-1]:
            line = (await asyncio.wait_for(service.stderr.readline(), 30)).decode()
            assert line, f"the service stopped: {lines}"
            lines.append(line)
            serving = re.search(
                r"serving on http://127\.0\.0\.1:(\d+)/", json.loads(line)["message"]
            )
            port = int(serving[1]) if serving else port
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/api/health")).status_code == 200
            assert (await http.get("/api/metrics")).status_code == 200
    finally:
        service.send_signal(signal.SIGTERM)
        _, rest = await service.communicate()
    assert service.returncode == 0
    lines += rest.decode().splitlines()
    records = [json.loads(line) for line in lines]  # each line parses, or this fails
    assert all({"asctime", "level", "name", "message"} <= record.keys() for record in records)
    assert {"uvicorn.error", "tutor"} <= {record["name"] for record in records}
    assert not any("color_message" in record for record in records)
    assert any("Shutting down" in record["message"] for record in records)
