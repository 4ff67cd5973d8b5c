"""Call records, messages, callback tasks and ratings in real databases (SQLite, PostgreSQL):
the recorder fed with AMI-shaped events, a restart mid-call, and the reports over HTTP and CLI."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import httpx
from click.testing import CliRunner
from fastapi import FastAPI
from sqlalchemy import insert

from hotline.auth.tokens import TokenStore
from hotline.db import records_store as db
from hotline.db.records import CallRecordRow
from hotline.priority import REPEAT_SECONDS, bonus_policy
from hotline.http.reports import reports_router
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask
from hotline.records.cli import report
from hotline.records.messages import Message
from hotline.records.model import CallRecord, Outcome
from hotline.records.queries import load_satisfaction
from hotline.records.recorder import CallRecorder
from hotline.records.satisfaction import Quarter
from hotline.settings import Settings
from tests.hours.support import HOLIDAY_THURSDAY_NOON, demo_hours, local
from tests.records.test_priority import join
from tests.support.typed import typed


def events_of(call_id: str, number: str, *, closed: bool, agent: str = "", rating: str = "") -> list[dict[str, str]]:
    channel = {"CallID": call_id, "Uniqueid": f"u-{call_id}", "CallerIDNum": number}
    out = [
        {"Event": "UserEvent", "UserEvent": "HotlineCallStart", "Dialect": "mandarin", **channel},
        {"Event": "UserEvent", "UserEvent": "HotlineMenu", "Menu": "main", "Business": "pension", **channel},
        {"Event": "UserEvent", "UserEvent": "HotlineToAgent", "Business": "pension", "Reason": "key", **channel},
        {"Event": "UserEvent", "UserEvent": "HotlineHours", "Open": "0" if closed else "1",
         "Reason": "holiday" if closed else "open", **channel},
    ]
    if agent:
        out.append({"Event": "UserEvent", "UserEvent": "HotlineSurvey", "Agent": agent, "Rating": rating, **channel})
    return out + [{"Event": "Hangup", "Uniqueid": f"u-{call_id}", "Cause-txt": "Normal Clearing"}]


async def feed(recorder: CallRecorder, events: list[dict[str, str]]) -> None:
    for event in events:
        await recorder.on_event(typed(event))


async def test_two_closed_calls_make_one_task_and_an_answered_call_none(store):
    recorder = CallRecorder(store, demo_hours, clock=lambda: HOLIDAY_THURSDAY_NOON)
    await feed(recorder, events_of("c1", "139", closed=True))
    assert store.run(db.all_tasks) == []
    await feed(recorder, events_of("c2", "139", closed=True))
    await feed(recorder, events_of("c3", "139", closed=True))
    await feed(recorder, events_of("c4", "138", closed=True))
    tasks = store.run(db.all_tasks)
    assert [(t.caller_number, t.reason, t.status, t.call_id) for t in tasks] == [
        ("139", CallbackReason.REPEATED_FAILURE, CallbackStatus.PENDING, "c2")]
    assert tasks[0].due_at == local("2026-10-08 08:30")
    # Calls of another day do not count towards today.
    later = CallRecorder(store, demo_hours, clock=lambda: HOLIDAY_THURSDAY_NOON + timedelta(days=1))
    await feed(later, events_of("c5", "138", closed=True))
    assert len(store.run(db.all_tasks)) == 1
    answered = events_of("c6", "137", closed=False, agent="a1", rating="1")
    await feed(recorder, answered + events_of("c7", "137", closed=False, agent="a1", rating="2"))
    assert len(store.run(db.all_tasks)) == 1
    assert store.run(lambda s: db.load_record(s, "c6")).outcome is Outcome.ANSWERED


async def test_a_call_survives_a_service_restart_mid_call(store):
    events = events_of("c1", "139", closed=False, agent="a9", rating="3")
    first = CallRecorder(store, demo_hours, clock=lambda: HOLIDAY_THURSDAY_NOON)
    await feed(first, events[:4])  # ... and the service restarts
    restarted = CallRecorder(store, demo_hours, clock=lambda: HOLIDAY_THURSDAY_NOON + timedelta(minutes=5))
    # The generated hangup handler's HotlineCallEnd, just before Hangup, tells the new
    # recorder which channel the call is on.
    await feed(restarted, [{"Event": "UserEvent", "UserEvent": "HotlineCallEnd", "Menu": "main",
                            **{k: events[0][k] for k in ("CallID", "Uniqueid", "CallerIDNum")}}])
    await feed(restarted, events[4:])
    record = store.run(lambda s: db.load_record(s, "c1"))
    assert (record.menus, record.to_agent, record.line_open, record.agent, record.rating) == (
        ("main",), True, True, "a9", 3)
    assert record.started_at == HOLIDAY_THURSDAY_NOON
    assert record.ended_at == HOLIDAY_THURSDAY_NOON + timedelta(minutes=5)
    assert record.ended_in == "main" and record.hangup_cause == "Normal Clearing"


def test_messages_are_stored_once_listed_and_handled(store):
    message = Message(0, "c1", "139", "zhuang", "dialect", "employment", HOLIDAY_THURSDAY_NOON, 4.5, "m1.wav")
    first = store.run(lambda s: db.add_message(s, message))
    assert store.run(lambda s: db.add_message(s, message)) is None
    task = store.run(lambda s: db.add_task(s, CallbackTask(
        "139", "zhuang", "employment", CallbackReason.MESSAGE, local("2026-10-08 09:00"),
        HOLIDAY_THURSDAY_NOON, message_id=first)))
    listed = store.run(lambda s: db.list_messages(s, handled=False))
    assert [(m.id, m.callback_task_id, m.callback_due_at) for m in listed] == [
        (first, task, local("2026-10-08 09:00"))]
    done = store.run(lambda s: db.mark_handled(s, first, "agent7", HOLIDAY_THURSDAY_NOON))
    assert done is not None and done.handled and done.handled_by == "agent7"
    assert store.run(lambda s: db.list_messages(s, handled=False)) == []
    assert store.run(db.all_tasks)[0].status is CallbackStatus.DONE
    assert store.run(lambda s: db.mark_handled(s, 999, "x", HOLIDAY_THURSDAY_NOON)) is None


def seed_ratings(store, rng: random.Random) -> list[CallRecord]:
    """Generated rated calls over 2026Q2-Q4, a4 always the worst."""
    made = []
    for i in range(120):
        quarter_start = local(rng.choice(["2026-04-01 09:00", "2026-07-01 09:00", "2026-10-01 09:00"]))
        agent = rng.choice(["a1", "a2", "a3", "a4"])
        key = 1 if agent == "a4" else rng.randint(3, 5)
        made.append(CallRecord(f"r{i}", quarter_start + timedelta(days=rng.randint(0, 80)), caller_number="1",
                               dialect=rng.choice(["mandarin", "zhuang"]), business="pension", agent=agent,
                               rating=key, survey_offered=True, ended_at=quarter_start))
    for record in made:
        store.run(lambda s, r=record: db.save_record(s, r))
    return made


async def test_the_quarterly_report_from_the_database_over_http_and_cli(store, database_url, tmp_path):
    made = seed_ratings(store, random.Random(12333))
    q4 = [r for r in made if r.started_at >= local("2026-10-01 00:00")]
    result = load_satisfaction(store, demo_hours(), Quarter(2026, 4))
    assert result.overall.ratings == len(q4)
    assert {a: s.ratings for a, s in result.by_agent.items()} == {
        a: sum(r.agent == a for r in q4) for a in {r.agent for r in q4}}
    assert sum(s.ratings for s in result.by_line.values()) == len(q4)
    assert set(result.by_line) <= {"mandarin", "dialect"}
    assert result.flagged == ("a4",)

    app = FastAPI()
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    app.include_router(reports_router(store, demo_hours))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        agent_token, _ = tokens.create("agent", agent_id="a1")
        denied = await client.get("/reports/satisfaction", params={"quarter": "2026Q4"},
                                  headers={"Authorization": f"Bearer {agent_token}"})
        assert denied.status_code == 403
        client.headers["Authorization"] = "Bearer " + tokens.create("ops")[0]
        body = (await client.get("/reports/satisfaction", params={"quarter": "2026Q4"})).json()
        assert body["overall"]["ratings"] == len(q4)
        assert body["flagged_three_quarters_lowest"] == ["a4"]
        assert (await client.get("/reports/satisfaction", params={"quarter": "2026Q9"})).status_code == 422

    printed = CliRunner().invoke(report, ["satisfaction", "--quarter", "2026Q4", "--url", database_url],
                                 obj=Settings.from_env({}))
    assert printed.exit_code == 0, printed.output
    assert "lowest three quarters running (retrain or move): a4" in printed.output
    assert f"  overall              {len(q4):>7}" in printed.output


async def test_calls_whose_hangup_never_came_are_forgotten_not_kept_forever(store):
    now = [HOLIDAY_THURSDAY_NOON]
    recorder = CallRecorder(store, demo_hours, clock=lambda: now[0])
    await feed(recorder, events_of("lost", "139", closed=True)[:-1])  # no Hangup: AMI was down
    now[0] += timedelta(hours=7)
    await feed(recorder, events_of("next", "139", closed=True)[:1])
    assert set(recorder.live) == {"next"}
    kept = store.run(lambda s: db.load_record(s, "lost"))
    assert kept.line_open is False and kept.ended_at is None


SHARED = "07712345678"  # a trunk's one number for every caller behind it
HISTORY = 8_000


def _history(store, number: str, day_start, calls: int) -> None:
    """A busy day already recorded for one number: ended calls, most of them failed."""
    table = CallRecordRow.__table__
    rows = [{"call_id": f"h{i}", "caller_number": number, "started_at": day_start + timedelta(seconds=i),
             "ended_at": day_start + timedelta(seconds=i + 30), "business": "pension", "menus": [],
             "self_service": [], "outcome": (Outcome.CLOSED if i % 3 else Outcome.ANSWERED).value}
            for i in range(calls)]
    store.run(lambda s: s.execute(insert(table), rows))


async def test_many_calls_from_one_shared_number_are_each_recorded_within_a_second(store):
    now = HOLIDAY_THURSDAY_NOON
    _history(store, SHARED, now - timedelta(hours=3), HISTORY)
    recorder = CallRecorder(store, demo_hours, clock=lambda: now)
    policy = bonus_policy(store, lambda: now)
    loop = asyncio.get_running_loop()
    for i in range(10):
        call = events_of(f"s{i}", SHARED, closed=True)
        await feed(recorder, call[:-1])
        assert (await policy(join(SHARED))).repeat == REPEAT_SECONDS
        hung_up = loop.time()
        await recorder.on_event(typed(call[-1]))
        assert loop.time() - hung_up < 1.0, f"call {i} recorded {loop.time() - hung_up:.2f} s after its end"
        assert store.run(lambda s, i=i: db.load_record(s, f"s{i}")).ended_at == now
    # One automatic callback for the number, however many of its calls failed.
    assert [t.call_id for t in store.run(db.all_tasks)] == ["s0"]
