"""Occupancy in the interval report: agents' state spans with known times, the busy and staffed
seconds worked out by hand beside them, through the span writer (router events in), the database
(SQLite and PostgreSQL) and the report's cells."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from hotline.auth.tokens import TokenStore
from hotline.db import agent_spans_store as spans_db
from hotline.db import records_store as db
from hotline.http.contract import new_app
from hotline.http.reports import reports_router
from hotline.records.agent_spans import AgentSpanWriter
from hotline.records.intervals import report_json
from hotline.records.occupancy import AgentSeconds, Span, agent_seconds, could_take
from hotline.records.queries import load_intervals, thresholds_of
from routing.events import QueueMemberStatus
from routing.guangxi import default_config
from routing.model import Agent, AgentState
from tests.records.test_intervals import CALLS, STAFFING, at

# z1 speaks Zhuang and Mandarin and knows pensions; m1 is a Mandarin pension agent.
AGENTS = {"z1": {"zhuang": 5, "pension": 4, "mandarin": 5}, "m1": {"mandarin": 5, "pension": 5}}
# (agent, state entered, at)
STATES = [
    ("m1", "on_call", "08:50:00"),
    ("z1", "available", "09:00:00"),
    ("m1", "available", "09:05:00"),
    ("z1", "on_call", "09:10:00"),
    ("z1", "wrap_up", "09:20:00"),
    ("z1", "paused", "09:25:00"),
    ("m1", "logged_out", "09:30:00"),
    ("z1", "available", "09:40:00"),  # still available at 10:00 ("now")
]
# 09:00-09:30: z1 staffed 600 + 600 + 300 = 1500 s, busy 600 + 300 = 900 s (paused 09:25-09:30
#   not staffed); m1 staffed 300 (on a call from 08:50, counted from 09:00) + 1500, busy 300.
# 09:30-10:00: z1 staffed 09:40-10:00 = 1200 s, busy 0; m1 logged out.
STAFFING_INTERVAL = timedelta(minutes=30)
SECONDS = {(0, "z1"): AgentSeconds(900, 1500), (0, "m1"): AgentSeconds(300, 1800), (1, "z1"): AgentSeconds(0, 1200)}


def spans() -> list[Span]:
    out, open_ = [], {}
    for agent, state, when in STATES:
        if agent in open_:
            was, since = open_.pop(agent)
            out.append(Span(agent, was, since, at(when)))
        if state != "logged_out":
            open_[agent] = (state, at(when))
    return out + [Span(agent, state, since, None) for agent, (state, since) in open_.items()]


def test_busy_and_staffed_seconds_per_interval_from_known_spans() -> None:
    got = agent_seconds(spans(), at("09:00:00"), at("10:00:00"), STAFFING_INTERVAL, now=at("10:00:00"))
    assert got == SECONDS


def test_the_agents_who_could_take_a_line_are_those_its_ladder_reaches_within_the_target(hours) -> None:
    within = thresholds_of(hours, STAFFING).within  # zhuang (dialect line) 30 s, mandarin 20 s
    takers = could_take(default_config(), AGENTS, within)
    assert takers[("zhuang", "pension")] == {"z1"}  # 0 s: zhuang>=4 and pension>=3; 30 s: zhuang>=2
    assert takers[("zhuang", "medical")] == {"z1"}  # its 30 s step: zhuang>=2
    assert takers[("mandarin", "pension")] == {"z1", "m1"}  # mandarin>=3 and pension>=3
    assert takers[("cantonese", "pension")] == frozenset()  # nobody speaks it; Mandarin only after 90 s


async def test_the_writer_keeps_the_routers_state_changes_as_spans(store) -> None:
    writer = AgentSpanWriter(store)
    store.run(lambda s: spans_db.enter_state(s, "z1", "available", at("08:00:00")))  # left open by a last run
    await writer.start(now=at("08:30:00"))
    previous: dict[str, AgentState] = {}
    for agent, state, when in STATES:
        now = AgentState(state)
        writer.on_router_event(QueueMemberStatus(at(when).timestamp(), agent, now,
                                                 previous.get(agent, AgentState.LOGGED_OUT), None))
        previous[agent] = now
    await writer.flush()
    kept = store.run(lambda s: spans_db.spans_between(s, at("08:00:00"), at("10:00:00")))
    assert kept[0] == Span("z1", "available", at("08:00:00"), at("08:30:00"))  # ended at the start
    assert sorted(kept[1:], key=lambda s: (s.start, s.agent)) == sorted(spans(), key=lambda s: (s.start, s.agent))
    await writer.stop(now=at("10:00:00"))
    assert store.run(lambda s: spans_db.spans_between(s, at("09:59:00"), at("10:01:00")))[-1].end == at("10:00:00")


def test_each_cell_has_the_occupancy_of_the_agents_who_could_take_its_calls(store, hours) -> None:
    store.thresholds = lambda: thresholds_of(hours, STAFFING)
    store.run(lambda s: [db.save_record(s, record) for record in CALLS])
    for agent, state, when in STATES:
        store.run(lambda s, a=agent, st=state, w=when: spans_db.enter_state(s, a, st, at(w)))
    report = load_intervals(store, hours, STAFFING, default_config(), at("09:00:00"), at("10:00:00"),
                            agents=AGENTS, now=at("10:00:00"))
    got = {(c["interval_start"][11:16], c["level"], c["dialect"], c["business"]): c["occupancy"]
           for c in report_json(report)["cells"]}
    assert got[("09:00", "line", "zhuang", "pension")] == 0.6  # z1: 900 / 1500
    assert got[("09:00", "line", "zhuang", "medical")] == 0.6
    assert got[("09:00", "dialect", "zhuang", "*")] == 0.6
    assert got[("09:00", "line", "mandarin", "pension")] == pytest.approx(0.3636, abs=1e-4)  # 1200 / 3300
    assert got[("09:00", "all", "*", "*")] == pytest.approx(0.3636, abs=1e-4)
    assert got[("09:30", "line", "zhuang", "pension")] == 0.0  # z1 available 09:40-10:00, no call
    assert got[("09:30", "line", "mandarin", "pension")] == 0.0
    without = report_json(load_intervals(store, hours, STAFFING, default_config(), at("09:00:00"), at("10:00:00")))
    assert {c["occupancy"] for c in without["cells"]} == {None}  # no roster given: not computed


def test_open_spans_end_now_and_nobody_staffed_is_no_figure() -> None:
    only_paused = [Span("z1", "paused", at("09:00:00"), None)]
    assert agent_seconds(only_paused, at("09:00:00"), at("10:00:00"), STAFFING_INTERVAL, now=at("09:45:00")) == {}
    ongoing = [Span("z1", "on_call", at("09:20:00"), None)]
    assert agent_seconds(ongoing, at("09:00:00"), at("10:00:00"), STAFFING_INTERVAL, now=at("09:45:00")) == {
        (0, "z1"): AgentSeconds(600, 600), (1, "z1"): AgentSeconds(900, 900)}


async def test_the_api_report_has_the_occupancy_of_the_services_roster(store, hours, tmp_path) -> None:
    store.thresholds = lambda: thresholds_of(hours, STAFFING)
    store.run(lambda s: [db.save_record(s, record) for record in CALLS])
    for agent, state, when in STATES:
        store.run(lambda s, a=agent, st=state, w=when: spans_db.enter_state(s, a, st, at(w)))
    roster = [Agent(agent, agent, f"PJSIP/{agent}", skills) for agent, skills in AGENTS.items()]
    app = new_app(title="test", description="occupancy")
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    app.include_router(reports_router(store, lambda: hours, staffing=lambda: STAFFING, roster=lambda: roster))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client.headers["Authorization"] = "Bearer " + tokens.create("viewer")[0]
        got = (await client.get("/reports/intervals", params={"from": "2026-12-01T09:00",
                                                              "to": "2026-12-01T09:30"})).json()
    zhuang = next(c for c in got["cells"] if (c["level"], c["dialect"], c["business"]) == ("line", "zhuang", "pension"))
    assert zhuang["occupancy"] == 0.6  # z1: 900 / 1500 (the spans are long over: "now" does not matter)
