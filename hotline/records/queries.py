"""Reports read from the stored call records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from hotline.db import records_store as db
from hotline.db.interval_query import interval_groups
from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.records.intervals import IntervalReport, build_report
from hotline.records.satisfaction import RUNNING_QUARTERS, Quarter, Rating, SatisfactionReport, satisfaction_report
from hotline.staffing.config import StaffingConfig
from routing.ladder import RouterConfig


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


def load_intervals(store: RecordStore, hours: HoursConfig, staffing: StaffingConfig, router: RouterConfig,
                   start: datetime, end: datetime, *, only: Sequence[str] = ()) -> IntervalReport:
    """The interval report for local times [start, end). `only` names phone lines (dialect),
    dialects (zhuang) or lines (zhuang/pension); empty: everything."""
    interval = timedelta(minutes=staffing.interval_minutes)
    start, end = start.astimezone(hours.timezone), end.astimezone(hours.timezone)
    line_of = _line_namer(hours)
    dialects, lines = set(), set()
    for name in only:
        dialect, _, business = name.partition("/")
        if business:
            lines.add((dialect, business))
        elif name in {line.line for line in hours.lines.values()}:
            dialects.update(hours.lines[name].dialects)
        else:
            dialects.add(name)
    within = {d: staffing.target(line_of(d)).within_s for line in hours.lines.values() for d in line.dialects}
    groups = store.run(lambda s: interval_groups(
        s, start, end, int(interval.total_seconds()), within_s=within,
        default_within_s=staffing.target("default").within_s, short_abandon_s=staffing.short_abandon_s,
        wrap_up_s=dict(router.wrap_up_seconds), default_wrap_up_s=router.default_wrap_up_seconds,
        dialects=dialects, lines=lines))
    targets = {name: str(staffing.target(name)) for name in [*hours.lines, "default"]}
    return build_report(groups, start=start, end=end, interval=interval, phone_line_of=line_of,
                        short_abandon_s=staffing.short_abandon_s, targets=targets)
