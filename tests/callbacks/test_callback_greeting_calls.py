"""Issue 15, defect 9: an agent who hangs up while the called-back caller hears the greeting.
Dial bridged the caller with the agent's dead channel for about 10 ms once the greeting
ended, and F() sent them to the survey: asked to rate a conversation that never happened,
the rating counted against the agent, and the greeting counted as talk time.

On the full sandbox (not the clipped one): the greeting must last long enough for the agent
to hang up during it, so this test takes the agent's notice and the greeting, about 16 s."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hotline.db import records_store as db
from hotline.db.records_store import RecordStore
from hotline.records.callbacks import CallbackReason, CallbackTask
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from tests.callbacks.conftest import CallbackStack
from tests.routing_asterisk.conftest import agent
from tests.support.events import EventLog
from tests.support.stacks import started_stacks

pytestmark = pytest.mark.asterisk

ANSWERS = "13900001234"  # test-callback-phones: picks up and stays on the line


@pytest.fixture
async def make_full_callback_stack(ami: AmiClient, agi_server: AgiServer, sqlite_store: RecordStore) -> AsyncIterator:
    def build(**policy_overrides: object) -> CallbackStack:
        return CallbackStack(ami, agi_server, sqlite_store, **policy_overrides)

    async with started_stacks(ami, build, hang_up=("caller", "agents", "callback-phones")) as make:
        yield make


async def test_an_agent_who_hangs_up_during_the_greeting_leaves_no_survey_and_no_talk_time(
        make_full_callback_stack, ami: AmiClient, events: EventLog) -> None:
    stack: CallbackStack = await make_full_callback_stack()
    now = stack.hold.clock()
    task = CallbackTask(ANSWERS, "mandarin", "pension", CallbackReason.REPEATED_FAILURE, now, now)
    task_id = await stack.store.call(lambda s: db.add_task(s, task))
    stack.hold.wake()
    await stack.login(agent("m1", "talk60", mandarin=5, pension=4))
    call_id = f"callback-{task_id}"
    answered = await events.wait("UserEvent", 30, UserEvent="HotlineAgentAnswer", CallID=call_id)
    reached = await events.wait("UserEvent", 30, UserEvent="HotlineCallbackConnected", CallID=call_id)
    # the greeting has just begun on the caller's phone: the agent hangs up
    await ami.send({"Action": "Hangup", "Channel": answered["Channel"]})
    await events.wait("Hangup", 30, Uniqueid=reached["Uniqueid"])
    assert not events.matching("TestEvent", State="PLAYBACK", Message="survey_rate", Channel=reached["Channel"])
    assert not events.matching("UserEvent", UserEvent="HotlineSurvey", CallID=call_id)
    [complete] = await stack.wait(lambda: stack.of("AgentComplete", call_id=call_id))
    assert complete.talk_time < 1.0  # the greeting (about 11 s) is not talk time
