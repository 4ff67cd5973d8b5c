"""The interval report over a month of call records in PostgreSQL (about 1.5 million).

The records are generated inside PostgreSQL (generate_series) in a throwaway database on
127.0.0.1:5432: every line, outcome mix about 80% answered, 12% abandoned, 5% callbacks, 3%
self-service, waits and talk times spread, then counted into the 15-minute summary the way the
migration back-fills it (the service keeps it as it saves records). The figure is the median time
of the whole report (30-minute intervals, every line, rolled up) as `ivrctl report intervals`
computes it, read from the summary; the same report scanning the records is measured beside it.
Baseline, same run: a bare `count(*)` over the same records, the least any scan of them costs.
"""

from __future__ import annotations

import os
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
from hotline.db.interval_summary import rebuild
from hotline.records.queries import load_intervals, thresholds_of
from hotline.settings import Settings
from hotline.staffing.config import load_staffing
from routing.guangxi import default_config
from tests.db.support import create_pg_database, drop_pg_database

RECORDS = 1_500_000
MONTH = (datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai")), datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
RUNS = 5
SCAN_RUNS = 2  # the scan is there to compare with; at several seconds each, two runs say enough

GENERATE = """
INSERT INTO call_records (call_id, uniqueid, caller_number, started_at, dialect, business, config_version,
    menus, keys, self_service, to_agent, agent_reason, line_open, hours_reason, message_file, queue_wait_s,
    agent, talk_s, callback_task_id, survey_offered, ended_in, hangup_cause, outcome, summary_within_s,
    summary_short_abandon_s)
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
         WHEN o < 0.97 THEN 'callback' ELSE 'self_service' END,
    CASE WHEN o < 0.97 THEN :within END, CASE WHEN o < 0.97 THEN :short END
FROM (SELECT i, random() AS o FROM generate_series(1, :n) AS i) AS g
"""


def run() -> list[Record]:
    url = create_pg_database()
    try:
        upgrade(url)
        site = Settings.from_env({})  # the checkout's own config/
        hours, staffing, router = load_hours(site.hours_path), load_staffing(site.staffing_path), default_config()
        thresholds = thresholds_of(hours, staffing)
        # the records carry the thresholds they were counted with, as the service's saves write them
        assert set(thresholds.within_s.values()) <= {thresholds.default_within_s}, "the bench assumes one target"
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text(GENERATE), {"start": MONTH[0], "span": int((MONTH[1] - MONTH[0]).total_seconds()),
                                                "n": RECORDS, "within": thresholds.default_within_s,
                                                "short": thresholds.short_abandon_s})
        began = time.perf_counter()
        with engine.begin() as connection:
            summary_rows = rebuild(connection, thresholds)  # the back-fill's count, the marks already right
        back_fill_s = time.perf_counter() - began
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE call_records"))
            connection.execute(text("VACUUM ANALYZE call_interval_summary"))
        engine.dispose()
        store = RecordStore.from_url(url, workers=1)
        ticks = cpu_ticks()
        report_times, scan_report_times, count_times, cpu_times, cells = [], [], [], [], 0
        for _ in range(RUNS):
            began = time.perf_counter()
            store.run(lambda s: s.execute(text("SELECT count(*) FROM call_records WHERE started_at >= :a "
                                               "AND started_at < :b"), {"a": MONTH[0], "b": MONTH[1]}).scalar())
            count_times.append(time.perf_counter() - began)
            began, cpu = time.perf_counter(), time.process_time()
            report = load_intervals(store, hours, staffing, router, *MONTH)
            report_times.append(time.perf_counter() - began)
            cpu_times.append(time.process_time() - cpu)  # this process's CPU: the Python side of the report
            assert report.source == "summary", report.source_note
            cells = len(report.cells)
            if len(scan_report_times) < SCAN_RUNS:
                began = time.perf_counter()
                scanned = load_intervals(store, hours, staffing, router, *MONTH, scan=True)
                scan_report_times.append(time.perf_counter() - began)
                assert len(scanned.cells) == cells
        steal = steal_percent(ticks, cpu_ticks())
        store.close()
    finally:
        drop_pg_database(url)
    conditions = {"records": RECORDS, "interval_minutes": staffing.interval_minutes, "cells": cells, "runs": RUNS,
                  "scan_runs": SCAN_RUNS, "summary_rows": summary_rows, "back_fill_seconds": round(back_fill_s, 2),
                  "cpu_steal_percent": steal, "target_seconds": 2.0,
                  "report_process_cpu_seconds": round(statistics.median(cpu_times), 3),
                  "summary_over_scan": round(statistics.median(report_times) / statistics.median(scan_report_times), 3),
                  "load_average_1m": os.getloadavg()[0]}
    baseline = "count(*) over the same records"
    return [Record("interval report, a month of call records (PostgreSQL, 15-minute summary), median",
                   statistics.median(report_times), "s", baseline, statistics.median(count_times), conditions),
            Record("interval report, a month of call records (PostgreSQL, scanning the records), median",
                   statistics.median(scan_report_times), "s", baseline, statistics.median(count_times), conditions)]
