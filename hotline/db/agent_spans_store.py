"""Agents' state spans in the database (the persistence shell of hotline.records.agent_spans).
Functions take an open Session (one transaction per caller), like records_store's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hotline.db.records import AgentStateSpanRow
from hotline.records.occupancy import Span

LOGGED_OUT = "logged_out"


def enter_state(session: Session, agent: str, state: str, at: datetime) -> None:
    """The agent's open span ends at `at`; a new one opens unless the agent logged out."""
    row = AgentStateSpanRow
    session.execute(update(row).where(row.agent == agent, row.ended_at.is_(None)).values(ended_at=at))
    if state != LOGGED_OUT:
        session.add(AgentStateSpanRow(agent=agent, state=state, started_at=at, ended_at=None))


def close_open(session: Session, at: datetime) -> int:
    """End every open span at `at` (the service starts: what its agents did while it was down
    is unknown, and the router starts with everyone logged out). Returns how many."""
    row = AgentStateSpanRow
    return session.execute(update(row).where(row.ended_at.is_(None)).values(ended_at=at)).rowcount or 0


def spans_between(session: Session, start: datetime, end: datetime) -> list[Span]:
    """The spans overlapping [start, end)."""
    row = AgentStateSpanRow
    rows = session.scalars(select(row).where(row.started_at < end, or_(row.ended_at.is_(None), row.ended_at > start))
                           .order_by(row.id))
    return [Span(r.agent, r.state, r.started_at, r.ended_at) for r in rows]
