"""A closed-line caller leaves a message on the sandbox Asterisk; it reaches the API with its
audio and a callback task for the line's next opening; two failed calls in a day make one
automatic callback task."""

from __future__ import annotations

import io
import wave
from datetime import datetime

import httpx
from fastapi import FastAPI

from hotline.auth.tokens import TokenStore
from hotline.db import records_store as db
from hotline.hours.agi import hours_handler
from hotline.http.messages import messages_router
from hotline.records.callbacks import CallbackReason
from hotline.records.model import Outcome
from hotline.records.recorder import CallRecorder
from tests.hours.support import HOLIDAY_THURSDAY_NOON, demo_hours, local

from .support import closed_line_call, messages_dir

NUMBER = "13800138000"


def recorder_for(sandbox, ami, agi_server, store) -> CallRecorder:
    agi_server.routes["hours"] = hours_handler(demo_hours, clock=lambda: HOLIDAY_THURSDAY_NOON)
    recorder = CallRecorder(store, demo_hours, messages_dir=messages_dir(sandbox),
                            clock=lambda: HOLIDAY_THURSDAY_NOON)
    recorder.attach(ami)
    return recorder


async def test_a_closed_line_caller_leaves_a_message_that_the_api_lists_and_plays(
        sandbox, ami, events, agi_server, sqlite_store, tmp_path):
    recorder = recorder_for(sandbox, ami, agi_server, sqlite_store)
    call = await closed_line_call(ami, events, NUMBER, leave_message=True, dialect="cantonese", business="medical")
    message_event = await events.wait("UserEvent", UserEvent="HotlineMessage", Uniqueid=call.uniqueid, timeout=15)
    assert message_event["Status"] in ("HANGUP", "DTMF", "SILENCE")
    await recorder.wait_finished(call.uniqueid)

    app = FastAPI()
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    agent_token, _ = tokens.create("agent", name="Wei Lan", agent_id="a1001")
    viewer_token, _ = tokens.create("viewer")
    app.include_router(messages_router(sqlite_store, messages_dir(sandbox), clock=lambda: HOLIDAY_THURSDAY_NOON))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/messages")).status_code == 401
        viewer = {"Authorization": f"Bearer {viewer_token}"}
        assert (await client.get("/messages", headers=viewer)).status_code == 403
        client.headers["Authorization"] = f"Bearer {agent_token}"
        listed = (await client.get("/messages")).json()
        assert len(listed) == 1
        message = listed[0]
        assert (message["caller_number"], message["dialect"], message["line"], message["business"]) == (
            NUMBER, "cantonese", "dialect", "medical")
        assert message["duration_s"] > 0.5 and not message["handled"]
        # Due when the dialect line next opens: after National Day, Thursday 8 October 09:00.
        assert datetime.fromisoformat(message["callback_due_at"]) == local("2026-10-08 09:00")

        audio = await client.get(message["audio_url"])
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
        with wave.open(io.BytesIO(audio.content)) as recording:
            seconds = recording.getnframes() / recording.getframerate()
            assert recording.getframerate() == 8000 and recording.getnchannels() == 1
            samples = recording.readframes(recording.getnframes())
        assert abs(seconds - message["duration_s"]) < 0.05
        assert any(samples[i:i + 2] not in (b"\x00\x00", b"\xff\xff") for i in range(0, len(samples), 2))

        handled = await client.post(f"/messages/{message['id']}/handled")
        assert handled.json()["handled"] and handled.json()["handled_by"] == "Wei Lan"
        assert (await client.get("/messages", params={"handled": "false"})).json() == []
        assert (await client.get("/messages/999/audio")).status_code == 404

    record = sqlite_store.run(lambda s: db.load_record(s, call.uniqueid))
    assert record.outcome is Outcome.MESSAGE and record.caller_number == NUMBER
    assert record.line_open is False and record.hours_reason == "holiday"
    tasks = sqlite_store.run(db.all_tasks)
    assert [(t.reason, t.status.value) for t in tasks] == [(CallbackReason.MESSAGE, "done")]


async def test_two_failed_calls_today_make_one_automatic_callback_task(
        sandbox, ami, events, agi_server, sqlite_store):
    recorder = recorder_for(sandbox, ami, agi_server, sqlite_store)
    for attempt in range(3):
        call = await closed_line_call(ami, events, "13900139000", leave_message=False)
        await recorder.wait_finished(call.uniqueid)
        tasks = sqlite_store.run(db.all_tasks)
        assert len(tasks) == (0 if attempt == 0 else 1), f"after call {attempt + 1}: {tasks}"
    task = tasks[0]
    assert (task.caller_number, task.reason, task.dialect) == ("13900139000", CallbackReason.REPEATED_FAILURE, "mandarin")
    assert task.due_at == local("2026-10-08 08:30")
    records = sqlite_store.run(lambda s: db.ended_calls_between(
        s, "13900139000", local("2026-10-01 00:00"), local("2026-10-02 00:00")))
    assert [r.outcome for r in records] == [Outcome.CLOSED] * 3
