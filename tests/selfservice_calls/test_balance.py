"""Balance lookup end to end: a caller keys an ID number ending in X (as *) and a PIN, and
hears both accounts and the last contribution month in Chinese, then chooses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, create_engine, text

from hotline.db.backend import SqlBackend
from hotline.db.seed import seed_demo
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.selfservice.flows import FlowSettings, routes
from tests.db.support import empty_all_tables
from tests.selfservice_calls.caller import call_flow, flat, said_digits, said_number
from tests.support.events import EventLog

X_PERSON, X_PIN = "45010219780615103*", "246813"  # seed: 87654.32 pension, 12.05 medical, 2026-09

# What person 2 hears, file by file: 八万七千六百五十四元三角二分, 十二元零五分, 二〇二六年九月.
X_PERSON_READOUT = flat([
    "balance_intro",
    "balance_pension", said_number(87654), "yuan", said_number(3), "jiao", said_number(2), "fen",
    "balance_medical", said_number(12), "yuan", "digits/0", said_number(5), "fen",
    "last_contribution_month", said_digits("2026"), "year", said_number(9), "month",
])


async def test_balance_read_in_chinese_then_back_to_the_menu(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "balance")
    await caller.on("enter_id_number", X_PERSON + "#")
    await caller.on("enter_pin", X_PIN + "#")
    await caller.on("balance_options", "*")
    result = await caller.result()
    assert result["Result"] == "done" and result["AgiStatus"] == "SUCCESS"
    heard = caller.heard()
    start = heard.index("balance_intro")
    assert heard[:2] == ["enter_id_number", "enter_pin"]
    assert heard[start:] == X_PERSON_READOUT + ["balance_options"]
    assert caller.numbers() == [87654, 3, 2, 12, 0, 5, 9]
    assert (await caller.outcome())["Outcome"] == "balance_read"
    await caller.hang_up()


async def test_nothing_the_caller_keyed_is_left_on_the_channel(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "balance")
    await caller.on("enter_id_number", X_PERSON + "#")
    await caller.on("enter_pin", X_PIN + "#")
    await caller.on("balance_options", "*")
    await caller.result()
    # The channel is still up (the test context waits): ask Asterisk for all its variables.
    status = await clipped_ami.send_list({"Action": "Status", "Channel": caller.ivr_channel, "AllVariables": "true"})
    [channel] = status.events
    variables = channel.get("Variable", [])
    variables = variables if isinstance(variables, list) else [variables]
    assert "HOTLINE_FLOW_RESULT=done" in variables
    flat_text = "\n".join(variables)
    for secret in (X_PERSON, X_PERSON.replace("*", "X"), X_PIN):
        assert secret not in flat_text
    await caller.hang_up()


async def test_on_the_zhuang_line_numbers_follow_the_chinese_pattern_in_zhuang_recordings(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer) -> None:
    """SayNumber on a `za` channel would read English; the flow plays the Chinese pattern's
    files itself, which Zhuang recordings provide (falling back to Mandarin until recorded)."""
    caller = await call_flow(clipped_ami, clipped_events, "balance", language="za")
    await caller.on("enter_id_number", X_PERSON + "#")
    await caller.on("enter_pin", X_PIN + "#")
    await caller.on("balance_options", "*")
    assert (await caller.result())["Result"] == "done"
    heard = caller.heard()
    assert heard[heard.index("balance_intro"):] == X_PERSON_READOUT + ["balance_options"]
    assert caller.numbers() == []  # no SayNumber: its English rules never run on this line
    await caller.hang_up()


@pytest.mark.postgres
async def test_the_balances_are_looked_up_while_the_intro_plays(
        ami: AmiClient, events: EventLog, agi_server: AgiServer, pg_session_database: str,
        id_hash_key: bytes, pin_hash_key: bytes) -> None:
    """The look-up starts with balance_intro, not after it, so however slow the backend the
    caller waits no longer than the intro for the readout. Shown on the full-length prompts:
    the accounts table is locked, the look-up is seen waiting for the lock, and at that moment
    Asterisk has not yet finished playing the intro."""
    empty_all_tables(pg_session_database)
    seed_demo(pg_session_database, id_hash_key, pin_hash_key)
    backend = SqlBackend.from_url(pg_session_database, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2, timeout=30.0)
    agi_server.routes.update(routes(backend, FlowSettings()))
    locker, watcher = create_engine(pg_session_database), create_engine(pg_session_database)
    try:
        with locker.connect() as lock:
            lock.execute(text("LOCK TABLE insurance_accounts IN ACCESS EXCLUSIVE MODE"))
            caller = await call_flow(ami, events, "balance")
            await caller.on("enter_id_number", X_PERSON + "#")
            await caller.on("enter_pin", X_PIN + "#")
            await caller.hears("balance_intro")
            await _until(lambda: _waiting_for_a_lock(watcher, "insurance_accounts"))
            intro_ended = events.matching("AGIExecEnd", Channel=caller.ivr_channel)
            assert not [e for e in intro_ended if "balance_intro" in e.get("Command", "")]
            lock.rollback()
        await caller.hears("balance_pension")
        await caller.hang_up()
    finally:
        locker.dispose()
        watcher.dispose()
        backend.close()


def _waiting_for_a_lock(engine: Engine, table: str) -> bool:
    with engine.connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE :q"
        ), {"q": f"%FROM {table}%"}))


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """PostgreSQL tells nobody when a query starts waiting: look until it does."""
    async with asyncio.timeout(timeout):
        while not await asyncio.to_thread(condition):
            await asyncio.sleep(0.01)
