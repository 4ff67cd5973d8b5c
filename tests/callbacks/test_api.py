"""GET /callbacks: the tasks, newest first, numbers masked, for any signed-in role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from hotline.auth.tokens import TokenStore
from hotline.db import records_store as db
from hotline.http.callbacks import callbacks_router
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


async def test_callback_tasks_are_listed_newest_first_with_masked_numbers(sqlite_store, tmp_path) -> None:
    first = CallbackTask("13812345678", "zhuang", "pension", CallbackReason.VIRTUAL_HOLD, NOW, NOW, call_id="c1",
                         queued_at=NOW - timedelta(minutes=5))
    failed = replace(first, caller_number="07715551234", reason=CallbackReason.MESSAGE, status=CallbackStatus.FAILED,
                     attempts=3, outcome="noanswer", last_attempt_at=NOW, call_id="c2", queued_at=None)
    for task in (first, failed):
        sqlite_store.run(lambda s, t=task: db.add_task(s, t))
    app = FastAPI()
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    viewer, _ = tokens.create("viewer")
    app.include_router(callbacks_router(sqlite_store))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/callbacks")).status_code == 401
        client.headers["Authorization"] = f"Bearer {viewer}"
        listed = (await client.get("/callbacks")).json()
        assert [(t["call_id"], t["caller"], t["status"]) for t in listed] == [
            ("c2", "*******1234", "failed"), ("c1", "*******5678", "pending")]
        assert (listed[0]["attempts"], listed[0]["outcome"], listed[0]["reason"]) == (3, "noanswer", "message")
        assert listed[1]["queued_at"] is not None
        only_failed = (await client.get("/callbacks", params={"status": "failed"})).json()
        assert [t["call_id"] for t in only_failed] == ["c2"]
        assert "13812345678" not in (await client.get("/callbacks")).text
