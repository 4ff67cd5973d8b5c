"""What one call record save costs (`python -m bench record_saves`): CPU on the saving thread per
`save_record` through `RecordStore.run`, by milestone of a self-service call (opened, menus,
flow result, ended), against an empty transaction on the same store, interleaved in rounds on
a fresh PostgreSQL database. The SIP bench's call-record threads spend their CPU here; this
leg says how much of a save is the transaction and how much the save itself (the SELECT, the
ORM's flush, the interval summary's check).
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, text

from bench.results import Record, cpu_ticks, median, steal_percent

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
CALLS, ROUNDS = 100, 5
MILESTONES = ("opened", "menus", "flow", "ended")


def _milestones(n: int) -> Iterator[Any]:
    from hotline.records.model import CallRecord

    record = CallRecord(f"bench-{n}", datetime(2026, 12, 3, 9, tzinfo=UTC) + timedelta(seconds=n),
                        caller_number="13800138000", dialect="mandarin", business="pension")
    yield record
    record = dataclasses.replace(record, menus=("language", "main", "pension"), keys="111")
    yield record
    record = dataclasses.replace(record, self_service=("balance:done",))
    yield record
    yield dataclasses.replace(record, ended_in="balance_options", hangup_cause="16",
                              ended_at=record.started_at + timedelta(seconds=40))


def run() -> list[Record]:
    from hotline.db import records_store
    from hotline.db.migrate import upgrade

    database = f"hotline_bench_saves_{secrets.token_hex(4)}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        upgrade(f"{PG_SERVER}/{database}")
        store = records_store.RecordStore.from_url(f"{PG_SERVER}/{database}", caller_key=secrets.token_bytes(32))
        per_milestone: dict[str, list[float]] = {m: [] for m in MILESTONES}
        empty: list[float] = []

        def timed(work: Callable[[Any], object]) -> float:
            started = time.thread_time()
            store.run(work)
            return time.thread_time() - started

        ticks = cpu_ticks()
        n = 0
        for _ in range(ROUNDS):  # interleaved: a round of saves, then as many empty transactions
            for _ in range(CALLS):
                n += 1
                for milestone, record in zip(MILESTONES, _milestones(n), strict=True):
                    per_milestone[milestone].append(timed(lambda s, r=record: records_store.save_record(s, r)))
            empty.extend(timed(lambda s: s.connection()) for _ in range(CALLS * len(MILESTONES)))
        steal = steal_percent(ticks, cpu_ticks())
        store.close()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    conditions = {"database": "postgresql", "calls": CALLS * ROUNDS, "cpu_steal_percent": steal,
                  "clock": "thread CPU of the saving thread", "record": "a self-service call, no agent"}
    base = median(empty) * 1000
    records = [Record(f"record_saves.{m}.cpu_ms", round(median(v) * 1000, 3), "ms",
                      "record_saves.empty_transaction.cpu_ms", round(base, 3), conditions)
               for m, v in per_milestone.items()]
    records.append(Record("record_saves.empty_transaction.cpu_ms", round(base, 3), "ms", None, None, conditions))
    return records
