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


@pytest.mark.parametrize(("key", "rating"), [("2", 2), ("9", None)])
async def test_a_survey_key_is_stored_against_the_agent(ami, events, sqlite_store, key, rating):
    recorder = CallRecorder(sqlite_store, demo_hours, clock=lambda: ORDINARY_MONDAY_MORNING)
    recorder.attach(ami)
    call = await place_call(ami, caller_context="test-caller", context="test-survey-ivr", caller_id="13700137000",
                            variables={"TEST_AGENT": "agent042", "TEST_DIALECT": "hakka",
                                       "TEST_BUSINESS": "unemployment", "CALLER_HOLD": "30"})
    await events.wait("TestEvent", State="PLAYBACK", Message="survey_rate")
    caller = await caller_channel(events, call)
    await ami.send({"Action": "PlayDTMF", "Channel": caller, "Digit": key, "Duration": "120", "Async": "false"})
    survey = await events.wait("UserEvent", UserEvent="HotlineSurvey", Uniqueid=call.uniqueid)
    assert (survey["Agent"], survey["Rating"]) == ("agent042", key if rating else "none")
    if rating:  # thanked; without a rating the survey simply ends
        await events.wait("TestEvent", State="PLAYBACK", Message="survey_thanks")
    await recorder.wait_finished(call.uniqueid)

    record = sqlite_store.run(lambda s: db.load_record(s, call.uniqueid))
    assert (record.agent, record.rating, record.survey_offered) == ("agent042", rating, True)
    assert (record.dialect, record.business, record.caller_number) == ("hakka", "unemployment", "13700137000")
    assert record.outcome is Outcome.ANSWERED and record.hangup_cause
