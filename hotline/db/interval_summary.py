"""The interval report's summary: the sums of hotline.records.intervals (counts_of) per
15-minute interval, dialect and business line, kept in call_interval_summary so a month's report
reads about a hundred thousand rows instead of a million and a half records.

- Kept as records are saved: save_record calls `count_saved` in the same transaction. A record
  is saved several times (milestones, then the router's late events), so the contribution it
  had is taken out and the new one put in; the record row says which thresholds it was
  counted with (summary_within_s, summary_short_abandon_s), so that works across a reload.
- Thresholds: every summary row carries the thresholds it was counted with. A report asked with
  other thresholds than the rows in its span hold is not answered from here (`mismatch` says
  why) and the caller scans the records instead.
- The wait's 90th percentile: the rows hold the same cumulative bucket counts the scan computes,
  so histogram_quantile over their sums gives exactly the scan's figure (no approximation beyond
  the report's stated bucket basis).
- 30-minute intervals and the roll-ups (per dialect, per phone line, overall) are summed by the
  database from the 15-minute rows: GROUPING SETS on PostgreSQL, the same four groupings as
  UNION ALL on SQLite (which has no GROUPING SETS).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Connection, Integer, and_, case, cast, delete, func, insert, literal, or_, select, \
    tuple_, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hotline.db.interval_query import OFFERED, call_sums, tune_for_aggregates, within_of
from hotline.db.records import SUMMARY_BUCKETS, SUMMARY_COUNTS, SUMMARY_SLOT_S, SUMMARY_SUMS, CallRecordRow, \
    interval_summary
from hotline.records.intervals import ALL, Cell, Counts, Thresholds, counts_of, no_collection, summed_cell
from hotline.records.model import CallRecord

THRESHOLDS = "interval_thresholds"  # Session.info: () -> Thresholds now (RecordStore sets it)
# Counts' fields in their order, up to its wait buckets (the report's query returns them so)
_COUNTS_ORDER = ("offered", "answered", "answered_in_time", "abandoned", "short_abandoned", "callbacks", "handled",
                 "answer_wait_s", "waited", "wait_s", "talk_s", "wrap_up_s")
_KEY = ("slot", "dialect", "business", "within_s", "short_abandon_s")


def thresholds_now(session: Session) -> Thresholds:
    provider: Callable[[], Thresholds] | None = session.info.get(THRESHOLDS)
    return provider() if provider is not None else Thresholds()


def slot_of(at: datetime) -> int:
    return math.floor(at.timestamp() / SUMMARY_SLOT_S) * SUMMARY_SLOT_S


def _contribution(record: CallRecord, within_s: float, short_abandon_s: float
                  ) -> tuple[tuple[int, str, str, float, float], Counts] | None:
    counts = _counts(record, within_s, short_abandon_s)
    if counts is None:
        return None
    return (slot_of(record.started_at), record.dialect, record.business, within_s, short_abandon_s), counts


def _counts(record: CallRecord, within_s: float, short_abandon_s: float) -> Counts | None:
    return counts_of(record, within_s=within_s, short_abandon_s=short_abandon_s, wrap_up_s=0.0)


def count_saved(session: Session, row: CallRecordRow, before: CallRecord | None, record: CallRecord) -> None:
    """Move the record's counts from what it contributed `before` (as counted then) to what it
    contributes now, under the thresholds now."""
    old = None
    if before is not None and row.summary_within_s is not None and row.summary_short_abandon_s is not None:
        old = _contribution(before, row.summary_within_s, row.summary_short_abandon_s)
    thresholds = thresholds_now(session)
    new = _contribution(record, thresholds.within(record.dialect), thresholds.short_abandon_s)
    if old == new:
        return
    # Rows touched in key order, so two saves moving calls between the same two rows in opposite
    # directions wait for each other instead of deadlocking (the store runs saves in parallel).
    changes = [(key, counts, sign) for part, sign in ((old, -1), (new, 1)) if part is not None
               for key, counts in [part]]
    for key, counts, sign in sorted(changes, key=lambda change: change[0]):
        _add(session, key, counts, sign=sign)
    row.summary_within_s, row.summary_short_abandon_s = (new[0][3], new[0][4]) if new else (None, None)


def _add(session: Session, key: tuple[int, str, str, float, float], counts: Counts, *, sign: int) -> None:
    slot, dialect, business, within_s, short_abandon_s = key
    values: dict[str, object] = {"slot": slot, "dialect": dialect, "business": business, "within_s": within_s,
                                 "short_abandon_s": short_abandon_s}
    for name in SUMMARY_COUNTS + SUMMARY_SUMS:
        values[name] = sign * getattr(counts, name)
    for name, count in zip(SUMMARY_BUCKETS, counts.wait_le, strict=True):
        values[name] = sign * count
    dialect_name = _dialect(session)
    statement = (postgresql.insert(interval_summary) if dialect_name == "postgresql"
                 else sqlite.insert(interval_summary)).values(values)
    changed = {name: interval_summary.c[name] + statement.excluded[name]
               for name in SUMMARY_COUNTS + SUMMARY_SUMS + SUMMARY_BUCKETS}
    session.execute(statement.on_conflict_do_update(
        index_elements=list(_KEY), set_=changed))
    if sign < 0:  # a row left with no call in it goes (its sums are zero too, give or take rounding)
        session.execute(delete(interval_summary).where(
            *(interval_summary.c[name] == value for name, value in zip(_KEY, key, strict=True)),
            interval_summary.c.offered == 0))


def _dialect(connection: Connection | Session) -> str:
    return connection.dialect.name if isinstance(connection, Connection) else connection.get_bind().dialect.name


def _slot_expression(connection: Connection | Session) -> ColumnElement[int]:
    column = CallRecordRow.started_at
    if _dialect(connection) == "sqlite":  # stored as naive UTC text
        return (cast(func.strftime("%s", column), Integer) // SUMMARY_SLOT_S) * SUMMARY_SLOT_S
    return cast(func.floor(func.date_part("epoch", column) / SUMMARY_SLOT_S) * SUMMARY_SLOT_S, BigInteger)


def rebuild(connection: Connection | Session, thresholds: Thresholds) -> int:
    """Count every record again under `thresholds` (the migration's back-fill; after a change of
    thresholds, to make old spans fast again). One pass over the records. Returns summary rows."""
    r = CallRecordRow
    tune_for_aggregates(connection)
    within = within_of(r.dialect, thresholds.within_s, thresholds.default_within_s)
    slot = _slot_expression(connection).label("slot")
    sums = call_sums(within, literal(float(thresholds.short_abandon_s)))
    query = (select(slot, r.dialect, r.business, within.label("within_s"),
                    literal(float(thresholds.short_abandon_s)).label("short_abandon_s"), *sums)
             .where(r.outcome.in_(OFFERED)).group_by(slot, r.dialect, r.business))
    connection.execute(delete(interval_summary))
    columns = ["slot", "dialect", "business", "within_s", "short_abandon_s", *SUMMARY_COUNTS, *SUMMARY_SUMS,
               *SUMMARY_BUCKETS]
    connection.execute(insert(interval_summary).from_select(columns, query))
    # Each record's mark of what it is counted with, written only where it changes (an UPDATE of
    # every row of a big table rewrites them all with their indexes: minutes for a month's).
    connection.execute(update(r).values(summary_within_s=None, summary_short_abandon_s=None)
                       .where(r.summary_within_s.is_not(None), r.outcome.not_in(OFFERED)))
    short = literal(float(thresholds.short_abandon_s))
    connection.execute(update(r).values(summary_within_s=within, summary_short_abandon_s=short)
                       .where(r.outcome.in_(OFFERED), or_(r.summary_within_s.is_(None), r.summary_within_s != within,
                                                           r.summary_short_abandon_s.is_(None),
                                                           r.summary_short_abandon_s != short)))
    return int(connection.execute(select(func.count()).select_from(interval_summary)).scalar_one())


def mismatch(session: Session, start: datetime, end: datetime, interval: timedelta, thresholds: Thresholds,
             dialects: Collection[str], lines: Collection[tuple[str, str]]) -> str | None:
    """Why the summary cannot answer this report (None: it can)."""
    seconds = int(interval.total_seconds())
    if seconds % SUMMARY_SLOT_S or start.timestamp() % SUMMARY_SLOT_S or end.timestamp() % SUMMARY_SLOT_S:
        return "the span or interval is not made of whole 15-minute intervals of the summary"
    s = interval_summary.c
    wanted = within_of(s.dialect, thresholds.within_s, thresholds.default_within_s)
    query = (select(s.dialect, s.within_s, s.short_abandon_s)
             .where(s.slot >= int(start.timestamp()), s.slot < int(end.timestamp()), s.offered > 0,
                    or_(s.short_abandon_s != thresholds.short_abandon_s, s.within_s != wanted))
             .limit(1))
    chosen = _chosen(dialects, lines)
    if chosen is not None:
        query = query.where(chosen)
    other = session.execute(query).first()
    if other is None:
        return None
    dialect, within_s, short_s = other
    return (f"the summary counted {dialect or 'unknown'} calls in this span with service-level target "
            f"{within_s:g} s and short abandons under {short_s:g} s; this report asks for "
            f"{thresholds.within(dialect):g} s and {thresholds.short_abandon_s:g} s")


def _chosen(dialects: Collection[str], lines: Collection[tuple[str, str]]) -> ColumnElement[bool] | None:
    s = interval_summary.c
    chosen = [s.dialect.in_(sorted(dialects))] if dialects else []
    chosen += [and_(s.dialect == dialect, s.business == business) for dialect, business in lines]
    return or_(*chosen) if chosen else None


def summary_cells(session: Session, start: datetime, end: datetime, interval: timedelta, *,
                  phone_line_of: Mapping[str, str], wrap_up_s: Mapping[str, float], default_wrap_up_s: float,
                  dialects: Collection[str] = (), lines: Collection[tuple[str, str]] = ()) -> list[Cell]:
    """Every cell of the report (all four levels) summed by the database from the summary rows
    in [start, end). `phone_line_of` maps a dialect to its phone line (others: the dialect)."""
    s = interval_summary.c
    seconds = int(interval.total_seconds())
    dialect = func.coalesce(func.nullif(s.dialect, ""), "unknown")
    business = func.coalesce(func.nullif(s.business, ""), "unknown")
    phone_line = (case(*((s.dialect == d, literal(line)) for d, line in phone_line_of.items()), else_=dialect)
                  if phone_line_of else dialect)
    wrap = (case(*((s.business == b, literal(float(w))) for b, w in wrap_up_s.items()),
                 else_=literal(float(default_wrap_up_s))) if wrap_up_s else literal(float(default_wrap_up_s)))
    rows = (select(((s.slot - int(start.timestamp())) // seconds).label("idx"), phone_line.label("phone_line"),
                   dialect.label("dialect"), business.label("business"),
                   *(s[name] for name in SUMMARY_COUNTS + SUMMARY_SUMS + SUMMARY_BUCKETS),
                   (s.handled * wrap).label("wrap_up_s"))
            .where(s.slot >= int(start.timestamp()), s.slot < int(end.timestamp())))
    chosen = _chosen(dialects, lines)
    if chosen is not None:
        rows = rows.where(chosen)
    inner = rows.subquery("summary_rows")
    i = inner.c
    sums = [func.sum(i[name]) for name in _COUNTS_ORDER + SUMMARY_BUCKETS]  # Counts' own field order
    keys = (i.idx, i.phone_line, i.dialect, i.business)
    tune_for_aggregates(session)
    if _dialect(session) == "postgresql":
        query = (select(*keys, *sums)
                 .group_by(func.grouping_sets(*(tuple_(*keys[:depth]) for depth in (4, 3, 2, 1))))
                 .having(func.sum(i.offered) > 0))
    else:
        parts = []
        for depth in (4, 3, 2, 1):
            shown = [*keys[:depth], *(literal(None).label(k.name) for k in keys[depth:])]
            parts.append(select(*shown, *sums).group_by(*keys[:depth]).having(func.sum(i.offered) > 0))
        query = union_all(*parts)  # type: ignore[assignment]
    # 69,120 cells for a month: built positionally, the sums already ints and floats (PostgreSQL
    # sums integer columns as bigint, doubles as double), one datetime per interval.
    cells = []
    starts: dict[int, datetime] = {}
    last = len(_COUNTS_ORDER) + 4
    # the driver's own tuples: SQLAlchemy's Row objects cost more than the cell built from them
    with no_collection():
        rows = session.execute(query).cursor.fetchall()
        for row in rows:
            idx, line, dial, bus = row[:4]
            begins = starts.get(idx)
            if begins is None:
                begins = starts[idx] = start + int(idx) * interval
            level = "line" if bus is not None else "dialect" if dial is not None else \
                "phone_line" if line is not None else "all"
            cells.append(summed_cell(begins, level, line or ALL, dial or ALL, bus or ALL, row[4:last], row[last:]))
    return cells
