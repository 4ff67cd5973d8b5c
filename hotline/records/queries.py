"""Reports read from the stored call records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hotline.db import records_store as db
from hotline.db import interval_summary
from hotline.db.agent_spans_store import spans_between
from hotline.db.interval_query import interval_groups
from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.records.occupancy import agent_seconds, could_take, with_occupancy
from hotline.records.intervals import IntervalReport, Thresholds, build_report, report_of_cells
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


def thresholds_of(hours: HoursConfig, staffing: StaffingConfig) -> Thresholds:
    """The interval thresholds a site's config sets: each dialect's phone line's target seconds."""
    line_of = _line_namer(hours)
    within = {d: staffing.target(line_of(d)).within_s for line in hours.lines.values() for d in line.dialects}
    return Thresholds(short_abandon_s=staffing.short_abandon_s,
                      default_within_s=staffing.target("default").within_s, within_s=within)


def load_intervals(store: RecordStore, hours: HoursConfig, staffing: StaffingConfig, router: RouterConfig,
                   start: datetime, end: datetime, *, only: Sequence[str] = (), scan: bool = False,
                   agents: Mapping[str, Mapping[str, int]] | None = None, now: datetime | None = None) -> IntervalReport:
    """With `agents` (id -> proficiencies, the roster), each cell has the occupancy of the agents
    who could take its calls, from their state spans (still-open spans end `now`)."""
    report = _load_intervals(store, hours, staffing, router, start, end, only=only, scan=scan)
    if agents is None:
        return report
    spans = store.run(lambda s: spans_between(s, report.start, report.end))
    seconds = agent_seconds(spans, report.start, report.end, report.interval, now or datetime.now(UTC))
    phone_lines = {d: line.line for line in hours.lines.values() for d in line.dialects}
    within = thresholds_of(hours, staffing).within
    return with_occupancy(report, seconds, could_take(router, agents, within), phone_lines)


def _load_intervals(store: RecordStore, hours: HoursConfig, staffing: StaffingConfig, router: RouterConfig,
                    start: datetime, end: datetime, *, only: Sequence[str] = (), scan: bool = False) -> IntervalReport:
    """The interval report for local times [start, end). `only` names phone lines (dialect),
    dialects (zhuang) or lines (zhuang/pension); empty: everything. Read from the 15-minute
    summary when it was counted with these thresholds and the span is made of its intervals,
    else (or with `scan`) from the call records; the report says which, and why."""
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
    thresholds = thresholds_of(hours, staffing)
    targets = {name: str(staffing.target(name)) for name in [*hours.lines, "default"]}
    note = "asked for a scan of the records" if scan else store.run(lambda s: interval_summary.mismatch(
        s, start, end, interval, thresholds, dialects, lines))
    if note is None:
        phone_lines = {d: line.line for line in hours.lines.values() for d in line.dialects}
        cells = store.run(lambda s: interval_summary.summary_cells(
            s, start, end, interval, phone_line_of=phone_lines, wrap_up_s=dict(router.wrap_up_seconds),
            default_wrap_up_s=router.default_wrap_up_seconds, dialects=dialects, lines=lines))
        return report_of_cells(cells, start=start, end=end, interval=interval, short_abandon_s=staffing.short_abandon_s,
                               targets=targets, source="summary")
    groups = store.run(lambda s: interval_groups(
        s, start, end, int(interval.total_seconds()), within_s=thresholds.within_s,
        default_within_s=thresholds.default_within_s, short_abandon_s=staffing.short_abandon_s,
        wrap_up_s=dict(router.wrap_up_seconds), default_wrap_up_s=router.default_wrap_up_seconds,
        dialects=dialects, lines=lines))
    report = build_report(groups, start=start, end=end, interval=interval, phone_line_of=line_of,
                          short_abandon_s=staffing.short_abandon_s, targets=targets)
    return replace(report, source="scan", source_note=note)
