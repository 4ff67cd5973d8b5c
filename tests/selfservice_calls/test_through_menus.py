"""The flows reached the way callers reach them: hotline-entry, the generated menus, the
generated flow context (Gosub + AGI), and back to the menu or on to the agent route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.db.backend import SqlBackend
from hotline.db.migrate import upgrade
from hotline.db.seed import seed_demo
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from ivr.selfservice.flows import routes
from tests.selfservice_calls.caller import Caller, flat, said_digits, said_number
from tests.support.events import EventLog

PERSON, PIN = "450203197202294533", "802467"  # seed person 4: pension 0.00, medical 1000.00, 2026-10


async def _enter(ami: AmiClient, events: EventLog, *menu_keys: tuple[str, str]) -> Caller:
    call = await place_call(ami, caller_context="test-caller", context="hotline-entry",
                            variables={"CALLER_HOLD": "90"})
    caller = Caller(ami, events, call)
    for prompt, key in menu_keys:
        await caller.on(prompt, key)
    await caller.on("enter_id_number", PERSON + "#")
    await caller.on("enter_pin", PIN + "#")
    return caller


def _self_service(events: EventLog, caller: Caller) -> list[str]:
    return [m["Result"] for m in events.matching("UserEvent", UserEvent="HotlineSelfService",
                                                 Uniqueid=caller.call.uniqueid)]


async def test_balance_from_the_pension_menu_returns_to_that_menu(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer) -> None:
    caller = await _enter(clipped_ami, clipped_events, ("menu_language", "1"), ("menu_main", "1"), ("menu_pension", "1"))
    await caller.on("balance_options", "*")
    await caller.hears("menu_pension", nth=2)  # `done`: back to the menu the caller came from
    assert _self_service(clipped_events, caller) == ["done"]
    start = caller.heard().index("balance_intro")
    assert caller.heard()[start:] == flat([
        "balance_intro",
        "balance_pension", "digits/0", "yuan",  # the caller's own line first: 零元
        "balance_medical", said_number(1000), "yuan",
        "last_contribution_month", said_digits("2026"), "year", said_number(10), "month",
        "balance_options", "menu_pension",
    ])
    await caller.hang_up()


async def test_asking_for_an_agent_after_the_balance_queues_for_that_business_line(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer) -> None:
    caller = await _enter(clipped_ami, clipped_events, ("menu_language", "1"), ("menu_main", "2"), ("menu_medical", "1"))
    await caller.on("balance_options", "0")
    to_agent = await clipped_events.wait("UserEvent", UserEvent="HotlineToAgent", Uniqueid=caller.call.uniqueid)
    assert (to_agent["Business"], to_agent["Reason"]) == ("medical", "flow-agent")
    assert _self_service(clipped_events, caller) == ["agent"]
    assert caller.heard()[caller.heard().index("balance_intro") + 1] == "balance_medical"  # medical first
    await caller.hang_up()


@pytest.fixture
def sqlite_flows(agi_server: AgiServer, tmp_path: Path, id_hash_key: bytes, pin_hash_key: bytes) -> Iterator[AgiServer]:
    url = f"sqlite:///{tmp_path}/hotline.db"
    upgrade(url)
    seed_demo(url, id_hash_key, pin_hash_key)
    backend = SqlBackend.from_url(url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2)
    agi_server.routes.update(routes(backend))
    yield agi_server
    backend.close()


async def test_with_the_full_recorded_prompts(ami: AmiClient, events: EventLog, sqlite_flows: AgiServer) -> None:
    """On the shared sandbox, whose prompts play in full (about 30 s, so on SQLite only):
    keys cut short the prompts that take keys, the readout plays to its end, and the caller
    is back in the menu."""
    caller = await _enter(ami, events, ("menu_language", "1"), ("menu_main", "1"), ("menu_pension", "1"))
    await caller.hears("balance_options", timeout=60)
    await caller.press("*")
    await caller.hears("menu_pension", nth=2)
    assert _self_service(events, caller) == ["done"]
    assert caller.numbers() == [0, 1000, 10]
    await caller.hang_up()
