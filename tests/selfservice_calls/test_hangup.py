"""A caller who hangs up while a prompt waits for keys: a normal end, not a failure.

Asterisk answers GET DATA with -1 both when it cannot play the prompt and when the caller
hangs up during it; only the first is the flow's failure. After a hang-up nothing more is
played, nothing is logged as an error, and the flow reports what the caller completed.
"""

from __future__ import annotations

import logging

import pytest

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from tests.selfservice_calls.caller import Caller, call_flow
from tests.support.events import EventLog

X_PERSON, X_PIN = "45010219780615103*", "246813"


async def _hung_up(caller: Caller) -> dict[str, str]:
    outcome = await caller.outcome()
    return {key: outcome[key] for key in ("Result", "Outcome", "Flow")}


@pytest.mark.parametrize(("at", "keys", "completed"), [
    ("enter_pin", [("enter_id_number", X_PERSON + "#")], "id_number"),
    ("balance_options", [("enter_id_number", X_PERSON + "#"), ("enter_pin", X_PIN + "#")], "balance_read"),
])
async def test_a_hang_up_at_a_prompt_ends_the_flow_quietly_with_what_was_completed(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, caplog: pytest.LogCaptureFixture,
        at: str, keys: list[tuple[str, str]], completed: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "balance")
    for prompt, entry in keys:
        await caller.on(prompt, entry)
    await caller.hears(at)
    await caller.hang_up()
    assert await _hung_up(caller) == {"Result": "hangup", "Outcome": completed, "Flow": "balance"}
    heard = caller.heard()
    assert "service_unavailable" not in heard and "transfer_agent" not in heard, heard
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("ivr.selfservice")]
    assert not errors, [r.getMessage() for r in errors]
