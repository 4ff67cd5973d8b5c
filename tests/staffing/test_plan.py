"""The forecast (reference days through the holiday calendar), the staffing plan, and the router
simulation with a roster short in Zhuang."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import httpx
import pytest
from click.testing import CliRunner

from hotline.auth.tokens import TokenStore
from hotline.db import records_store as db
from hotline.hours.calendar import DayKind
from hotline.http.contract import new_app
from hotline.http.staffing import staffing_router
from hotline.records.model import CallRecord
from hotline.settings import Settings
from hotline.staffing.cli import staffing
from hotline.staffing.config import parse_staffing
from hotline.staffing.erlang import Load, Target, agents_needed
from hotline.staffing.forecast import DayForecast, LineForecast, reference_days
from hotline.staffing.plan import staffing_plan
from hotline.staffing.service import load_plan
from hotline.staffing.simulate import router_shortfall, simulate_day
from routing.guangxi import default_config
from routing.model import Agent
from tests.hours.support import SHANGHAI, demo_hours

STAFFING = parse_staffing("interval_minutes: 30\nshort_abandon_s: 5\nshrinkage: 0.3\nforecast_weeks: 6\n")
EIGHTY_TWENTY = Target(0.80, 20)


def test_an_ordinary_day_is_forecast_from_the_same_weekday_skipping_holidays() -> None:
    calendar = demo_hours().calendar  # National Day 1-7 October 2026, worked back Sunday 27 September
    assert reference_days(date(2026, 10, 13), calendar, 6) == (  # Tuesday; 6 October was National Day
        date(2026, 9, 29), date(2026, 9, 22), date(2026, 9, 15), date(2026, 9, 8), date(2026, 9, 1),
        date(2026, 8, 25))


def test_an_adjusted_working_day_is_forecast_from_every_ordinary_working_day() -> None:
    calendar = demo_hours().calendar
    days = reference_days(date(2026, 9, 27), calendar, 2)  # the Sunday worked for National Day
    assert days == tuple(date(2026, 9, 27) - timedelta(days=n) for n in range(1, 15)
                         if (date(2026, 9, 27) - timedelta(days=n)).weekday() < 5)


def test_a_holiday_or_weekend_gets_no_forecast() -> None:
    calendar = demo_hours().calendar
    assert reference_days(date(2026, 10, 2), calendar, 6) == ()
    assert reference_days(date(2026, 10, 10), calendar, 6) == ()  # a Saturday


# ----- the router simulation ----------------------------------------------------------------

HALF_HOURS = [time(9, 0), time(9, 30), time(10, 0), time(10, 30), time(11, 0), time(11, 30),
              time(14, 30), time(15, 0), time(15, 30), time(16, 0), time(16, 30), time(17, 0)]
# Per half hour: 30 Zhuang pension calls and 60 Mandarin pension calls, 300 s handle time (45 s of
# it wrap-up), callers patient for 180 s on average.
FORECAST = DayForecast(date(2026, 12, 8), DayKind.WORKDAY, (), timedelta(minutes=30), tuple(
    line for at in HALF_HOURS for line in (LineForecast(at, "zhuang", "pension", 30, 300, 180),
                                           LineForecast(at, "mandarin", "pension", 60, 300, 180))))


def roster(zhuang: int, mandarin: int = 14) -> list[Agent]:
    speakers = [Agent(f"z{i}", f"z{i}", f"Local/z{i}", {"zhuang": 5, "mandarin": 5, "pension": 4}) for i in range(zhuang)]
    return speakers + [Agent(f"m{i}", f"m{i}", f"Local/m{i}", {"mandarin": 5, "pension": 4}) for i in range(mandarin)]


def plan_for(agents: list[Agent]):  # type: ignore[no-untyped-def]
    simulation = simulate_day(FORECAST, agents, default_config(), within_s=lambda d: 20, short_abandon_s=5, seed=7)

    def shortfall(dialect: str, target: Target, start: int) -> int | None:
        return router_shortfall(FORECAST, agents, default_config(), dialect, level=target.level,
                                within_s=lambda d: 20, short_abandon_s=5, seed=7, start_at=start)

    return staffing_plan(FORECAST, agents, target_of=lambda d: EIGHTY_TWENTY, shrinkage=0.3, speaks_level=2,
                         simulation=simulation, shortfall=shortfall)


def zhuang_level(agents: list[Agent]) -> float:
    return simulate_day(FORECAST, agents, default_config(), within_s=lambda d: 20, short_abandon_s=5,
                        seed=7).dialect("zhuang").service_level  # type: ignore[return-value]


def test_a_roster_short_in_zhuang_falls_short_and_the_plan_says_how_many_are_missing() -> None:
    short = {d.dialect: d for d in plan_for(roster(zhuang=3)).dialects}
    needed = agents_needed(Load(30, 1800, 300, 180), EIGHTY_TWENTY)  # Zhuang alone, Erlang A
    assert short["zhuang"].peak_agents == needed
    assert short["zhuang"].rostered == 3 and short["zhuang"].missing == needed - 3 > 0
    assert short["zhuang"].peak_scheduled == -(-needed * 10 // 7)  # needed / (1 - 0.3), rounded up
    assert short["zhuang"].simulated_service_level < 0.80 and short["zhuang"].meets_target is False
    assert short["zhuang"].simulated_calls > 300
    # Mandarin is well staffed: 14 Mandarin agents and the 3 Zhuang agents who also speak it.
    assert short["mandarin"].missing == 0 and short["mandarin"].meets_target is True

    full = {d.dialect: d for d in plan_for(roster(zhuang=needed)).dialects}
    assert full["zhuang"].missing == 0
    assert full["zhuang"].simulated_service_level > short["zhuang"].simulated_service_level + 0.3

    # With the router's ladders the Zhuang agents also take Mandarin calls: the plan says how many
    # speakers to add for the simulated level to meet 80/20, checked here by simulating again.
    extra = short["zhuang"].missing_with_router
    assert extra is not None and extra >= 1
    template = Agent("t", "t", "Local/t", {"zhuang": 5, "mandarin": 5, "pension": 4})
    added = [Agent(f"x{n}", f"x{n}", f"Local/x{n}", template.proficiencies) for n in range(extra)]
    assert zhuang_level(roster(zhuang=3) + added) >= 0.80 > zhuang_level(roster(zhuang=3) + added[:-1])
    assert short["mandarin"].missing_with_router == 0  # it meets the target already


def test_the_simulation_is_repeatable_and_counts_every_call() -> None:
    agents = roster(zhuang=4)
    first = simulate_day(FORECAST, agents, default_config(), within_s=lambda d: 20, short_abandon_s=5, seed=3)
    again = simulate_day(FORECAST, agents, default_config(), within_s=lambda d: 20, short_abandon_s=5, seed=3)
    assert first.lines == again.lines
    for tally in first.lines.values():
        assert tally.offered >= tally.answered + tally.abandoned  # the rest still waiting at the end
        assert tally.answered_in_time <= tally.answered
    assert sum(t.offered for t in first.lines.values()) == first.calls


# ----- from the call records ------------------------------------------------------------------

TUESDAYS = [date(2026, 9, 29), date(2026, 9, 22), date(2026, 9, 15), date(2026, 9, 8), date(2026, 9, 1),
            date(2026, 8, 25)]


def history() -> list[CallRecord]:
    """Zhuang pension calls at 09:00-09:30 on six Tuesdays: 8, 10, 12, 8, 10, 12 answered
    (wait 10 s, talk 255 s) and 2 abandoned a day (after 30 s); and 50 calls on the National Day
    Tuesday, which the forecast must not read."""
    records = []
    for n, (day, answered) in enumerate(zip(TUESDAYS + [date(2026, 10, 6)], [8, 10, 12, 8, 10, 12, 50], strict=True)):
        base = datetime.combine(day, time(9, 1), SHANGHAI)
        for k in range(answered):
            records.append(CallRecord(f"h{n}-{k}", base + timedelta(seconds=20 * k), dialect="zhuang",
                                      business="pension", to_agent=True, line_open=True, agent="1001",
                                      queue_wait_s=10.0, talk_s=255.0))
        for k in range(2):
            records.append(CallRecord(f"h{n}-a{k}", base + timedelta(minutes=20, seconds=k), dialect="zhuang",
                                      business="pension", to_agent=True, line_open=True, queue_wait_s=30.0))
    return records


def test_the_plan_from_the_records(store, tmp_path) -> None:
    store.run(lambda s: [db.save_record(s, r) for r in history()])
    plan = load_plan(store, demo_hours(), STAFFING, default_config(), roster(zhuang=1), date(2026, 10, 13))
    assert plan.forecast.reference_days == tuple(sorted(TUESDAYS))
    (line,) = plan.forecast.lines
    assert (line.interval, line.dialect, line.business) == (time(9, 0), "zhuang", "pension")
    assert line.calls == pytest.approx(12.0)  # (10 + 12 + 14 + 10 + 12 + 14) / 6, abandons included
    assert line.handle_s == pytest.approx(300.0)  # 255 s talk + 45 s pension wrap-up
    assert line.patience_s == pytest.approx((60 * 10 + 12 * 30) / 12)  # total wait / abandons = 80 s
    (zhuang,) = plan.dialects
    assert zhuang.peak_agents == agents_needed(Load(12, 1800, 300, 80.0), Target(0.8, 20))
    assert zhuang.missing == zhuang.peak_agents - 1


async def test_the_plan_over_http_and_cli(store, database_url, tmp_path) -> None:
    store.run(lambda s: [db.save_record(s, r) for r in history()])
    app = new_app(title="test", description="the staffing plan")
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    app.include_router(staffing_router(store, demo_hours, lambda: STAFFING, default_config(), lambda: roster(1)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/staffing", params={"date": "2026-10-13"})).status_code == 401
        client.headers["Authorization"] = "Bearer " + tokens.create("viewer")[0]
        body = (await client.get("/staffing", params={"date": "2026-10-13"})).json()
        assert body["day_kind"] == "workday" and len(body["reference_days"]) == 6
        assert body["dialects"][0]["dialect"] == "zhuang" and body["dialects"][0]["rostered"] == 1
        assert [i["interval_start"] for i in body["intervals"]] == ["09:00", "09:00"]  # the line, pooled
        holiday = (await client.get("/staffing", params={"date": "2026-10-02"})).json()
        assert holiday["day_kind"] == "holiday" and holiday["intervals"] == []
        refused = await client.get("/staffing", params={"date": "tomorrow"})
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_request"

    printed = CliRunner().invoke(staffing, ["plan", "--date", "2026-10-13", "--url", database_url],
                                 obj=Settings.from_env({}))
    assert printed.exit_code == 0, printed.output
    assert "Staffing plan 2026-10-13" in printed.output
    refused = CliRunner().invoke(staffing, ["plan", "--date", "13/10/2026", "--url", database_url],
                                 obj=Settings.from_env({}))
    assert refused.exit_code == 2 and "not a date" in refused.output
