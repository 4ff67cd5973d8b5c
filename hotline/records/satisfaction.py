"""The quarterly satisfaction report (pure): per agent, per phone line and per business line,
and the agents rated lowest three quarters running (retrain or move them, by the centre's rule).

The survey asks for a rating from 1 to 5, 5 = very satisfied (the survey_rate prompt): the key
is the score, and "satisfied" means 4 or 5.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
RUNNING_QUARTERS = 3
MIN_RATINGS = 1  # an agent with fewer ratings in a quarter is not ranked in it


def score(key: int) -> int:
    return key


def satisfied(key: int) -> bool:
    return key >= 4


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER.match(text.strip().upper())
        if not match:
            raise ValueError(f"{text!r} is not a quarter like 2026Q4")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the quarter in local time (a call at 23:30 on 31 Dec belongs to Q4)."""
        following = Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        return (datetime.combine(self.first_day(), time(0), zone),
                datetime.combine(following.first_day(), time(0), zone))


@dataclass(frozen=True)
class Rating:
    agent: str
    dialect: str
    business: str
    key: int  # as pressed, 5 = very satisfied
    at: datetime


@dataclass(frozen=True)
class Summary:
    ratings: int
    average_score: float  # 1-5, higher is better
    satisfied_rate: float  # share of keys 4-5
    keys: Mapping[int, int]  # how many times each key was pressed

    @classmethod
    def of(cls, keys: Sequence[int]) -> Summary:
        counts = {k: keys.count(k) for k in range(1, 6)}
        return cls(len(keys), round(sum(map(score, keys)) / len(keys), 3),
                   round(sum(map(satisfied, keys)) / len(keys), 3), counts)


@dataclass(frozen=True)
class SatisfactionReport:
    quarter: Quarter
    overall: Summary | None
    by_agent: Mapping[str, Summary]
    by_line: Mapping[str, Summary]  # phone line (mandarin, dialect)
    by_business: Mapping[str, Summary]
    lowest: tuple[str, ...]  # lowest average this quarter
    flagged: tuple[str, ...]  # lowest in this quarter and the two before it


def _summaries(ratings: Iterable[Rating], key: Callable[[Rating], str]) -> dict[str, Summary]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for rating in ratings:
        grouped[key(rating)].append(rating.key)
    return {name: Summary.of(keys) for name, keys in sorted(grouped.items())}


def lowest_agents(by_agent: Mapping[str, Summary], min_ratings: int = MIN_RATINGS) -> tuple[str, ...]:
    ranked = {agent: s.average_score for agent, s in by_agent.items() if s.ratings >= min_ratings}
    if len(ranked) < 2 or min(ranked.values()) == max(ranked.values()):
        return ()  # "lowest" needs someone rated higher: the only rated agent is not it
    bottom = min(ranked.values())
    return tuple(sorted(agent for agent, average in ranked.items() if average == bottom))


def satisfaction_report(quarter: Quarter, ratings_by_quarter: Mapping[Quarter, Sequence[Rating]],
                        line_of: Callable[[str], str], min_ratings: int = MIN_RATINGS) -> SatisfactionReport:
    """`ratings_by_quarter` holds this quarter and the two before it; `line_of` maps a dialect
    to its phone line."""
    current = list(ratings_by_quarter.get(quarter, ()))
    by_agent = _summaries(current, lambda r: r.agent)
    lowest = lowest_agents(by_agent, min_ratings)
    flagged = set(lowest)
    q = quarter
    for _ in range(RUNNING_QUARTERS - 1):
        q = q.previous()
        flagged &= set(lowest_agents(_summaries(ratings_by_quarter.get(q, ()), lambda r: r.agent), min_ratings))
    return SatisfactionReport(
        quarter=quarter,
        overall=Summary.of([r.key for r in current]) if current else None,
        by_agent=by_agent,
        by_line=_summaries(current, lambda r: line_of(r.dialect)),
        by_business=_summaries(current, lambda r: r.business or "unknown"),
        lowest=lowest,
        flagged=tuple(sorted(flagged)),
    )


def report_json(report: SatisfactionReport) -> dict[str, object]:
    def summary(s: Summary | None) -> dict[str, object] | None:
        if s is None:
            return None
        return {"ratings": s.ratings, "average_score": s.average_score, "satisfied_rate": s.satisfied_rate,
                "keys": {str(k): n for k, n in s.keys.items()}}

    return {
        "quarter": str(report.quarter),
        "scale": "key = score, 1 (very dissatisfied) to 5 (very satisfied); satisfied = 4 or 5",
        "overall": summary(report.overall),
        "by_agent": {a: summary(s) for a, s in report.by_agent.items()},
        "by_line": {a: summary(s) for a, s in report.by_line.items()},
        "by_business": {a: summary(s) for a, s in report.by_business.items()},
        "lowest_this_quarter": list(report.lowest),
        "flagged_three_quarters_lowest": list(report.flagged),
    }
