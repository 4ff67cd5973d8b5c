"""The callback offer's conversation, and what happens at the longest hold, on the sandbox."""

from __future__ import annotations

import time

import pytest

from hotline.db import records_store as db
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from routing import PauseReason
from tests.callbacks.conftest import OFFER_AFTER, CallbackStack
from tests.routing_asterisk.conftest import agent
from tests.selfservice_calls.caller import Caller, said_digits
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk


async def queued(ami: AmiClient, events: EventLog, caller_id: str | None, dialect: str = "mandarin",
                 **variables: str) -> Caller:
    call = await place_call(ami, caller_context="test-caller", context="test-queue", caller_id=caller_id,
                            variables={"QUEUE_DIALECT": dialect, "QUEUE_BUSINESS": "pension",
                                       "CALLER_HOLD": "60", "HOTLINE_HOLD_INTERVAL": "600", **variables})
    await events.wait("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=call.uniqueid)
    return Caller(ami, events, call)


async def test_a_caller_without_a_usable_number_keys_one_and_may_correct_it(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    stack: CallbackStack = await make_callback_stack()
    caller = await queued(clipped_ami, clipped_events, caller_id='"" <anonymous>')
    await caller.on("callback_offer_no_agents", "1")
    await caller.on("callback_enter_number", "12345#")  # too short
    await caller.hears("callback_number_invalid")
    await caller.on("callback_enter_number", "13900001234#", nth=2)
    await caller.on("callback_number_confirm", "2")  # another number after all
    await caller.on("callback_enter_number", "07715551234#", nth=3)
    await caller.on("callback_number_confirm", "1", nth=2)
    accepted = await clipped_events.wait("UserEvent", 15, UserEvent="HotlineCallback", Uniqueid=caller.call.uniqueid)
    heard = caller.heard()
    assert heard[heard.index("callback_number_is"):heard.index("callback_number_confirm") + 1] == [
        "callback_number_is", *said_digits("13900001234"), "callback_number_confirm"]
    assert heard[-len("07715551234") - 3:] == [
        "callback_number_is", *said_digits("07715551234"), "callback_number_confirm", "callback_accepted"]
    task = await stack.store.call(lambda s: db.get_task(s, int(accepted["Task"])))
    assert task.caller_number == "07715551234"
    # the number never reached a log line or an event in full
    everything = "\n".join(str(dict(e)) for e in clipped_events.matching("UserEvent"))
    assert "07715551234" not in everything


async def test_at_the_longest_hold_a_caller_who_declines_the_last_offer_leaves_a_message(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    stack: CallbackStack = await make_callback_stack(max_hold_s=0.5)
    caller = await queued(clipped_ami, clipped_events, caller_id="13900001234", HOTLINE_HOLD_INTERVAL="1")
    call_id = clipped_events.matching("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=caller.call.uniqueid)[0]["CallID"]
    await caller.hears("hold_too_long_no_agents")  # (nobody is logged in: not "still busy")
    heard = caller.heard()
    last_offer = heard[:heard.index("hold_too_long_no_agents")].count("callback_offer_no_agents") + 1
    await caller.on("callback_offer_no_agents", "2", nth=last_offer)
    await clipped_events.wait("UserEvent", 15, UserEvent="HotlineMessageStart", Uniqueid=caller.call.uniqueid)
    heard = caller.heard()
    assert heard[heard.index("hold_too_long_no_agents"):][:3] == [
        "hold_too_long_no_agents", "callback_offer_no_agents", "leave_message"]
    # out of the queue (not abandoned), and nobody will ring for it
    assert call_id not in stack.router.calls
    assert [e.reason for e in stack.of("QueueCallerLeave", call_id=call_id)] == ["left"]
    assert not stack.of("QueueCallerAbandon", call_id=call_id)


async def test_with_the_service_down_the_dialplan_itself_ends_the_hold_with_a_message(
        clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    # no FastAGI server and no router: only Asterisk and its dialplan
    caller = await queued(clipped_ami, clipped_events, caller_id="13900001234",
                          HOTLINE_HOLD_INTERVAL="1", HOTLINE_MAX_HOLD_S="2")
    start = await clipped_events.wait("UserEvent", 15, UserEvent="HotlineMessageStart", Uniqueid=caller.call.uniqueid)
    join = clipped_events.matching("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=caller.call.uniqueid)[0]
    assert caller.heard()[:2] == ["hold_too_long", "leave_message"]
    assert start["CallID"] == join["CallID"]
    await caller.hang_up()
    message = await clipped_events.wait("UserEvent", UserEvent="HotlineMessage", Uniqueid=caller.call.uniqueid)
    assert (message["Dialect"], message["Business"]) == ("mandarin", "pension")


async def test_an_announcement_due_during_the_offer_waits_for_its_end_instead_of_cutting_it_off(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    stack: CallbackStack = await make_callback_stack()
    # a Zhuang speaker on a break: the Zhuang steps can be met, so the ladder climbs by time
    zhuang = agent("z1", "talk5", zhuang=5)
    stack.desk.roster[zhuang.id] = zhuang
    await stack.desk.login(zhuang.id, paused=PauseReason.BREAK)
    caller = await queued(clipped_ami, clipped_events, caller_id="13900001234", dialect="zhuang")
    await caller.hears("callback_offer_no_agents")  # (its only Zhuang speaker is on a break)
    # the ladder reaches the Mandarin step (with its notice) while the caller is being asked
    await stack.wait(lambda: stack.of("QueueCallerStepChanged", to_step=2))
    await caller.press("1")  # the offer was not cut off: the key still answers it
    await caller.on("callback_number_confirm", "1")
    await caller.hears("callback_accepted")
    # the notice was held back, and a caller who will be called back has no use for it
    assert "mandarin_agent_notice" not in caller.heard()


async def test_with_nobody_logged_in_the_notice_plays_at_once_and_the_offer_at_its_step_s_time(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    """Nobody logged in: every Zhuang step is skipped at once, up to the Mandarin one (its
    notice plays at once), but the offer waits for the time of the step that asks for it
    (issue 15, defect 8: it came 0 s after joining)."""
    await make_callback_stack()
    caller = await queued(clipped_ami, clipped_events, caller_id="13900001234", dialect="zhuang")
    joined = time.monotonic()
    await caller.hears("callback_offer_no_agents")
    assert time.monotonic() - joined >= OFFER_AFTER - 0.2
    heard = caller.heard()
    assert heard[0] == "mandarin_agent_notice" and heard.count("callback_offer_no_agents") == 1


async def test_with_nobody_logged_in_for_the_line_the_offer_says_no_agent_is_available_not_busy(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    """Issue 15, defect 9: with no agent logged in, callback_offer told the caller the agents
    were busy. The variant says no agent is available now, and takes the same keys."""
    await make_callback_stack()
    caller = await queued(clipped_ami, clipped_events, caller_id="13900001234")
    await caller.on("callback_offer_no_agents", "1")
    await caller.on("callback_number_confirm", "1")
    await caller.hears("callback_accepted")
    assert "callback_offer" not in caller.heard()


async def test_with_an_agent_logged_in_but_talking_the_offer_says_the_agents_are_busy(
        make_callback_stack, clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    stack: CallbackStack = await make_callback_stack()
    await stack.login(agent("m1", "talk30", mandarin=5, pension=4))
    talking = await queued(clipped_ami, clipped_events, caller_id="13900001111")
    talking_id = clipped_events.matching("UserEvent", UserEvent="HotlineQueueJoin",
                                         Uniqueid=talking.call.uniqueid)[0]["CallID"]
    await stack.wait(lambda: stack.of("AgentConnect", call_id=talking_id))
    caller = await queued(clipped_ami, clipped_events, caller_id="13900001234")
    await caller.hears("callback_offer")
    assert "callback_offer_no_agents" not in caller.heard()
