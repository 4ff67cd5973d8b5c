"""A callback is recorded like any agent call (virtual hold's other half): the agent is rung
first, the caller is dialled, hears the callback greeting and then, on a recorded line, that the
call is recorded in their language; only then does MixMonitor start and the two are bridged.
The file has both sides (the caller's phone sends 400 Hz, the agent's 1000 Hz) and is
registered with the agent and the task's line."""

from __future__ import annotations

import shutil
from pathlib import PurePosixPath

import pytest

from hotline.db import recordings_store as recordings
from hotline.records.callbacks import CallbackReason, CallbackTask
from hotline.db import records_store as db
from hotline.recordings.desk import RecordingDesk
from hotline.recordings.policy import RecordingPolicy
from ivr.sandbox import Sandbox
from tests.callbacks.conftest import CallbackStack
from routing import Agent
from tests.e2e.test_recording import band_rms, write_tones
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk

SENDS_400_HZ = "13700001234"  # test-callback-phones: picks up and sends a tone
# answers and sends 1000 Hz for three seconds (tests/dialplans/test-recording.conf)
TONE_AGENT = Agent(id="m1", name="m1", endpoint="Local/tone@test-rec-agents/n", proficiencies={"mandarin": 5, "pension": 4})


async def test_a_callback_is_recorded_after_the_caller_is_told(
        make_callback_stack, clipped_sandbox: Sandbox, clipped_events: EventLog) -> None:
    write_tones(clipped_sandbox)
    stack: CallbackStack = await make_callback_stack()
    events = clipped_events
    inside = PurePosixPath(clipped_sandbox.layout.spool) / "calls-callback"
    directory = clipped_sandbox.host_path(inside)
    shutil.rmtree(directory, ignore_errors=True)
    desk = RecordingDesk(stack.store, RecordingPolicy(directory=directory, min_free_mb=0), stack.adapter.ami,
                         asterisk_dir=str(inside), lines=lambda: ["pension"])
    desk.attach()
    stack.adapter.listeners.append(desk.on_router_event)
    await desk.start()
    try:
        now = stack.hold.clock()
        task = CallbackTask(SENDS_400_HZ, "mandarin", "pension", CallbackReason.REPEATED_FAILURE, now, now)
        task_id = await stack.store.call(lambda s: db.add_task(s, task))
        call_id = f"callback-{task_id}"
        stack.hold.wake()
        await stack.login(TONE_AGENT)
        reached = await events.wait("UserEvent", 30, UserEvent="HotlineCallbackConnected", CallID=call_id)
        await events.wait("BridgeEnter", 15, Uniqueid=reached["Uniqueid"])
        # the caller heard the greeting, then that the call is recorded, before the bridge
        heard = [e["Message"] for e in events.matching("TestEvent", State="PLAYBACK")
                 if e.get("Uniqueid") == reached["Uniqueid"] or e.get("Channel") == reached["Channel"]]
        assert heard[-2:] == ["callback_greeting", "call_recorded"], heard
        started = await events.wait("UserEvent", 10, UserEvent="HotlineRecording", CallID=call_id)
        assert (started["Agent"], started["Business"], started["File"]) == ("m1", "pension", f"{call_id}.wav")
        await desk.wait_finished(call_id, timeout=30)
        row = await stack.store.call(lambda s: recordings.get(s, call_id))
        assert row is not None and (row.status, row.agent, row.business) == ("complete", "m1", "pension")
        assert 2.0 <= row.duration_s <= 6.0, row  # the agent talks three seconds
        path = directory / f"{call_id}.wav"
        caller, agent_side = band_rms(path, 350, 450), band_rms(path, 950, 1050)
        assert caller > 0.02 and agent_side > 0.02, (caller, agent_side)  # both sides are in it
    finally:
        await desk.stop()
        shutil.rmtree(directory, ignore_errors=True)
