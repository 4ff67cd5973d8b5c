"""The 15-minute interval summary: kept right as a record is saved again and again, equal to a
count from scratch (the migration's back-fill), and never used for a report it cannot answer
(other thresholds, a span off its 15-minute grid): the report then scans and says why.
Real SQLite and PostgreSQL (the suite's databases)."""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update

from hotline.db import records_store as db
from hotline.db.interval_summary import rebuild
from hotline.db.migrate import upgrade
from hotline.db.engine import make_engine
from hotline.db.records import CallRecordRow, interval_summary
from hotline.records.intervals import Thresholds, report_json
from hotline.records.cli import report
from hotline.records.queries import load_intervals, thresholds_of
from hotline.settings import Settings
from hotline.staffing.config import parse_staffing
from routing.guangxi import default_config
from tests.db.support import create_pg_database, drop_pg_database
from tests.records.test_intervals import CALLS, STAFFING, at, call, load

FIFTEEN = parse_staffing("interval_minutes: 15\nshort_abandon_s: 5\n"
                         "targets:\n  default: {level: 0.8, within_s: 20}\n  dialect: {level: 0.8, within_s: 30}\n")


def summary_rows(store) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The summary's rows, non-zero ones only, sums rounded (they were added in another order)."""
    def read(s):  # type: ignore[no-untyped-def]
        rows = s.execute(select(interval_summary).order_by(*interval_summary.primary_key.columns)).all()
        return [{k: round(v, 6) if isinstance(v, float) else v for k, v in row._mapping.items()}
                for row in rows if row.offered]
    return store.run(read)


@pytest.fixture
def counted(store, hours):
    store.thresholds = lambda: thresholds_of(hours, STAFFING)
    return store


def test_a_call_saved_at_every_milestone_is_counted_once_where_it_ended(counted, hours) -> None:
    """A call joins the queue (counted as abandoned while it waits), is answered, then its talk
    time comes after the hang-up; another changes its dialect after the menu; the summary then
    holds what a count from scratch holds, and the report from it adds up."""
    waiting = call(1, "09:10:00", queue_wait_s=12.0)
    answered = replace(waiting, agent="1001")
    talked = replace(answered, talk_s=200.0)
    menu = call(2, "09:20:00", "mandarin/pension", queue_wait_s=3.0)
    moved = replace(menu, dialect="zhuang", queue_wait_s=31.0)
    for record in (waiting, answered, talked, menu, moved):
        counted.run(lambda s, r=record: db.save_record(s, r))
    kept = summary_rows(counted)
    assert counted.run(lambda s: rebuild(s, thresholds_of(hours, STAFFING))) >= 1
    assert summary_rows(counted) == kept
    report = load_intervals(counted, hours, STAFFING, default_config(), at("09:00:00"), at("10:00:00"))
    assert report.source == "summary"
    total = next(c for c in report.cells if c.level == "all")
    assert (total.counts.offered, total.counts.answered, total.counts.abandoned, total.counts.handled) == (2, 1, 1, 1)
    assert {c.dialect for c in report.cells if c.level == "line"} == {"zhuang"}


def test_the_day_counted_by_saves_equals_the_count_from_scratch(counted, hours) -> None:
    counted.run(lambda s: [db.save_record(s, record) for record in CALLS])
    kept = summary_rows(counted)
    counted.run(lambda s: rebuild(s, thresholds_of(hours, STAFFING)))
    assert summary_rows(counted) == kept and kept


def test_fifteen_minute_intervals_from_the_summary_equal_the_scan(counted, hours) -> None:
    counted.run(lambda s: [db.save_record(s, record) for record in CALLS])
    summary = report_json(load(counted, hours, "summary", at("09:00:00"), at("10:00:00"), staffing=FIFTEEN))
    scan = report_json(load(counted, hours, "scan", at("09:00:00"), at("10:00:00"), staffing=FIFTEEN))
    assert summary["interval_minutes"] == 15 and summary["cells"] == scan["cells"]
    assert {c["interval_start"][11:16] for c in summary["cells"]} == {"09:00", "09:15", "09:30"}


def test_other_thresholds_than_the_summary_counted_with_scan_the_records_and_say_so(counted, hours) -> None:
    counted.run(lambda s: [db.save_record(s, record) for record in CALLS])
    stricter = parse_staffing("interval_minutes: 30\nshort_abandon_s: 10\n"
                              "targets:\n  default: {level: 0.8, within_s: 20}\n  dialect: {level: 0.8, within_s: 30}\n")
    report = load_intervals(counted, hours, stricter, default_config(), at("09:00:00"), at("10:00:00"))
    assert report.source == "scan"
    assert "short abandons under 5 s" in report.source_note and report.source_note.endswith(" s and 10 s")
    shown = report_json(report)
    assert shown["source"] == "scan" and shown["source_note"] == report.source_note
    total = next(c for c in report.cells if c.level == "all" and c.start == at("09:00:00"))
    assert total.counts.short_abandoned == 1  # 3 s (40 s is not short under 10 s either)
    # After the thresholds change for good, the summary is counted again and answers.
    counted.run(lambda s: rebuild(s, thresholds_of(hours, stricter)))
    again = load_intervals(counted, hours, stricter, default_config(), at("09:00:00"), at("10:00:00"))
    assert again.source == "summary" and report_json(again)["cells"] == shown["cells"]


def test_a_reload_of_the_thresholds_moves_a_call_saved_again(counted, hours) -> None:
    """Saved under 20 s for the dialect line, then the target becomes 30 s: the call's next save
    takes its counts out of the old row and into a row of the new thresholds."""
    counted.thresholds = lambda: Thresholds(short_abandon_s=5.0, default_within_s=20.0, within_s={"zhuang": 20.0})
    first = call(1, "09:10:00", **{"agent": "1001", "queue_wait_s": 25.0})
    counted.run(lambda s: db.save_record(s, first))
    counted.thresholds = lambda: thresholds_of(hours, STAFFING)  # zhuang: 30 s
    report = load_intervals(counted, hours, STAFFING, default_config(), at("09:00:00"), at("10:00:00"))
    assert report.source == "scan" and "target 20 s" in report.source_note
    counted.run(lambda s: db.save_record(s, replace(first, talk_s=100.0)))
    rows = summary_rows(counted)
    assert [(r["within_s"], r["offered"], r["answered_in_time"]) for r in rows] == [(30.0, 1, 1)]
    assert load_intervals(counted, hours, STAFFING, default_config(), at("09:00:00"), at("10:00:00")).source == "summary"


def test_a_span_off_the_fifteen_minute_grid_is_scanned(counted, hours) -> None:
    counted.run(lambda s: [db.save_record(s, record) for record in CALLS])
    report = load_intervals(counted, hours, STAFFING, default_config(), at("09:05:00"), at("10:05:00"))
    assert report.source == "scan" and "15-minute" in report.source_note


@pytest.fixture
def before_summary(database_url, tmp_path) -> Iterator[str]:
    """An empty database of the same kind as `database_url`, at the revision before the summary."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/before.db"
    else:
        url = create_pg_database()
    upgrade(url, "0009_history_started_wait_index")
    yield url
    if not url.startswith("sqlite"):
        drop_pg_database(url)


def test_the_upgrade_back_fills_the_summary_of_existing_records(before_summary) -> None:
    """Records written before the summary existed are counted by the migration (default
    thresholds, as the upgrade was given none): what saving them one by one would have counted."""
    engine = make_engine(before_summary)
    with engine.begin() as connection:
        for record in CALLS:
            connection.execute(insert(CallRecordRow.__table__).values(
                call_id=record.call_id, started_at=record.started_at, ended_at=record.ended_at, dialect=record.dialect,
                business=record.business, to_agent=record.to_agent, line_open=record.line_open,
                queue_wait_s=record.queue_wait_s, agent=record.agent, talk_s=record.talk_s,
                callback_task_id=record.callback_task_id, message_file=record.message_file,
                self_service=list(record.self_service), menus=[], outcome=record.outcome.value))
    engine.dispose()
    upgrade(before_summary)
    store = db.RecordStore.from_url(before_summary)
    try:
        back_filled = summary_rows(store)
        assert back_filled and {row["within_s"] for row in back_filled} == {20.0}
        store.run(lambda s: s.execute(delete(interval_summary)))
        store.run(lambda s: s.execute(update(CallRecordRow).values(summary_within_s=None,
                                                                   summary_short_abandon_s=None)))
        store.run(lambda s: [db.save_record(s, record) for record in CALLS])  # Thresholds(): the defaults
        assert summary_rows(store) == back_filled
    finally:
        store.close()


def test_every_saved_record_carries_the_thresholds_it_is_counted_with(counted) -> None:
    counted.run(lambda s: [db.save_record(s, record) for record in CALLS])
    marks = counted.run(lambda s: dict(s.execute(select(CallRecordRow.call_id, CallRecordRow.summary_within_s)).all()))
    assert marks["c1"] == 30.0 and marks["c8"] == 20.0  # zhuang on the dialect line; mandarin
    assert marks["s9"] is None and marks["s10"] is None  # self-service, closed line: not offered


def test_the_cli_says_where_the_figures_come_from_and_rebuilds_the_summary(counted, hours, database_url,
                                                                          tmp_path) -> None:
    counted.run(lambda s: [db.save_record(s, record) for record in CALLS])
    staffing_file = tmp_path / "staffing.yaml"
    staffing_file.write_text("short_abandon_s: 10\ntargets:\n  default: {level: 0.8, within_s: 20}\n"
                             "  dialect: {level: 0.8, within_s: 30}\n")
    common = ["--url", database_url, "--staffing", str(staffing_file)]
    span = ["intervals", "--from", "2026-12-01T09:00", "--to", "2026-12-01T10:00", *common]
    before = CliRunner().invoke(report, span, obj=Settings.from_env({}))
    assert before.exit_code == 0, before.output
    assert "from the call records: the summary counted" in before.output
    rebuilt = CliRunner().invoke(report, ["rebuild-summary", *common], obj=Settings.from_env({}))
    assert rebuilt.exit_code == 0 and "short abandons under 10 s" in rebuilt.output, rebuilt.output
    after = CliRunner().invoke(report, span, obj=Settings.from_env({}))
    assert "from the 15-minute summary" in after.output
    assert after.output.splitlines()[2].endswith(" occ")  # occupancy of the site roster's agents (no spans: -)
    assert after.output.split("\n", 2)[2] == before.output.split("\n", 2)[2]  # the same figures


def test_the_reports_query_returns_the_sums_in_the_order_of_counts_fields() -> None:
    """summary_cells builds Counts positionally (a month is 69,120 cells)."""
    from dataclasses import fields

    from hotline.db.interval_summary import _COUNTS_ORDER
    from hotline.records.intervals import Counts
    assert tuple(f.name for f in fields(Counts)) == (*_COUNTS_ORDER, "wait_le")
