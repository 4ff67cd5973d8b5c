"""The satisfaction survey on the sandbox Asterisk: a key press is stored against the call and
the agent who took it."""

from __future__ import annotations

import pytest

from hotline.db import records_store as db
from hotline.records.model import Outcome
from hotline.records.recorder import CallRecorder
from ivr.sandbox.calls import place_call
from tests.hours.support import ORDINARY_MONDAY_MORNING, demo_hours

from .support import caller_channel


@pytest.mark.parametrize(("keys", "rating"), [("2", 2), ("94", 4), ("99", None)])
async def test_a_survey_key_is_stored_against_the_agent(ami, events, sqlite_store, keys, rating):
    """A wrong key is told and asked again once (issue 15, defect 9: one try, then a hang-up
    without thanks); the caller is thanked either way."""
    recorder = CallRecorder(sqlite_store, demo_hours, clock=lambda: ORDINARY_MONDAY_MORNING)
    recorder.attach(ami)
    call = await place_call(ami, caller_context="test-caller", context="test-survey-ivr", caller_id="13700137000",
                            variables={"TEST_AGENT": "agent042", "TEST_DIALECT": "hakka",
                                       "TEST_BUSINESS": "unemployment", "CALLER_HOLD": "30"})
    caller = None
    for nth, key in enumerate(keys, 1):
        await events.wait_until(lambda n=nth: len(events.matching("TestEvent", State="PLAYBACK", Message="survey_rate")) >= n,
                                10, f"survey_rate played {nth} time(s)")
        caller = caller or await caller_channel(events, call)
        await ami.send({"Action": "PlayDTMF", "Channel": caller, "Digit": key, "Duration": "120", "Async": "false"})
    survey = await events.wait("UserEvent", UserEvent="HotlineSurvey", Uniqueid=call.uniqueid)
    assert (survey["Agent"], survey["Rating"]) == ("agent042", str(rating) if rating else "none")
    await events.wait("TestEvent", State="PLAYBACK", Message="survey_thanks")
    if len(keys) > 1:
        assert events.matching("TestEvent", State="PLAYBACK", Message="invalid_key")
    await recorder.wait_finished(call.uniqueid)

    record = sqlite_store.run(lambda s: db.load_record(s, call.uniqueid))
    assert (record.agent, record.rating, record.survey_offered) == ("agent042", rating, True)
    assert (record.dialect, record.business, record.caller_number) == ("hakka", "unemployment", "13700137000")
    assert record.outcome is Outcome.ANSWERED and record.hangup_cause
