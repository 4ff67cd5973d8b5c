"""The recorder's database trips per call: a call's start is read (a call back may continue
an earlier record), folded and saved in one transaction, not two."""

from __future__ import annotations

from hotline.db import records_store as db
from hotline.records.recorder import CallRecorder
from ivr.ami.events import Hangup
from ivr.userevents import CallStart, Origin
from tests.hours.support import ORDINARY_MONDAY_MORNING, demo_hours


async def test_a_call_start_is_one_transaction_and_its_record_is_saved(sqlite_store):
    recorder = CallRecorder(sqlite_store, demo_hours, clock=lambda: ORDINARY_MONDAY_MORNING)
    origin = Origin(channel="PJSIP/trunk-1", uniqueid="100.1", caller_number="13700000001")
    await recorder.on_event(CallStart("100.1", origin, version="v", dialect="mandarin"))
    assert len(sqlite_store.timings.drain()) == 1
    saved = sqlite_store.run(lambda s: db.load_record(s, "100.1"))
    assert saved is not None and saved.caller_number == "13700000001" and saved.ended_at is None
    await recorder.on_event(Hangup("PJSIP/trunk-1", "100.1", "100.1", 16, "Normal Clearing"))
    ended = sqlite_store.run(lambda s: db.load_record(s, "100.1"))
    assert ended is not None and ended.ended_at == ORDINARY_MONDAY_MORNING
