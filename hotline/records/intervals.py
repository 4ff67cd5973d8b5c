"""Interval reports from the call records (pure): per 15- or 30-minute interval, per dialect and
business line, rolled up per dialect, per phone line and overall.

Definitions (a call belongs to the interval its record started in, local centre time):
- offered: the caller asked for an agent on an open line and joined the queue (answered,
  abandoned or took a callback)
- answered: an agent took the call while the caller held; answered in time: within the target
  seconds of the call's phone line
- abandoned: hung up before an agent answered; short abandons (under the threshold) apart
- callbacks: took a callback (virtual hold) instead of holding on
- service level: answered in time / (offered - short abandons). Later abandons and callbacks
  count as not answered in time.
- ASA: mean wait of the answered calls; wait (mean and p90): callers whose wait ended in the
  queue, answered or abandoned. The p90 is read from the queue-wait histogram's buckets the way
  Prometheus' histogram_quantile reads them, so the report and a dashboard show one figure.
- AHT: talk time plus the line's wrap-up, over the calls agents handled (callbacks included)
- workload: the handled calls' handle time over the interval's length, in erlangs (agents
  kept busy). Occupancy comes from the agents' state spans (hotline.records.occupancy).
"""

from __future__ import annotations

import csv
import gc
import io
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, tzinfo

from hotline.records.model import CallRecord, Outcome

OFFERED_OUTCOMES = frozenset({Outcome.ANSWERED, Outcome.ABANDONED, Outcome.CALLBACK})
# Upper bounds (seconds) of the queue-wait histogram; the Prometheus histogram uses the same.
WAIT_BUCKETS: tuple[float, ...] = (1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 600, 1200)
ALL = "*"
LEVELS = ("line", "dialect", "phone_line", "all")


@dataclass(frozen=True)
class Counts:
    """Sums over a set of calls: everything a cell's figures derive from, and it adds up."""

    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    callbacks: int = 0
    handled: int = 0
    answer_wait_s: float = 0.0  # sum over answered
    waited: int = 0  # answered + abandoned
    wait_s: float = 0.0  # sum over waited
    talk_s: float = 0.0  # sum over handled
    wrap_up_s: float = 0.0  # sum over handled
    wait_le: tuple[int, ...] = field(default=(0,) * len(WAIT_BUCKETS))  # cumulative, like `le`

    def __add__(self, other: Counts) -> Counts:  # spelled out: a month's report adds ~70,000 times
        return Counts(self.offered + other.offered, self.answered + other.answered,
                      self.answered_in_time + other.answered_in_time, self.abandoned + other.abandoned,
                      self.short_abandoned + other.short_abandoned, self.callbacks + other.callbacks,
                      self.handled + other.handled, self.answer_wait_s + other.answer_wait_s,
                      self.waited + other.waited, self.wait_s + other.wait_s, self.talk_s + other.talk_s,
                      self.wrap_up_s + other.wrap_up_s, tuple(map(operator.add, self.wait_le, other.wait_le)))


def counts_of(record: CallRecord, *, within_s: float, short_abandon_s: float, wrap_up_s: float) -> Counts | None:
    """One call's contribution, by the definitions above (None: not offered to the queue).
    The database sums the same in SQL (hotline.db.interval_query); the metrics count this."""
    outcome = record.outcome
    if outcome not in OFFERED_OUTCOMES:
        return None
    wait = record.queue_wait_s or 0.0
    answered = outcome is Outcome.ANSWERED and record.callback_task_id is None
    abandoned = outcome is Outcome.ABANDONED
    waited = answered or abandoned
    handled = outcome is Outcome.ANSWERED and record.talk_s is not None
    return Counts(offered=1, answered=int(answered), answered_in_time=int(answered and wait <= within_s),
                  abandoned=int(abandoned), short_abandoned=int(abandoned and wait < short_abandon_s),
                  callbacks=int(record.callback_task_id is not None), handled=int(handled),
                  answer_wait_s=wait if answered else 0.0, waited=int(waited), wait_s=wait if waited else 0.0,
                  talk_s=(record.talk_s or 0.0) if handled else 0.0, wrap_up_s=wrap_up_s if handled else 0.0,
                  wait_le=tuple(int(waited and wait <= bound) for bound in WAIT_BUCKETS))


@dataclass(frozen=True)
class Thresholds:
    """What a call's counts depend on besides the call: the service-level target seconds (per
    dialect, through its phone line's target) and the short-abandon threshold. Both are config
    that a reload may change; the interval summary stores, per row, the thresholds it counted
    with. The defaults are StaffingConfig's (80/20 everywhere, 5 s)."""

    short_abandon_s: float = 5.0
    default_within_s: float = 20.0
    within_s: Mapping[str, float] = field(default_factory=dict)  # dialect -> seconds

    def within(self, dialect: str) -> float:
        return self.within_s.get(dialect, self.default_within_s)


@dataclass(frozen=True)
class Cell:
    """One row of the report: one interval, one grouping."""

    start: datetime  # local
    level: str  # "line" (dialect, business), "dialect", "phone_line", "all"
    phone_line: str
    dialect: str
    business: str
    counts: Counts
    occupancy: float | None = None  # of the agents who could take these calls (hotline.records.occupancy)

    @property
    def service_level(self) -> float | None:
        base = self.counts.offered - self.counts.short_abandoned
        return self.counts.answered_in_time / base if base > 0 else None

    @property
    def asa_s(self) -> float | None:
        return self.counts.answer_wait_s / self.counts.answered if self.counts.answered else None

    @property
    def average_wait_s(self) -> float | None:
        return self.counts.wait_s / self.counts.waited if self.counts.waited else None

    @property
    def p90_wait_s(self) -> float | None:
        return histogram_quantile(0.9, self.counts.wait_le, self.counts.waited)

    @property
    def aht_s(self) -> float | None:
        c = self.counts
        return (c.talk_s + c.wrap_up_s) / c.handled if c.handled else None

    def workload_erlangs(self, interval: timedelta) -> float:
        return (self.counts.talk_s + self.counts.wrap_up_s) / interval.total_seconds()


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a report builds its cells: tens of thousands of
    new objects, none in a cycle, made each generation-0 pass walk the growing list again (about
    two thirds of a month report's Python time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_COUNTS_FIELDS = tuple(f.name for f in fields(Counts))
_CELL_FIELDS = tuple(f.name for f in fields(Cell))
_new = object.__new__


def summed_cell(start: datetime, level: str, phone_line: str, dialect: str, business: str,
                sums: Sequence[int | float], wait_le: tuple[int, ...]) -> Cell:
    """Cell(start, level, ..., Counts(*sums, wait_le=wait_le)) without the frozen dataclasses'
    __init__ (a field set through object.__setattr__ each): a month's report builds 69,120."""
    counts = _new(Counts)
    counts.__dict__.update(zip(_COUNTS_FIELDS, (*sums, wait_le), strict=True))
    cell = _new(Cell)
    cell.__dict__.update(zip(_CELL_FIELDS, (start, level, phone_line, dialect, business, counts, None), strict=True))
    return cell


def histogram_quantile(q: float, cumulative: tuple[int, ...], total: int,
                       bounds: tuple[float, ...] = WAIT_BUCKETS) -> float | None:
    """As PromQL's histogram_quantile: find the bucket holding rank q x total and interpolate
    linearly inside it (from 0 for the first); past the last bound, the last bound."""
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0
    for upper, count in zip(bounds, cumulative, strict=True):
        if count >= rank:
            inside = count - below
            return upper if inside == 0 else lower + (upper - lower) * (rank - below) / inside
        lower, below = upper, count
    return bounds[-1]


@dataclass(frozen=True)
class IntervalReport:
    start: datetime  # local, inclusive
    end: datetime  # local, exclusive
    interval: timedelta
    short_abandon_s: float
    targets: Mapping[str, str]  # phone line -> "80/20"
    cells: tuple[Cell, ...]
    source: str = "scan"  # "summary": the 15-minute summary rows; "scan": the call records themselves
    source_note: str = ""  # why the records were scanned, when the summary could not answer


@dataclass(frozen=True)
class GroupCounts:
    """What the database returns per (interval index, dialect, business line)."""

    index: int
    dialect: str
    business: str
    counts: Counts


def build_report(groups: Iterable[GroupCounts], *, start: datetime, end: datetime, interval: timedelta,
                 phone_line_of: Callable[[str], str], short_abandon_s: float,
                 targets: Mapping[str, str]) -> IntervalReport:
    """Cells per interval at four levels; each level is the sum of the one below, so they add up."""
    levels: list[dict[tuple[int, str, str, str], Counts]] = [{}, {}, {}, {}]
    for g in groups:
        key = (g.index, phone_line_of(g.dialect), g.dialect, g.business)
        levels[0][key] = levels[0][key] + g.counts if key in levels[0] else g.counts
    for below, above, rollup in ((levels[0], levels[1], lambda k: (k[0], k[1], k[2], ALL)),
                                 (levels[1], levels[2], lambda k: (k[0], k[1], ALL, ALL)),
                                 (levels[2], levels[3], lambda k: (k[0], ALL, ALL, ALL))):
        for key, counts in below.items():
            up = rollup(key)
            above[up] = above[up] + counts if up in above else counts
    cells = [Cell(start + index * interval, level, phone_line, dialect, business, counts)
             for level, table in zip(LEVELS, levels, strict=True)
             for (index, phone_line, dialect, business), counts in table.items()]
    return report_of_cells(cells, start=start, end=end, interval=interval, short_abandon_s=short_abandon_s,
                           targets=targets)


def report_of_cells(cells: Iterable[Cell], *, start: datetime, end: datetime, interval: timedelta,
                    short_abandon_s: float, targets: Mapping[str, str], source: str = "scan",
                    source_note: str = "") -> IntervalReport:
    """The report of cells at every level already summed (by build_report, or by the database)."""
    rank = {level: n for n, level in enumerate(LEVELS)}
    with no_collection():  # a key tuple per cell, tens of thousands
        ordered = sorted(cells, key=lambda c: (c.start, rank[c.level], c.phone_line, c.dialect, c.business))
    return IntervalReport(start, end, interval, short_abandon_s, dict(targets), tuple(ordered), source, source_note)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def cell_json(cell: Cell, interval: timedelta) -> dict[str, object]:
    c = cell.counts
    return {
        "interval_start": cell.start.isoformat(), "level": cell.level, "phone_line": cell.phone_line,
        "dialect": cell.dialect, "business": cell.business,
        "offered": c.offered, "answered": c.answered, "answered_in_time": c.answered_in_time,
        "abandoned": c.abandoned, "short_abandoned": c.short_abandoned, "callbacks": c.callbacks,
        "handled": c.handled, "service_level": _round(cell.service_level, 4), "asa_s": _round(cell.asa_s),
        "average_wait_s": _round(cell.average_wait_s), "p90_wait_s": _round(cell.p90_wait_s),
        "aht_s": _round(cell.aht_s), "workload_erlangs": _round(cell.workload_erlangs(interval)),
        "occupancy": _round(cell.occupancy, 4),
    }


SERVICE_LEVEL_BASIS = ("answered within the phone line's target seconds / (offered - short abandons); "
                       "later abandons and callbacks count as not answered in time")


def report_json(report: IntervalReport) -> dict[str, object]:
    with no_collection():  # a dict per cell, tens of thousands
        cells = [cell_json(cell, report.interval) for cell in report.cells]
    return {
        "from": report.start.isoformat(), "to": report.end.isoformat(),
        "interval_minutes": int(report.interval.total_seconds() // 60),
        "short_abandon_s": report.short_abandon_s, "targets": dict(report.targets),
        "service_level_basis": SERVICE_LEVEL_BASIS,
        "wait_p90_basis": "histogram_quantile over the queue-wait buckets " + " ".join(f"{b:g}" for b in WAIT_BUCKETS),
        "source": report.source, "source_note": report.source_note,
        "cells": cells,
    }


def report_csv(report: IntervalReport) -> str:
    with no_collection():  # a dict per cell, tens of thousands
        rows = [cell_json(cell, report.interval) for cell in report.cells]
    out = io.StringIO()
    columns = list(cell_json(Cell(report.start, "all", ALL, ALL, ALL, Counts()), report.interval))
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


MAX_SPAN = timedelta(days=62)  # a report request is bounded: two months of intervals at most


def parse_span(start: str, end: str, zone: tzinfo) -> tuple[datetime, datetime]:
    """`--from` / `--to` as ISO dates or times; without an offset they are centre local time.
    Raises ValueError saying what is wrong."""
    def moment(text: str, name: str) -> datetime:
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"{name} {text!r} is not a date or time like 2026-12-01 or 2026-12-01T09:00") from None
        return value.replace(tzinfo=zone) if value.tzinfo is None else value

    first, last = moment(start, "from"), moment(end, "to")
    if last <= first:
        raise ValueError(f"to ({end}) must be after from ({start})")
    if last - first > MAX_SPAN:
        raise ValueError(f"a report covers at most {MAX_SPAN.days} days; ask for a shorter span")
    return first, last
