"""Reports read from the stored call records."""

from __future__ import annotations

from hotline.db import records_store as db
from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.records.satisfaction import RUNNING_QUARTERS, Quarter, Rating, SatisfactionReport, satisfaction_report


def _line_namer(hours: HoursConfig):  # type: ignore[no-untyped-def]
    def line_of(dialect: str) -> str:
        try:
            return hours.line_of(dialect).line
        except KeyError:
            return dialect or "unknown"
    return line_of


def load_satisfaction(store: RecordStore, hours: HoursConfig, quarter: Quarter) -> SatisfactionReport:
    """The report for `quarter`, reading it and the quarters before it the flag needs."""
    ratings: dict[Quarter, list[Rating]] = {}
    q = quarter
    for _ in range(RUNNING_QUARTERS):
        start, end = q.bounds(hours.timezone)
        ratings[q] = store.run(lambda s, a=start, b=end: db.ratings_between(s, a, b))
        q = q.previous()
    return satisfaction_report(quarter, ratings, _line_namer(hours))
