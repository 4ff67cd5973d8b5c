"""End to end through the generated dialplan and the real service: a caller asks for an agent
on a holiday, hotline-hours takes the call over, and the call is recorded."""

from __future__ import annotations

from hotline.db import records_store as db
from hotline.records.model import Outcome
from hotline.records.wiring import install
from hotline.service import HotlineService
from ivr.sandbox.calls import place_call
from tests.hours.support import HOLIDAY_THURSDAY_NOON, demo_hours

from .support import caller_channel, messages_dir


async def test_a_holiday_caller_asking_for_an_agent_is_told_the_hours_and_recorded(
        sandbox, agi_port, ami, events, sqlite_store):
    service = HotlineService(sandbox.ami, agi_host="127.0.0.1", agi_port=agi_port)
    recorder = install(service, store=sqlite_store, hours=demo_hours, messages_dir=messages_dir(sandbox),
                       clock=lambda: HOLIDAY_THURSDAY_NOON)
    await service.start()
    try:
        await service.ami.wait_connected(5)
        call = await place_call(ami, caller_context="test-caller", context="hotline-entry", caller_id="13600136000",
                                variables={"CALLER_HOLD": "30"})
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="language", Uniqueid=call.uniqueid, timeout=15)
        caller = await caller_channel(events, call)
        await ami.send({"Action": "PlayDTMF", "Channel": caller, "Digit": "0", "Duration": "120", "Async": "false"})
        hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
        assert (hours["Open"], hours["Reason"]) == ("0", "holiday")
        await events.wait("TestEvent", State="PLAYBACK", Message="after_hours")
        await ami.send({"Action": "Hangup", "Channel": caller})
        await recorder.wait_finished(call.uniqueid)
    finally:
        await service.stop()
    record = sqlite_store.run(lambda s: db.load_record(s, call.uniqueid))
    assert record.menus[:2] == ("welcome", "language") and record.keys == "0"
    assert (record.to_agent, record.agent_reason, record.line_open) == (True, "key", False)
    assert record.outcome is Outcome.CLOSED and record.caller_number == "13600136000"
    assert record.ended_in == "language" and record.config_version
