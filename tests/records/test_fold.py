"""Folding the dialplan's events into a call record, and the automatic-callback rule (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hotline.records.callbacks import CallbackReason, automatic_callback
from hotline.records.model import CallRecord, Outcome, fold
from ivr.ami.events import Hangup
from ivr.userevents import HotlineEvent, decode
from routing.events import AgentComplete, AgentConnect, QueueCallerAbandon
from routing.model import Party
from tests.hours.support import ORDINARY_MONDAY_MORNING as T0

CALL = {"CallID": "c1", "Uniqueid": "u1", "CallerIDNum": "13800138000", "Channel": "Local/12333@test-0001;1"}


def user(name: str, **fields: str) -> HotlineEvent:
    event = decode({"Event": "UserEvent", "UserEvent": name, **CALL, **fields})
    assert event is not None, name
    return event


def hangup(**fields: str) -> Hangup:
    return Hangup.from_message({"Event": "Hangup", **CALL, **fields})


def replay(*events: object) -> CallRecord:
    record = None
    for i, event in enumerate(events):
        record = fold(record, event, T0 + timedelta(seconds=i))
    assert record is not None
    return record


SELF_SERVICE_CALL = (
    user("HotlineCallStart", Version="abc", Dialect="mandarin"),
    user("HotlineMenu", Menu="welcome", Dialect="mandarin", Business="pension"),
    user("HotlineMenu", Menu="language", Dialect="mandarin", Business="pension"),
    user("HotlineKey", Menu="language", Key="1"),
    user("HotlineMenu", Menu="main", Dialect="mandarin", Business="pension"),
    user("HotlineKey", Menu="main", Key="2"),
    user("HotlineMenu", Menu="medical", Dialect="mandarin", Business="medical"),
    user("HotlineKey", Menu="medical", Key="1"),
    user("HotlineSelfService", Menu="medical", Flow="balance", Result="done", AgiStatus="SUCCESS"),
    user("HotlineCallEnd", Menu="medical"),
    hangup(Cause="16", **{"Cause-txt": "Normal Clearing"}),
)


def test_a_self_service_call_is_recorded_with_its_path():
    record = replay(*SELF_SERVICE_CALL)
    assert record.menus == ("welcome", "language", "main", "medical")
    assert record.keys == "121" and record.self_service == ("balance:done",)
    assert (record.caller_number, record.dialect, record.business) == ("13800138000", "mandarin", "medical")
    assert (record.ended_in, record.hangup_cause, record.config_version) == ("medical", "Normal Clearing", "abc")
    assert record.started_at == T0 and record.ended_at == T0 + timedelta(seconds=10)
    assert record.outcome is Outcome.SELF_SERVICE and not record.failed_to_reach_agent


def test_outcomes_closed_message_abandoned_answered():
    to_agent = user("HotlineToAgent", Menu="main", Dialect="zhuang", Business="employment", Reason="key")
    closed = user("HotlineHours", Open="0", Reason="holiday", Dialect="zhuang", Business="employment")
    assert replay(to_agent, closed).outcome is Outcome.CLOSED
    assert replay(to_agent, closed, user("HotlineMessage", File="m.wav")).outcome is Outcome.MESSAGE
    assert replay(to_agent, user("HotlineHours", Open="1", Reason="open")).outcome is Outcome.ABANDONED
    answered = replay(to_agent, user("HotlineHours", Open="1"), user("HotlineSurvey", Agent="a7", Rating="1"))
    assert (answered.outcome, answered.agent, answered.rating) == (Outcome.ANSWERED, "a7", 1)
    assert replay(user("HotlineMenu", Menu="welcome")).outcome is Outcome.IVR


def test_unknown_events_and_bad_values_change_nothing_they_should_not():
    record = replay(*SELF_SERVICE_CALL[:3])
    assert decode({"UserEvent": "HotlineSomethingNew", "X": "1", **CALL}) is None  # not in the contract
    assert fold(record, hangup(), T0).hangup_cause == ""
    assert fold(record, user("HotlineSurvey", Agent="a1", Rating="7"), T0).rating is None
    def start(number: str) -> HotlineEvent:
        event = decode({"UserEvent": "HotlineCallStart", **CALL, "CallerIDNum": number})
        assert event is not None
        return event

    withheld = fold(None, start("<unknown>"), T0)
    assert withheld.caller_number == ""
    # Whatever a trunk puts there for a withheld number is unknown, never a number to group by.
    for shown in ("anonymous", "Anonymous", "Restricted", "unknown", "sip:anonymous@anonymous.invalid", "12"):
        assert fold(None, start(shown), T0).caller_number == "", shown
    assert fold(None, start("+8613800138000"), T0).caller_number


def failed(call_id: str, number: str = "139") -> CallRecord:
    return CallRecord(call_id, T0, caller_number=number, to_agent=True, line_open=False, ended_at=T0)


def test_two_failures_in_a_day_make_one_task_and_never_a_second():
    first, second = failed("c1"), failed("c2")
    assert automatic_callback(first, 1, False, T0, T0) is None
    task = automatic_callback(second, 2, False, T0 + timedelta(days=1), T0)
    assert task is not None and (task.reason, task.caller_number, task.call_id) == (
        CallbackReason.REPEATED_FAILURE, "139", "c2")
    assert automatic_callback(failed("c3"), 3, True, T0, T0) is None


def test_answered_calls_and_withheld_numbers_never_make_tasks():
    answered = replace(failed("c2"), agent="a1", survey_offered=True)
    assert automatic_callback(answered, 1, False, T0, T0) is None
    anonymous = failed("c2", number="")
    assert automatic_callback(anonymous, 2, False, T0, T0) is None
    self_served = CallRecord("c2", T0, caller_number="139", self_service=("balance:done",))
    assert automatic_callback(self_served, 2, False, T0, T0) is None


def test_a_pending_message_task_stands_for_the_automatic_one():
    assert automatic_callback(failed("c2"), 2, True, T0, T0) is None  # e.g. a message's task


def test_the_routers_events_give_the_queue_wait_agent_and_talk_time():

    record = replay(user("HotlineToAgent", Dialect="mandarin", Business="pension"),
                    AgentConnect(5.0, "c1", "a7", 42.5, 3.0),
                    AgentComplete(9.0, "c1", "a7", 42.5, 120.25, Party.AGENT))
    assert (record.agent, record.queue_wait_s, record.talk_s) == ("a7", 42.5, 120.25)
    abandoned = replay(user("HotlineToAgent"), QueueCallerAbandon(1.0, "c1", "mandarin", "pension", 0, 61.0))
    assert abandoned.queue_wait_s == 61.0 and abandoned.outcome is Outcome.ABANDONED


def test_a_caller_who_took_a_callback_is_not_a_failure_and_the_call_back_completes_the_record():
    kept = replay(user("HotlineToAgent", Dialect="mandarin", Business="pension"), user("HotlineCallback", Task="12"),
                  hangup(Cause="16"))
    assert kept.callback_task_id == 12 and kept.outcome is Outcome.CALLBACK and not kept.failed_to_reach_agent
    later = fold(kept, AgentConnect(5.0, "c1", "a7", 300.0, 4.0), T0)
    later = fold(later, user("HotlineSurvey", Agent="a7", Rating="4"), T0)
    later = fold(later, AgentComplete(9.0, "c1", "a7", 300.0, 60.0, Party.AGENT), T0)
    assert later.outcome is Outcome.ANSWERED and later.rating == 4 and later.talk_s == 60.0


def test_a_hang_up_in_a_flow_is_recorded_with_what_the_caller_completed():
    record = replay(
        user("HotlineSelfServiceOutcome", Flow="balance", Outcome="balance_read", Result="done"),
        user("HotlineSelfService", Flow="balance", Result="done", AgiStatus="SUCCESS"),
        user("HotlineSelfServiceOutcome", Flow="balance", Outcome="balance_read", Result="hangup"),
    )
    assert record.self_service == ("balance:done", "balance:hangup:balance_read")
    assert record.outcome is Outcome.SELF_SERVICE
