"""The quarterly satisfaction report: sums on generated ratings, quarters, and the flag for
agents rated lowest three quarters running (pure)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.records.satisfaction import MIN_RATINGS, Quarter, Rating, Summary, lowest_agents, satisfaction_report
from tests.hours.support import SHANGHAI, local

Q4 = Quarter(2026, 4)
LINES = {"mandarin": "mandarin", "zhuang": "dialect", "hakka": "dialect"}

ratings = st.lists(st.builds(
    Rating,
    agent=st.sampled_from(["a1", "a2", "a3", "a4"]),
    dialect=st.sampled_from(sorted(LINES)),
    business=st.sampled_from(["pension", "medical", "ss_card"]),
    key=st.integers(1, 5),
    at=st.just(local("2026-11-02 10:00")),
), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(ratings)
def test_the_report_sums_generated_ratings(generated):
    report = satisfaction_report(Q4, {Q4: generated}, LINES.__getitem__)
    assert report.overall is not None and report.overall.ratings == len(generated)
    per_agent = Counter(r.agent for r in generated)
    assert {a: s.ratings for a, s in report.by_agent.items()} == dict(per_agent)
    for agent, summary in report.by_agent.items():
        keys = [r.key for r in generated if r.agent == agent]
        assert summary.average_score == pytest.approx(sum(keys) / len(keys), abs=1e-3)
        assert summary.satisfied_rate == pytest.approx(sum(k >= 4 for k in keys) / len(keys), abs=1e-3)
        assert sum(summary.keys.values()) == len(keys)
    per_line = Counter(LINES[r.dialect] for r in generated)
    assert {line: s.ratings for line, s in report.by_line.items()} == dict(per_line)
    assert sum(s.ratings for s in report.by_business.values()) == len(generated)
    averages = [s.average_score for s in report.by_agent.values()]
    if min(averages) == max(averages):  # one agent, or all alike: nobody is the lowest
        assert report.lowest == ()
    else:
        assert report.lowest and all(report.by_agent[a].average_score == min(averages) for a in report.lowest)


def rated(agent: str, keys: str, quarter: Quarter) -> list[Rating]:
    start, _ = quarter.bounds(SHANGHAI)
    return [Rating(agent, "mandarin", "pension", int(k), start + timedelta(days=3)) for k in keys]


def test_an_agent_lowest_three_quarters_running_is_flagged():
    q2, q3 = Quarter(2026, 2), Quarter(2026, 3)
    history = {
        q2: rated("a1", "554", q2) + rated("a2", "321", q2) + rated("a3", "111", q2),
        q3: rated("a1", "555", q3) + rated("a2", "222", q3) + rated("a3", "112", q3),
        Q4: rated("a1", "545", Q4) + rated("a2", "443", Q4) + rated("a3", "121", Q4),
    }
    report = satisfaction_report(Q4, history, LINES.__getitem__)
    assert report.lowest == ("a3",) and report.flagged == ("a3",)
    # a3 not lowest in Q3 after all: the run is broken and nobody is flagged.
    history[q3] = rated("a1", "555", q3) + rated("a3", "555", q3) + rated("a2", "111", q3)
    assert satisfaction_report(Q4, history, LINES.__getitem__).flagged == ()
    # No ratings at all in an earlier quarter: nobody can have been lowest then.
    assert satisfaction_report(Q4, {Q4: history[Q4]}, LINES.__getitem__).flagged == ()


def test_quarters_parse_count_back_and_bound_in_local_time():
    assert Quarter.parse("2026q4") == Q4 and str(Q4) == "2026Q4"
    assert Quarter(2027, 1).previous() == Q4 and Q4.previous() == Quarter(2026, 3)
    start, end = Q4.bounds(SHANGHAI)
    assert (start, end) == (local("2026-10-01 00:00"), local("2027-01-01 00:00"))
    for text in ("2026Q5", "2026-Q4", "Q4"):
        with pytest.raises(ValueError, match="quarter"):
            Quarter.parse(text)


def test_the_only_rated_agent_or_a_tie_is_not_the_lowest():
    """Issue 15, defect 9: the only rated agent was flagged "lowest this quarter"."""
    one = {"a1": Summary.of([2] * MIN_RATINGS)}
    assert lowest_agents(one) == ()
    tie = {"a1": Summary.of([3] * MIN_RATINGS), "a2": Summary.of([3] * MIN_RATINGS)}
    assert lowest_agents(tie) == ()
    assert lowest_agents({**tie, "a3": Summary.of([1] * MIN_RATINGS)}) == ("a3",)
