"""Today's figures from router events: definitions and the reset at midnight in Beijing time."""

from __future__ import annotations

from datetime import datetime

import pytest

from hotline.http.today import CENTRE_TIME, TodayStats
from routing import AgentState, GoneReason, Party
from routing.events import (AgentComplete, AgentConnect, CallEnded, QueueCallerAbandon, QueueCallerJoin,
                            QueueMemberStatus)

LINE = ("zhuang", "pension")


def at(hour: int, minute: int = 0, day: int = 20) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=CENTRE_TIME).timestamp()


def join(call_id: str, t: float) -> QueueCallerJoin:
    return QueueCallerJoin(t, call_id, "zhuang", "pension", "****1234", False)


def test_service_level_speed_of_answer_and_abandonment() -> None:
    stats = TodayStats()
    t = at(9)
    for i in range(4):
        stats.record(join(f"c{i}", t))
    stats.record(AgentConnect(t + 10, "c0", "a1", hold_time=10, ring_time=2))
    stats.record(AgentConnect(t + 30, "c1", "a2", hold_time=30, ring_time=2))
    stats.record(QueueCallerAbandon(t + 40, "c2", "zhuang", "pension", 0, 40))
    day = stats.line(LINE, t + 60)
    assert (day.offered, day.answered, day.abandoned) == (4, 2, 1)
    assert day.service_level == 0.5  # c0 within 20 s, c1 not
    assert day.average_speed_of_answer == 20
    assert day.abandonment_rate == pytest.approx(1 / 3)  # c3 still waiting: not counted
    assert stats.line(("mandarin", "pension"), t).service_level is None


def test_handle_time_is_talk_plus_the_wrap_up_that_follows() -> None:
    stats = TodayStats()
    t = at(10)
    stats.record(AgentComplete(t + 100, "c0", "a1", hold_time=5, talk_time=100, reason=Party.CALLER))
    stats.record(QueueMemberStatus(t + 100, "a1", AgentState.WRAP_UP, AgentState.ON_CALL, None))
    stats.record(QueueMemberStatus(t + 120, "a1", AgentState.AVAILABLE, AgentState.WRAP_UP, None))
    agent = stats.agent("a1", t + 130)
    assert agent.handled == 1 and agent.average_handle_time == 120


def test_a_new_day_in_beijing_starts_from_zero_and_a_call_from_yesterday_keeps_its_line() -> None:
    stats = TodayStats()
    stats.record(join("late", at(23, 59)))
    assert stats.line(LINE, at(23, 59)).offered == 1
    assert stats.line(LINE, at(0, 1, day=21)).offered == 0  # 16:01 UTC is already tomorrow in Beijing
    stats.record(AgentConnect(at(0, 2, day=21), "late", "a1", hold_time=180, ring_time=1))
    today = stats.line(LINE, at(0, 3, day=21))
    assert (today.offered, today.answered, today.service_level) == (0, 1, 0.0)
    stats.record(CallEnded(at(0, 9, day=21), "late", GoneReason.COMPLETED, 180))
    assert stats.agent("a1", at(0, 10, day=21)).handled == 0
