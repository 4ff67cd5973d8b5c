"""Virtual hold on the real sandbox: a caller takes the callback offer, hangs up, keeps their
place, and is called back and bridged with an agent; a caller who does not pick up is tried
again and finally marked failed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from hotline.db import records_store as db
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask
from hotline.records.model import fold
from ivr.ami import AmiClient
from ivr.sandbox.calls import PlacedCall, place_call
from routing import AgentState, CallState
from tests.callbacks.conftest import CallbackStack
from tests.routing_asterisk.conftest import agent
from tests.selfservice_calls.caller import Caller, said_digits
from tests.support.events import EventLog
from tests.support.typed import typed

pytestmark = pytest.mark.asterisk

ANSWERS = "13900001234"  # test-callback-phones: picks up
NEVER_ANSWERS = "13800005678"  # test-callback-phones: only rings


async def queued_caller(ami: AmiClient, events: EventLog, number: str) -> Caller:
    call = await place_call(ami, caller_context="test-caller", context="test-queue", caller_id=number, variables={
        "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "60",
        "HOTLINE_HOLD_INTERVAL": "600"})
    await events.wait("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=call.uniqueid)
    return Caller(ami, events, call)


def call_id_of(events: EventLog, call: PlacedCall) -> str:
    return events.matching("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=call.uniqueid)[0]["CallID"]


async def test_a_caller_who_takes_the_callback_keeps_their_place_and_is_called_back_and_bridged(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    stack: CallbackStack = await make_callback_stack()
    ami, events = clipped_ami, clipped_events
    first = await queued_caller(ami, events, ANSWERS)
    second = await queued_caller(ami, events, "13900009999")
    first_id, second_id = call_id_of(events, first.call), call_id_of(events, second.call)

    # the ladder step asks for the offer; the caller takes it and confirms their own number
    await first.on("callback_offer_no_agents", "1")  # (nobody logged in yet)
    await first.hears("callback_number_confirm")
    assert first.heard()[-len(ANSWERS) - 2:] == ["callback_number_is", *said_digits(ANSWERS), "callback_number_confirm"]
    await first.press("1")
    await first.hears("callback_accepted")
    accepted = await events.wait("UserEvent", 15, UserEvent="HotlineCallback", Uniqueid=first.call.uniqueid)
    await events.wait("Hangup", Uniqueid=first.call.uniqueid)
    # the other caller hears the offer too, presses nothing, and simply waits on
    await second.hears("callback_offer_no_agents")

    # the line is gone; the call keeps its place ahead of the caller who came later
    entry = stack.router.calls[first_id]
    assert entry.call.callback and entry.state is CallState.WAITING
    assert stack.router.position(first_id) == 1 and stack.router.position(second_id) == 2
    task_id = int(accepted["Task"])
    task = await stack.store.call(lambda s: db.get_task(s, task_id))
    assert (task.reason, task.status, task.caller_number, task.call_id) == (
        CallbackReason.VIRTUAL_HOLD, CallbackStatus.PENDING, ANSWERS, first_id)

    # an agent logs in: offered the callback first; on answering, the caller is dialled and bridged
    await stack.login(agent("m1", "talk30", mandarin=5, pension=4))
    reached = await events.wait("UserEvent", 20, UserEvent="HotlineCallbackConnected", CallID=first_id)
    mine = await events.wait("BridgeEnter", 15, Uniqueid=reached["Uniqueid"])
    await events.wait_until(lambda: [e for e in events.matching("BridgeEnter", BridgeUniqueid=mine["BridgeUniqueid"])
                                      if e["Uniqueid"].startswith("agent-m1-")], 10, "agent m1 in the bridge")
    assert stack.of("AgentConnect", call_id=first_id) and not stack.of("AgentConnect", call_id=second_id)
    done = await stack.hold.wait_task(task_id, lambda t: t.status is not CallbackStatus.PENDING)
    assert (done.status, done.attempts, done.outcome) == (CallbackStatus.DONE, 1, "answered")
    # the caller who declined was not asked twice and is next in line
    assert second.heard().count("callback_offer_no_agents") == 1
    assert stack.router.calls[second_id].state is CallState.WAITING and stack.router.position(second_id) == 1


async def test_a_callback_nobody_answers_is_tried_again_then_marked_failed(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    stack: CallbackStack = await make_callback_stack()
    events = clipped_events
    # a task left by a caller who kept their place before a service restart: in line at once
    now = stack.hold.clock()
    queued = datetime.fromtimestamp(stack.adapter.clock() - 120, UTC)
    task = CallbackTask(NEVER_ANSWERS, "mandarin", "pension", CallbackReason.VIRTUAL_HOLD, now, now,
                        call_id="kept-place-1", queued_at=queued)
    task_id = await stack.store.call(lambda s: db.add_task(s, task))
    stack.hold.wake()  # as the service does after storing a task
    await stack.wait(lambda: "kept-place-1" in stack.router.calls)
    assert stack.router.calls["kept-place-1"].call.enqueue_time == pytest.approx(queued.timestamp())
    await stack.adapter.resync()  # (as after an AMI reconnect) a callback is on no channel, and stays
    assert "kept-place-1" in stack.router.calls

    await stack.login(agent("m1", "talk30", mandarin=5, pension=4))
    failed = await stack.hold.wait_task(task_id, lambda t: t.status is CallbackStatus.FAILED, timeout=60)
    assert (failed.attempts, failed.outcome) == (2, "noanswer")
    attempts = events.matching("UserEvent", UserEvent="HotlineCallbackAttempt", CallID="kept-place-1")
    assert [(a["Status"], a["Reached"]) for a in attempts] == [("NOANSWER", "0"), ("NOANSWER", "0")], [dict(a) for a in attempts]
    assert len(stack.of("CallbackUnanswered", call_id="kept-place-1")) == 2
    # the agent is free again, with no wrap-up, and the call is off the books
    await stack.wait(lambda: stack.router.agent_view("m1").state is AgentState.AVAILABLE)
    assert "kept-place-1" not in stack.router.calls


async def test_a_slow_save_of_the_last_outcome_does_not_dial_the_number_once_more(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15, defect 6: a number was dialled max_attempts + 1 times. The runner read the
    task row while the last attempt's outcome was still being written, and put it in line
    again. The write is slowed on purpose (the fault a real database gives under load)."""
    update_task = db.update_task

    def slow_update(session, task):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # in the store's worker thread, as a slow commit would be
        return update_task(session, task)

    monkeypatch.setattr(db, "update_task", slow_update)
    stack: CallbackStack = await make_callback_stack()
    now = stack.hold.clock()
    queued = datetime.fromtimestamp(stack.adapter.clock() - 120, UTC)
    task = CallbackTask(NEVER_ANSWERS, "mandarin", "pension", CallbackReason.VIRTUAL_HOLD, now, now,
                        call_id="kept-place-2", queued_at=queued)
    task_id = await stack.store.call(lambda s: db.add_task(s, task))
    stack.hold.wake()
    await stack.login(agent("m1", "talk30", mandarin=5, pension=4))
    failed = await stack.hold.wait_task(task_id, lambda t: t.status is CallbackStatus.FAILED, timeout=60)
    assert failed.attempts == 2
    joins = stack.of("QueueCallerJoin", call_id="kept-place-2")
    assert len(joins) == 2 and "kept-place-2" not in stack.router.calls, joins


async def test_an_automatic_callback_s_record_has_its_line(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    """Issue 15, defect 7: a callback after two failed calls has no menus behind it, so its
    record had no dialect or business line and its rating was reported under "unknown"."""
    stack: CallbackStack = await make_callback_stack()
    now = stack.hold.clock()
    task = CallbackTask(ANSWERS, "mandarin", "pension", CallbackReason.REPEATED_FAILURE, now, now)
    task_id = await stack.store.call(lambda s: db.add_task(s, task))
    stack.hold.wake()
    await stack.login(agent("m1", "talk3", mandarin=5, pension=4))
    call_id = f"callback-{task_id}"
    await clipped_events.wait("UserEvent", 30, UserEvent="HotlineCallbackConnected", CallID=call_id)
    record = None
    for event in clipped_events.matching("UserEvent", CallID=call_id):
        record = fold(record, typed(event), now)
    assert record is not None and (record.dialect, record.business) == ("mandarin", "pension")
