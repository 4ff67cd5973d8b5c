"""The interval report's one query: call records summed per (interval, dialect, business line)
in the database, so a month of records never crosses the wire row by row.

The definitions of every sum are in hotline.records.intervals (counts_of); this module only says
them in SQL, and a test holds the two to each other.
Intervals are counted from `start` (whole seconds: a call at 09:29:59.9 belongs to 09:00-09:30).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import Connection, Integer, and_, case, cast, func, literal, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hotline.db.records import CallRecordRow
from hotline.records.intervals import OFFERED_OUTCOMES, WAIT_BUCKETS, Counts, GroupCounts
from hotline.records.model import Outcome

OFFERED = tuple(sorted(outcome.value for outcome in OFFERED_OUTCOMES))


def _interval_index(session: Session, start: datetime, interval_s: int) -> ColumnElement[int]:
    column = CallRecordRow.started_at
    start_epoch = int(start.timestamp())
    if session.get_bind().dialect.name == "sqlite":  # stored as naive UTC text
        seconds = cast(func.strftime("%s", column), Integer)
        return (seconds - start_epoch) / interval_s  # integer division: floor, as seconds >= start
    # date_part gives a double (extract a numeric, several times slower over a month of rows)
    return cast(func.floor((func.date_part("epoch", column) - start_epoch) / interval_s), Integer)


def call_sums(within: ColumnElement[float], short_abandon_s: ColumnElement[float] | float
              ) -> list[ColumnElement[int] | ColumnElement[float]]:
    """The sums counts_of defines, over a group of call records, in the order of the summary's
    columns (SUMMARY_COUNTS, SUMMARY_SUMS, SUMMARY_BUCKETS). `within` is the target seconds of
    each record's line; wrap-up is not here (the report multiplies the handled calls)."""
    r = CallRecordRow
    wait = func.coalesce(r.queue_wait_s, 0.0)
    answered = and_(r.outcome == Outcome.ANSWERED.value, r.callback_task_id.is_(None))
    abandoned = r.outcome == Outcome.ABANDONED.value
    waited = or_(answered, abandoned)
    handled = and_(r.outcome == Outcome.ANSWERED.value, r.talk_s.is_not(None))

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count().filter(condition)

    def total(condition: ColumnElement[bool], value: ColumnElement[float]) -> ColumnElement[float]:
        return func.coalesce(func.sum(value).filter(condition), 0.0)

    return [
        func.count(), count(answered), count(and_(answered, wait <= within)), count(abandoned),
        count(and_(abandoned, wait < short_abandon_s)), count(r.callback_task_id.is_not(None)), count(handled),
        count(waited), total(answered, wait), total(waited, wait), total(handled, r.talk_s),
        *(count(and_(waited, wait <= bound)) for bound in WAIT_BUCKETS),
    ]


def within_of(column: ColumnElement[str], within_s: Mapping[str, float], default_within_s: float
              ) -> ColumnElement[float]:
    """Each record's target seconds, by its dialect."""
    if not within_s:
        return literal(float(default_within_s))
    return case(*((column == d, literal(float(t))) for d, t in within_s.items()), else_=literal(float(default_within_s)))


def tune_for_aggregates(session: Session | Connection) -> None:
    name = session.dialect.name if isinstance(session, Connection) else session.get_bind().dialect.name
    if name == "postgresql":
        # Hash the month's groups in memory rather than spill them; JIT only costs time here
        # (it compiles the many aggregates afresh for every report).
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL jit = off"))


def interval_groups(session: Session, start: datetime, end: datetime, interval_s: int, *,
                    within_s: Mapping[str, float], default_within_s: float, short_abandon_s: float,
                    wrap_up_s: Mapping[str, float], default_wrap_up_s: float,
                    dialects: Collection[str] | None = None,
                    lines: Collection[tuple[str, str]] | None = None) -> list[GroupCounts]:
    """Sums per group for calls started in [start, end). `within_s` maps a dialect to its phone
    line's target seconds; `dialects` / `lines` (dialect, business) restrict the calls (either
    matching is enough); wrap-up seconds are per business line, as the router applies them."""
    r = CallRecordRow
    index = _interval_index(session, start, interval_s).label("idx")
    columns = call_sums(within_of(r.dialect, within_s, default_within_s), short_abandon_s)
    query = (select(index, r.dialect, r.business, *columns)
             .where(r.started_at >= start, r.started_at < end, r.outcome.in_(OFFERED))
             .group_by(index, r.dialect, r.business))
    chosen = []
    if dialects:
        chosen.append(r.dialect.in_(sorted(dialects)))
    for dialect, business in lines or ():
        chosen.append(and_(r.dialect == dialect, r.business == business))
    if chosen:
        query = query.where(or_(*chosen))
    tune_for_aggregates(session)
    groups = []
    for row in session.execute(query):
        idx, dialect, business, offered, ans, in_time, aband, short, callbacks, hand, n_waited, answer_wait, \
            wait_sum, talk, *le = row
        counts = Counts(offered=int(offered), answered=int(ans), answered_in_time=int(in_time), abandoned=int(aband),
                        short_abandoned=int(short), callbacks=int(callbacks), handled=int(hand),
                        answer_wait_s=float(answer_wait), waited=int(n_waited), wait_s=float(wait_sum),
                        talk_s=float(talk), wrap_up_s=int(hand) * wrap_up_s.get(business, default_wrap_up_s),
                        wait_le=tuple(le))  # counts come back as ints
        groups.append(GroupCounts(int(idx), dialect or "unknown", business or "unknown", counts))
    return groups
