"""The interval report over a day of calls with known outcomes: every cell against figures
computed by hand (the arithmetic is written beside each), on SQLite and PostgreSQL, read both
from the 15-minute summary the saves keep and by scanning the call records."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import httpx
import pytest
from click.testing import CliRunner

from hotline.auth.tokens import TokenStore
from hotline.config.policy import site_router_config
from hotline.db import records_store as db
from hotline.http.contract import new_app
from hotline.http.reports import reports_router
from hotline.records.cli import report
from hotline.records.intervals import Counts, counts_of, histogram_quantile, report_csv, report_json
from hotline.records.model import CallRecord
from hotline.records.queries import load_intervals, thresholds_of
from hotline.settings import Settings
from hotline.staffing.config import parse_staffing
from ivr.menu import load_config
from routing.guangxi import default_config
from tests.hours.support import SHANGHAI

DAY = datetime(2026, 12, 1, tzinfo=SHANGHAI)  # a Tuesday
# Zhuang is on the dialect line (answered within 30 s), Mandarin on the default 80/20.
STAFFING = parse_staffing("interval_minutes: 30\nshort_abandon_s: 5\n"
                          "targets:\n  default: {level: 0.8, within_s: 20}\n  dialect: {level: 0.8, within_s: 30}\n")


def at(hhmmss: str) -> datetime:
    h, m, s = hhmmss.split(":")
    return DAY + timedelta(hours=int(h), minutes=int(m), seconds=float(s))


def call(n: int, started: str, line: str = "zhuang/pension", **fields: object) -> CallRecord:
    dialect, business = line.split("/")
    return CallRecord(call_id=f"c{n}", started_at=at(started), dialect=dialect, business=business,
                      to_agent=True, line_open=True, ended_at=at(started) + timedelta(minutes=10), **fields)


def answered(wait: float, talk: float, **more: object) -> dict[str, object]:
    return {"agent": "1001", "queue_wait_s": wait, "talk_s": talk, **more}


CALLS = [
    # 09:00-09:30
    call(1, "09:10:00", **answered(10, 200)),
    call(2, "09:11:00", **answered(25, 100)),
    call(3, "09:12:00", queue_wait_s=3.0),  # abandoned, short
    call(4, "09:13:00", queue_wait_s=40.0),  # abandoned
    call(5, "09:14:00", callback_task_id=7),  # took a callback, not yet called back
    call(6, "09:15:00", callback_task_id=8, **answered(900, 300)),  # took a callback, called back
    call(7, "09:29:59.5", "zhuang/medical", **answered(0, 60)),  # last half-second of the interval
    call(8, "09:00:00", "mandarin/pension", **answered(20, 120)),  # exactly at the start; 20 s is in time
    # not offered to the queue
    CallRecord(call_id="s9", started_at=at("09:05:00"), dialect="mandarin", business="pension",
               self_service=("balance:ok",)),
    CallRecord(call_id="s10", started_at=at("09:06:00"), dialect="zhuang", business="pension", to_agent=True,
               line_open=False),
    CallRecord(call_id="s11", started_at=at("09:07:00"), dialect="zhuang", business="pension", to_agent=True,
               line_open=False, message_file="m.wav"),
    CallRecord(call_id="s12", started_at=at("09:08:00"), dialect="mandarin"),
    # 09:30-10:00
    call(13, "09:30:00", **answered(5, 50)),
    call(14, "09:40:00", "mandarin/pension", queue_wait_s=4.999),  # abandoned, short
    # outside [09:00, 10:00)
    call(15, "08:59:59.9", **answered(1, 1)),
    call(16, "10:00:00", **answered(1, 1)),
]

# Wrap-up: pension and medical 45 s (routing.guangxi). p90 from the buckets 1 2 5 10 15 20 30 45 ...
EXPECTED = {
    ("09:00", "line", "dialect", "zhuang", "pension"): dict(
        offered=6, answered=2, answered_in_time=2, abandoned=2, short_abandoned=1, callbacks=2, handled=3,
        service_level=0.4,  # 2 / (6 - 1)
        asa_s=17.5,  # (10 + 25) / 2
        average_wait_s=19.5,  # (10 + 25 + 3 + 40) / 4
        p90_wait_s=39.0,  # rank 3.6 of 4, in (30, 45] holding 1 after 3: 30 + 15 * 0.6
        aht_s=245.0,  # (200 + 100 + 300 + 3 * 45) / 3
        workload_erlangs=0.408,  # 735 / 1800
    ),
    ("09:00", "line", "dialect", "zhuang", "medical"): dict(
        offered=1, answered=1, answered_in_time=1, abandoned=0, short_abandoned=0, callbacks=0, handled=1,
        service_level=1.0, asa_s=0.0, average_wait_s=0.0,
        p90_wait_s=0.9,  # rank 0.9 of 1 in (0, 1]
        aht_s=105.0, workload_erlangs=0.058,  # 105 / 1800
    ),
    ("09:00", "line", "mandarin", "mandarin", "pension"): dict(
        offered=1, answered=1, answered_in_time=1, abandoned=0, short_abandoned=0, callbacks=0, handled=1,
        service_level=1.0, asa_s=20.0, average_wait_s=20.0,
        p90_wait_s=19.5,  # in (15, 20]: 15 + 5 * 0.9
        aht_s=165.0, workload_erlangs=0.092,  # 165 / 1800
    ),
    ("09:00", "dialect", "dialect", "zhuang", "*"): dict(
        offered=7, answered=3, answered_in_time=3, abandoned=2, short_abandoned=1, callbacks=2, handled=4,
        service_level=0.5,  # 3 / (7 - 1)
        asa_s=11.667,  # (10 + 25 + 0) / 3
        average_wait_s=15.6,  # 78 / 5
        p90_wait_s=37.5,  # rank 4.5 of 5, in (30, 45] holding 1 after 4: 30 + 15 * 0.5
        aht_s=210.0,  # (600 + 60 + 4 * 45) / 4
        workload_erlangs=0.467,  # 840 / 1800
    ),
    ("09:00", "dialect", "mandarin", "mandarin", "*"): "same as 09:00 mandarin/pension",
    ("09:00", "phone_line", "dialect", "*", "*"): "same as 09:00 zhuang",
    ("09:00", "phone_line", "mandarin", "*", "*"): "same as 09:00 mandarin/pension",
    ("09:00", "all", "*", "*", "*"): dict(
        offered=8, answered=4, answered_in_time=4, abandoned=2, short_abandoned=1, callbacks=2, handled=5,
        service_level=0.5714,  # 4 / (8 - 1)
        asa_s=13.75,  # (10 + 25 + 0 + 20) / 4
        average_wait_s=16.333,  # 98 / 6
        p90_wait_s=36.0,  # rank 5.4 of 6, in (30, 45] holding 1 after 5: 30 + 15 * 0.4
        aht_s=201.0,  # (780 + 5 * 45) / 5
        workload_erlangs=0.558,  # 1005 / 1800
    ),
    ("09:30", "line", "dialect", "zhuang", "pension"): dict(
        offered=1, answered=1, answered_in_time=1, abandoned=0, short_abandoned=0, callbacks=0, handled=1,
        service_level=1.0, asa_s=5.0, average_wait_s=5.0,
        p90_wait_s=4.7,  # in (2, 5]: 2 + 3 * 0.9
        aht_s=95.0, workload_erlangs=0.053,  # 95 / 1800
    ),
    ("09:30", "line", "mandarin", "mandarin", "pension"): dict(
        offered=1, answered=0, answered_in_time=0, abandoned=1, short_abandoned=1, callbacks=0, handled=0,
        service_level=None,  # 0 / (1 - 1): nobody to judge by
        asa_s=None, average_wait_s=4.999, p90_wait_s=4.7, aht_s=None, workload_erlangs=0.0,
    ),
    ("09:30", "dialect", "dialect", "zhuang", "*"): "same as 09:30 zhuang/pension",
    ("09:30", "dialect", "mandarin", "mandarin", "*"): "same as 09:30 mandarin/pension",
    ("09:30", "phone_line", "dialect", "*", "*"): "same as 09:30 zhuang/pension",
    ("09:30", "phone_line", "mandarin", "*", "*"): "same as 09:30 mandarin/pension",
    ("09:30", "all", "*", "*", "*"): dict(
        offered=2, answered=1, answered_in_time=1, abandoned=1, short_abandoned=1, callbacks=0, handled=1,
        service_level=1.0,  # 1 / (2 - 1)
        asa_s=5.0, average_wait_s=4.9995,  # (5 + 4.999) / 2, shown to 3 decimals
        p90_wait_s=4.7,  # rank 1.8 of 2, both in (2, 5]: 2 + 3 * 1.8 / 2
        aht_s=95.0, workload_erlangs=0.053,
    ),
}
SAME = {"same as 09:00 mandarin/pension": ("09:00", "line", "mandarin", "mandarin", "pension"),
        "same as 09:00 zhuang": ("09:00", "dialect", "dialect", "zhuang", "*"),
        "same as 09:30 zhuang/pension": ("09:30", "line", "dialect", "zhuang", "pension"),
        "same as 09:30 mandarin/pension": ("09:30", "line", "mandarin", "mandarin", "pension")}


def expected_cells() -> dict[tuple[str, ...], dict[str, object]]:
    return {key: (EXPECTED[SAME[value]] if isinstance(value, str) else value)  # type: ignore[misc]
            for key, value in EXPECTED.items()}


def report_cells(report: dict[str, object]) -> dict[tuple[str, ...], dict[str, object]]:
    cells = {}
    for cell in report["cells"]:  # type: ignore[attr-defined]
        key = (cell["interval_start"][11:16], cell["level"], cell["phone_line"], cell["dialect"], cell["business"])
        cells[key] = {k: v for k, v in cell.items() if k not in ("interval_start", "level", "phone_line", "dialect",
                                                                  "business")}
    return cells


@pytest.fixture
def day_of_calls(store, hours):
    store.thresholds = lambda: thresholds_of(hours, STAFFING)  # as the service's config sets them
    store.run(lambda s: [db.save_record(s, record) for record in CALLS])
    return store


@pytest.fixture(params=["summary", "scan"])
def source(request) -> str:
    return request.param


def load(store, hours, source: str, start: datetime, end: datetime, staffing=STAFFING, **more):  # type: ignore[no-untyped-def]
    """The report read the way `source` says, checking that it was read so."""
    report = load_intervals(store, hours, staffing, default_config(), start, end, scan=source == "scan", **more)
    assert report.source == source, report.source_note
    return report


def test_every_cell_of_a_day_matches_the_hand_computed_figures(day_of_calls, source, hours) -> None:
    report = load(day_of_calls, hours, source, at("09:00:00"), at("10:00:00"))
    got = report_json(report)
    assert got["from"] == "2026-12-01T09:00:00+08:00" and got["to"] == "2026-12-01T10:00:00+08:00"
    assert got["targets"]["dialect"] == "80/30" and got["targets"]["mandarin"] == "80/20"
    assert "short abandons" in got["service_level_basis"]
    cells = report_cells(got)
    expected = expected_cells()
    assert sorted(cells) == sorted(expected)
    for key, figures in expected.items():
        for name, value in figures.items():
            assert cells[key][name] == (pytest.approx(value, abs=6e-4) if value is not None else None), (key, name)


def test_rollups_add_up_from_the_cells(day_of_calls, source, hours) -> None:
    cells = report_cells(report_json(load(day_of_calls, hours, source, at("09:00:00"), at("10:00:00"))))
    for name in ("offered", "answered", "abandoned", "short_abandoned", "callbacks", "handled"):
        for interval in ("09:00", "09:30"):
            lines = sum(c[name] for k, c in cells.items() if k[0] == interval and k[1] == "line")
            assert cells[(interval, "all", "*", "*", "*")][name] == lines


def test_a_filter_keeps_only_the_lines_asked_for(day_of_calls, source, hours) -> None:
    report = report_json(load(day_of_calls, hours, source, at("09:00:00"),
                                        at("10:00:00"), only=["zhuang/medical", "mandarin"]))
    cells = report_cells(report)
    assert {k[3:] for k in cells if k[1] == "line"} == {("zhuang", "medical"), ("mandarin", "pension")}
    assert cells[("09:00", "all", "*", "*", "*")]["offered"] == 2
    by_phone_line = report_json(load(day_of_calls, hours, source, at("09:00:00"),
                                               at("10:00:00"), only=["dialect"]))
    assert {c["dialect"] for c in by_phone_line["cells"]} == {"zhuang", "*"}


def test_csv_has_one_row_per_cell(day_of_calls, source, hours) -> None:
    report = load(day_of_calls, hours, source, at("09:00:00"), at("10:00:00"))
    lines = report_csv(report).splitlines()
    assert lines[0].startswith("interval_start,level,phone_line,dialect,business,offered,")
    assert len(lines) == 1 + len(report.cells)


def test_histogram_quantile_reads_buckets_as_prometheus_does() -> None:
    bounds = (1.0, 2.0, 5.0)
    assert histogram_quantile(0.5, (0, 2, 4), 4, bounds) == pytest.approx(2.0)  # rank 2 ends bucket (1, 2]
    assert histogram_quantile(0.9, (0, 0, 0), 1, bounds) == 5.0  # beyond the last bound
    assert histogram_quantile(0.9, (0, 0, 0), 0, bounds) is None


async def test_the_report_over_http_and_cli(day_of_calls, hours, database_url, tmp_path) -> None:
    staffing_file = tmp_path / "staffing.yaml"
    staffing_file.write_text("targets:\n  default: {level: 0.8, within_s: 20}\n  dialect: {level: 0.8, within_s: 30}\n")
    wanted = report_json(load(day_of_calls, hours, "summary", at("09:00:00"),
                                        at("10:00:00")))
    app = new_app(title="test", description="the interval report")
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    app.include_router(reports_router(day_of_calls, lambda: hours, staffing=lambda: STAFFING))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        span = {"from": "2026-12-01T09:00", "to": "2026-12-01T10:00"}
        assert (await client.get("/reports/intervals", params=span)).status_code == 401
        client.headers["Authorization"] = "Bearer " + tokens.create("viewer")[0]
        assert (await client.get("/reports/intervals", params=span)).json() == wanted
        as_csv = await client.get("/reports/intervals", params={**span, "format": "csv"})
        csv_text = as_csv.text
        assert as_csv.headers["x-report-source"] == "summary" and wanted["source"] == "summary"
        assert csv_text.count("\n") == 1 + len(wanted["cells"])
        backwards = await client.get("/reports/intervals", params={"from": "2026-12-02", "to": "2026-12-01"})
        assert backwards.status_code == 422 and "must be after" in backwards.json()["detail"]
        assert backwards.headers["content-type"] == "application/problem+json"  # the API's one error shape
        assert (await client.get("/reports/intervals", params={"from": "noon", "to": "2026-12-01"})).status_code == 422

    printed = CliRunner().invoke(report, ["intervals", "--from", "2026-12-01T09:00", "--to", "2026-12-01T10:00",
                                          "--url", database_url, "--staffing", str(staffing_file), "--json"],
                                 obj=Settings.from_env({}))
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["cells"] == wanted["cells"]  # the demo hours.yaml has the same lines
    table = CliRunner().invoke(report, ["intervals", "--from", "2026-12-01T09:00", "--to", "2026-12-01T10:00",
                                        "--url", database_url, "--staffing", str(staffing_file), "--line", "zhuang"],
                               obj=Settings.from_env({}))
    assert table.exit_code == 0, table.output
    assert "zhuang/pension" in table.output and "mandarin" not in table.output.split("\n", 1)[1]
    broken = tmp_path / "broken.yaml"
    broken.write_text("shrinkage: 2\n")
    refused = CliRunner().invoke(report, ["intervals", "--from", "2026-12-01", "--to", "2026-12-02",
                                          "--url", database_url, "--staffing", str(broken)],
                                 obj=Settings.from_env({}))
    assert refused.exit_code == 1 and f"{broken}:1: shrinkage:" in refused.output
    assert "Traceback" not in refused.output


def test_the_sql_sums_what_counts_of_defines(day_of_calls, source, hours) -> None:
    """One definition: the database's sums equal the pure per-call counts added up."""
    report = load(day_of_calls, hours, source, at("09:00:00"), at("10:00:00"))
    config = default_config()
    expected: dict[tuple[datetime, str, str], Counts] = {}
    for record in CALLS:
        if not at("09:00:00") <= record.started_at < at("10:00:00"):
            continue
        counts = counts_of(record, within_s=STAFFING.target(hours.line_of(record.dialect).line).within_s,
                           short_abandon_s=STAFFING.short_abandon_s, wrap_up_s=config.wrap_up(record.business))
        if counts is not None:
            slot = at("09:00:00") + timedelta(minutes=30) * ((record.started_at - at("09:00:00")) // timedelta(minutes=30))
            key = (slot, record.dialect, record.business)
            expected[key] = expected[key] + counts if key in expected else counts
    got = {(c.start, c.dialect, c.business): c.counts for c in report.cells if c.level == "line"}
    assert got.keys() == expected.keys()
    for key, counts in expected.items():
        assert got[key].wait_le == counts.wait_le
        assert got[key].offered == counts.offered and got[key].answered_in_time == counts.answered_in_time
        for name in ("answered", "abandoned", "short_abandoned", "callbacks", "handled", "waited"):
            assert getattr(got[key], name) == getattr(counts, name), (key, name)
        for name in ("answer_wait_s", "wait_s", "talk_s", "wrap_up_s"):  # summed in another order
            assert getattr(got[key], name) == pytest.approx(getattr(counts, name)), (key, name)


async def test_the_report_uses_the_sites_routing_not_the_shipped_default(day_of_calls, hours, database_url,
                                                                  tmp_path) -> None:
    """A site whose hotline.yaml gives pension calls 100 s of wrap-up: the CLI's report (and the
    API's, given the policy in force) count AHT with it, not with Guangxi's shipped 45 s."""
    site = tmp_path / "site"
    shutil.copytree(Settings.from_env({}).config_dir, site)
    shipped = (site / "hotline.yaml").read_text(encoding="utf-8")
    assert "wrap_up_s: {pension: 45," in shipped
    (site / "hotline.yaml").write_text(shipped.replace("wrap_up_s: {pension: 45,", "wrap_up_s: {pension: 100,", 1),
                                       encoding="utf-8")
    policy = site_router_config(load_config(site / "hotline.yaml"))
    assert policy.wrap_up("pension") == 100 and default_config().wrap_up("pension") == 45
    staffing_file = tmp_path / "staffing.yaml"
    staffing_file.write_text("targets:\n  default: {level: 0.8, within_s: 20}\n  dialect: {level: 0.8, within_s: 30}\n")
    span = (at("09:00:00"), at("10:00:00"))
    wanted = report_json(load_intervals(day_of_calls, hours, STAFFING, policy, *span))["cells"]
    shipped_cells = report_json(load_intervals(day_of_calls, hours, STAFFING, default_config(), *span))["cells"]
    assert wanted != shipped_cells  # the wrap-up shows in the pension cells' AHT

    printed = CliRunner().invoke(report, ["intervals", "--from", "2026-12-01T09:00", "--to", "2026-12-01T10:00",
                                          "--url", database_url, "--staffing", str(staffing_file), "--json"],
                                 obj=Settings.from_env({"HOTLINE_CONFIG_DIR": str(site)}))
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["cells"] == wanted
    zhuang = next(c for c in wanted if (c["level"], c["dialect"], c["business"]) == ("line", "zhuang", "pension"))
    assert zhuang["aht_s"] is not None

    app = new_app(title="test", description="the interval report")
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    app.include_router(reports_router(day_of_calls, lambda: hours, staffing=lambda: STAFFING,
                                      router_config=lambda: policy))  # the service passes its router's policy
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client.headers["Authorization"] = "Bearer " + tokens.create("viewer")[0]
        got = await client.get("/reports/intervals", params={"from": "2026-12-01T09:00", "to": "2026-12-01T10:00"})
    assert got.json()["cells"] == wanted


async def test_the_api_reads_and_renders_the_report_off_the_event_loop(day_of_calls, hours, tmp_path,
                                                                      monkeypatch) -> None:
    """A month is 69,120 cells, about a second to read and encode: neither on the event loop."""
    import threading

    from hotline.http import reports as reports_module
    threads: list[int] = []
    for name in ("load_intervals", "intervals_json", "report_csv"):
        real = getattr(reports_module, name)
        monkeypatch.setattr(reports_module, name,
                            lambda *a, _real=real, **k: threads.append(threading.get_ident()) or _real(*a, **k))
    app = new_app(title="test", description="the interval report")
    app.state.token_store = tokens = TokenStore(tmp_path / "tokens.json")
    app.include_router(reports_router(day_of_calls, lambda: hours, staffing=lambda: STAFFING))
    span = {"from": "2026-12-01T09:00", "to": "2026-12-01T10:00"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client.headers["Authorization"] = "Bearer " + tokens.create("viewer")[0]
        assert (await client.get("/reports/intervals", params=span)).status_code == 200
        assert (await client.get("/reports/intervals", params={**span, "format": "csv"})).status_code == 200
    assert len(threads) == 4 and threading.get_ident() not in threads
