"""Records a stopped or killed service leaves open are closed at its next start (its first AMI
connect), with a cause that says which; calls still up are left to finish normally."""

from __future__ import annotations

from hotline.db import records_store as db
from hotline.records.recorder import NOT_SEEN_DOWN, NOT_SEEN_STOPPED, CallRecorder
from ivr.sandbox.calls import place_call
from tests.hours.support import ORDINARY_MONDAY_MORNING, demo_hours
from tests.support.typed import typed

from .support import caller_channel


async def test_records_left_open_by_a_killed_or_stopped_service_are_closed_at_the_next_start(
        ami, events, sqlite_store):
    # Two earlier runs of the service, fed the real AMI events of calls that stay up: one was
    # killed, the other stopped while its call was up.
    killed = CallRecorder(sqlite_store, demo_hours, clock=lambda: ORDINARY_MONDAY_MORNING)
    stopping = CallRecorder(sqlite_store, demo_hours, clock=lambda: ORDINARY_MONDAY_MORNING)
    calls = {}
    for name, recorder in (("killed", killed), ("stopped", stopping), ("still_up", killed)):
        call = await place_call(ami, caller_context="test-caller", context="test-record-hold",
                                caller_id="13700000001", variables={"CALLER_HOLD": "30"})
        await recorder.on_event(typed(await events.wait("UserEvent", UserEvent="HotlineCallStart",
                                                        Uniqueid=call.uniqueid)))
        calls[name] = call
    stopping.save_on_stop()
    # While no service runs, two of the callers hang up: their Hangup events reach nobody.
    for name in ("killed", "stopped"):
        await ami.send({"Action": "Hangup", "Channel": await caller_channel(events, calls[name])})
        await events.wait("Hangup", Uniqueid=calls[name].uniqueid)

    def record(name: str):
        return sqlite_store.run(lambda s: db.load_record(s, calls[name].uniqueid))

    assert record("killed").ended_at is None and record("stopped").ended_at is None
    restarted = CallRecorder(sqlite_store, demo_hours, clock=lambda: ORDINARY_MONDAY_MORNING)
    restarted.attach(ami)
    assert await restarted.close_calls_gone(ami) == 2  # what it does on every AMI connect
    assert (record("killed").hangup_cause, record("killed").ended_at) == (NOT_SEEN_DOWN, ORDINARY_MONDAY_MORNING)
    assert (record("stopped").hangup_cause, record("stopped").ended_at) == (NOT_SEEN_STOPPED, ORDINARY_MONDAY_MORNING)
    # The call still up is left open, continued, and closed by its own hang-up.
    assert record("still_up").ended_at is None
    # (the generated hangup handler's HotlineCallEnd tells the new recorder the call's channel)
    await restarted.on_event(typed({"Event": "UserEvent", "UserEvent": "HotlineCallEnd", "Menu": "test",
                                    "CallID": calls["still_up"].uniqueid, "Uniqueid": calls["still_up"].uniqueid}))
    await ami.send({"Action": "Hangup", "Channel": await caller_channel(events, calls["still_up"])})
    await restarted.wait_finished(calls["still_up"].uniqueid)
    assert record("still_up").ended_at is not None
    assert record("still_up").hangup_cause not in (NOT_SEEN_DOWN, NOT_SEEN_STOPPED)
    assert await restarted.close_calls_gone(ami) == 0
