"""Identify: the check character is validated at once, three bad entries reach an agent,
wrong PINs are asked again until the lockout rule locks, and a locked caller gets an agent."""

from __future__ import annotations

from hotline.db.models import AuditEvent, Lockout, PinFailure
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from tests.db.support import rows
from tests.selfservice_calls.caller import call_flow
from tests.support.events import EventLog

PERSON, PIN = "450102199003071238", "135790"  # seed person 1: active card
WRONG_CHECK = "450102199003071239"  # the same number with another check character
UNKNOWN = "110101199003074573"  # a valid number nobody in the demo data holds


async def test_wrong_check_digit_is_asked_again_then_the_flow_goes_on(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "card_status")
    await caller.on("enter_id_number", WRONG_CHECK + "#")
    await caller.on("id_number_invalid", PERSON + "#")
    await caller.on("enter_pin", PIN + "#")
    result = await caller.result()
    assert result["Result"] == "done"
    assert caller.heard() == ["enter_id_number", "id_number_invalid", "enter_pin", "card_status_active"]
    assert (await caller.outcome())["Outcome"] == "card_active"
    await caller.hang_up()


async def test_three_entries_not_accepted_reach_an_agent(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "balance")
    await caller.on("enter_id_number", WRONG_CHECK + "#")  # bad check character
    await caller.on("id_number_invalid", UNKNOWN + "#")  # valid, but nobody's
    await caller.on("id_number_invalid", PERSON[:10] + "#", nth=2)  # too short
    result = await caller.result()
    assert result["Result"] == "agent" and result["AgiStatus"] == "SUCCESS"
    assert caller.heard() == ["enter_id_number", "id_number_invalid", "id_number_invalid", "transfer_agent"]
    assert (await caller.outcome())["Outcome"] == "id_number_not_accepted"
    audit = [(e.action, e.outcome) for e in rows(seeded_url, AuditEvent)]
    assert ("identify", "id_number_not_accepted") in audit
    assert ("transfer_agent", "id_number_not_accepted") in audit
    await caller.hang_up()


async def test_three_wrong_pins_lock_and_the_locked_caller_is_offered_an_agent(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "balance")
    await caller.on("enter_id_number", PERSON + "#")
    await caller.on("enter_pin", "111111#")
    await caller.on("pin_wrong", "222222#")
    await caller.on("pin_wrong", "333333#", nth=2)
    result = await caller.result()
    assert result["Result"] == "agent"
    assert caller.heard() == ["enter_id_number", "enter_pin", "pin_wrong", "pin_wrong", "locked", "transfer_agent"]
    assert (await caller.outcome())["Outcome"] == "locked"
    assert len(rows(seeded_url, Lockout)) == 1
    transfers = [(e.outcome, e.person) for e in rows(seeded_url, AuditEvent) if e.action == "transfer_agent"]
    assert transfers == [("locked", "4501**********1238")]
    await caller.hang_up()

    # Calling back with the right PIN: still locked, told so, and sent to a person.
    again = await call_flow(clipped_ami, clipped_events, "card_status")
    await again.on("enter_id_number", PERSON + "#")
    await again.on("enter_pin", PIN + "#")
    assert (await again.result())["Result"] == "agent"
    assert again.heard() == ["enter_id_number", "enter_pin", "locked", "transfer_agent"]
    assert (await again.outcome())["Outcome"] == "locked"
    await again.hang_up()


async def test_one_wrong_pin_then_the_right_one(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "card_status")
    await caller.on("enter_id_number", PERSON + "#")
    await caller.on("enter_pin", "111111#")
    await caller.on("pin_wrong", PIN + "#")
    assert (await caller.result())["Result"] == "done"
    assert caller.heard() == ["enter_id_number", "enter_pin", "pin_wrong", "card_status_active"]
    assert rows(seeded_url, PinFailure) == []  # the right PIN clears the count
    await caller.hang_up()
