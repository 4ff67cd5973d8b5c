"""The router's priority bonuses from the hotline's own records (real SQLite store)."""

from datetime import UTC, datetime, timedelta

from ivr.userevents import QueueJoin, decode_as

from hotline.db import records_store
from hotline.priority import ELDERLY_SECONDS, REPEAT_SECONDS, bonus_policy, local_day
from hotline.records.model import CallRecord

NOW = datetime(2026, 11, 19, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def join(number: str, business: str = "pension", elderly: str = "") -> QueueJoin:
    return decode_as(QueueJoin, {"Event": "UserEvent", "UserEvent": "HotlineQueueJoin", "CallerIDNum": number,
                                 "Business": business, "Elderly": elderly})


def ended(call_id: str, number: str, business: str, at: datetime) -> CallRecord:
    return CallRecord(call_id, started_at=at, caller_number=number, dialect="mandarin", business=business,
                      ended_at=at + timedelta(minutes=3))


async def test_repeat_caller_on_the_same_line_today_waits_less(sqlite_store) -> None:
    sqlite_store.run(lambda s: records_store.save_record(s, ended("c1", "13800138000", "pension",
                                                                   NOW - timedelta(hours=2))))
    policy = bonus_policy(sqlite_store, lambda: NOW)
    assert (await policy(join("13800138000"))).repeat == REPEAT_SECONDS
    assert (await policy(join("13800138000", business="medical"))).repeat == 0  # another line
    assert (await policy(join("13900139000"))).repeat == 0  # another caller


async def test_a_call_yesterday_does_not_count(sqlite_store) -> None:
    start, _ = local_day(NOW)
    sqlite_store.run(lambda s: records_store.save_record(s, ended("c1", "13800138000", "pension",
                                                                   start - timedelta(minutes=10))))
    assert (await bonus_policy(sqlite_store, lambda: NOW)(join("13800138000"))).repeat == 0


async def test_elderly_flag_from_the_dialplan(sqlite_store) -> None:
    policy = bonus_policy(sqlite_store, lambda: NOW)
    assert (await policy(join("13800138000", elderly="1"))).elderly == ELDERLY_SECONDS
    assert (await policy(join("<unknown>", elderly="1"))).elderly == ELDERLY_SECONDS
    assert (await policy(join("13800138000"))).elderly == 0


async def test_a_withheld_number_never_earns_the_repeat_bonus(sqlite_store) -> None:
    for i, shown in enumerate(("anonymous", "<unknown>", "")):
        sqlite_store.run(lambda s, i=i, shown=shown: records_store.save_record(
            s, ended(f"c{i}", shown, "pension", NOW - timedelta(hours=1))))
    policy = bonus_policy(sqlite_store, lambda: NOW)
    for shown in ("anonymous", "<unknown>", "", "Restricted"):
        assert (await policy(join(shown))).repeat == 0, shown
