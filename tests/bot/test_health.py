"""/health says 503, and why, when the store cannot take a write."""

from __future__ import annotations

import httpx

from bot.health import Health, serving_health
from bot.store import TutorStore


async def test_health_is_503_when_the_store_cannot_write(tmp_path) -> None:
    store = await TutorStore.open(tmp_path / "tutor.sqlite3")
    health = Health(lambda: True, store.check_writable)
    async with (
        serving_health(health, "127.0.0.1", 0) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http,
    ):
        assert (await http.get("/health")).status_code == 200
        await store.close()  # as after a failed disk: no more writes
        response = await http.get("/health")
    assert response.status_code == 503
    assert response.json()["problems"] == [
        "the store cannot write: the store is closed; no more writes are accepted"
    ]
