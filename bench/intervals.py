"""The interval report over a month of call records in PostgreSQL (about 1.5 million).

The records are generated inside PostgreSQL (generate_series) in a throwaway database on
127.0.0.1:5432: every line, outcome mix about 80% answered, 12% abandoned, 5% callbacks, 3%
self-service, waits and talk times spread. The figure is the median time of the whole report
(30-minute intervals, every line, rolled up) as `ivrctl report intervals` computes it. Baseline,
same run: a bare `count(*)` over the same rows, the least any report over them can cost.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.results import Record, cpu_ticks, steal_percent
from hotline.db.engine import make_engine
from hotline.db.migrate import upgrade
from hotline.db.records_store import RecordStore
from hotline.hours.loader import load_hours
from hotline.records.queries import load_intervals
from hotline.settings import Settings
from hotline.staffing.config import load_staffing
from routing.guangxi import default_config
from tests.db.support import create_pg_database, drop_pg_database

RECORDS = 1_500_000
MONTH = (datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai")), datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
RUNS = 5

GENERATE = """
INSERT INTO call_records (call_id, uniqueid, caller_number, started_at, dialect, business, config_version,
    menus, keys, self_service, to_agent, agent_reason, line_open, hours_reason, message_file, queue_wait_s,
    agent, talk_s, callback_task_id, survey_offered, ended_in, hangup_cause, outcome)
SELECT 'bench-' || i, '', '', :start + (i::bigint * :span / :n) * interval '1 second',
    (ARRAY['mandarin','mandarin','mandarin','zhuang','cantonese','guiliu','hakka'])[1 + i % 7],
    (ARRAY['pension','medical','unemployment','work_injury','employment','labour_relations','personnel',
           'ss_card'])[1 + (i / 7) % 8],
    '', '[]', '', '[]', o < 0.97, '', true, '', '',
    CASE WHEN o < 0.97 THEN round((random() * 120)::numeric, 3) END,
    CASE WHEN o < 0.80 OR (o >= 0.92 AND o < 0.94) THEN 'a' || (i % 300) ELSE '' END,
    CASE WHEN o < 0.80 OR (o >= 0.92 AND o < 0.94) THEN round((60 + random() * 400)::numeric, 3) END,
    CASE WHEN o >= 0.92 AND o < 0.97 THEN i END, false, '', '',
    CASE WHEN o < 0.80 OR (o >= 0.92 AND o < 0.94) THEN 'answered' WHEN o < 0.92 THEN 'abandoned'
         WHEN o < 0.97 THEN 'callback' ELSE 'self_service' END
FROM (SELECT i, random() AS o FROM generate_series(1, :n) AS i) AS g
"""


def run() -> list[Record]:
    url = create_pg_database()
    try:
        upgrade(url)
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text(GENERATE), {"start": MONTH[0], "span": int((MONTH[1] - MONTH[0]).total_seconds()),
                                                "n": RECORDS})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE call_records"))
        engine.dispose()
        store = RecordStore.from_url(url, workers=1)
        site = Settings.from_env({})  # the checkout's own config/
        hours, staffing, router = load_hours(site.hours_path), load_staffing(site.staffing_path), default_config()
        ticks = cpu_ticks()
        report_times, scan_times, cells = [], [], 0
        for _ in range(RUNS):
            began = time.perf_counter()
            store.run(lambda s: s.execute(text("SELECT count(*) FROM call_records WHERE started_at >= :a "
                                               "AND started_at < :b"), {"a": MONTH[0], "b": MONTH[1]}).scalar())
            scan_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            report = load_intervals(store, hours, staffing, router, *MONTH)
            report_times.append(time.perf_counter() - began)
            cells = len(report.cells)
        steal = steal_percent(ticks, cpu_ticks())
        store.close()
    finally:
        drop_pg_database(url)
    conditions = {"records": RECORDS, "interval_minutes": staffing.interval_minutes, "cells": cells, "runs": RUNS,
                  "cpu_steal_percent": steal, "target_seconds": 2.0}
    return [Record("interval report, a month of call records (PostgreSQL), median", statistics.median(report_times),
                   "s", "count(*) over the same records", statistics.median(scan_times), conditions)]
