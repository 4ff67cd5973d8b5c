"""Call history from the database: every filter, cursor pages that neither repeat nor skip (also
with many calls in the same second), search by number through its keyed hash, counts, the
timeline store, and `ivrctl calls search|show`; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from hotline.db import history_store as history
from hotline.db import records_store as db
from hotline.db.records import CallRecordRow
from hotline.db.records_store import RecordStore
from hotline.records.history import (CallQuery, OutcomeFilter, caller_digest, caller_key, decode_cursor,
                                     encode_cursor)
from hotline.cli import main
from hotline.records.model import CallRecord
from hotline.records.timeline import TimelineWriter

T0 = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 15:00 in Beijing
KEY = caller_key(b"k" * 32)


def record(n: int, **fields) -> CallRecord:
    values = dict(call_id=f"1733122800.{n}", started_at=T0 + timedelta(seconds=n // 3),  # three a second
                  ended_at=T0 + timedelta(seconds=n // 3 + 60), caller_number=f"1380013{n:04d}",
                  dialect="mandarin", business="pension", menus=("language", "main"), to_agent=True,
                  line_open=True, agent="2001", queue_wait_s=float(n), talk_s=30.0, survey_offered=True,
                  rating=4)
    values.update(fields)
    return CallRecord(**values)


@pytest.fixture
def store(database_url: str):
    store = RecordStore.from_url(database_url, caller_key=KEY)
    records = [record(n) for n in range(40)]
    records[7] = record(7, dialect="zhuang", business="wages", agent="1003", queue_wait_s=1200.0, rating=2)
    records[8] = record(8, agent="", talk_s=None, survey_offered=False, queue_wait_s=90.0)  # abandoned
    records[9] = record(9, to_agent=False, agent="", talk_s=None, survey_offered=False, queue_wait_s=None,
                        rating=None, self_service=("balance:ok",))
    records[10] = record(10, line_open=False, agent="", talk_s=None, survey_offered=False, queue_wait_s=None,
                         rating=None)  # after hours, no message
    store.run(lambda s: [db.save_record(s, r) for r in records])
    yield store
    store.close()


def ids(page: history.CallPage) -> list[str]:
    return [c.record.call_id for c in page.calls]


def search(store: RecordStore, **filters) -> list[str]:
    return ids(store.run(lambda s: history.search_calls(s, CallQuery(limit=200, **filters))))


def test_each_filter_finds_what_it_says(store: RecordStore) -> None:
    assert search(store, dialect="zhuang") == ["1733122800.7"]
    assert search(store, business="wages") == ["1733122800.7"]
    assert search(store, agent="1003") == ["1733122800.7"]
    assert search(store, min_wait_s=1000) == ["1733122800.7"]
    assert search(store, outcome=OutcomeFilter.ABANDONED) == ["1733122800.8"]
    assert search(store, outcome=OutcomeFilter.SELF_SERVICE) == ["1733122800.9"]
    assert search(store, outcome=OutcomeFilter.AFTER_HOURS) == ["1733122800.10"]
    assert len(search(store, outcome=OutcomeFilter.ANSWERED)) == 37
    assert search(store, caller_digest=caller_digest(KEY, "13800130007")) == ["1733122800.7"]
    assert search(store, caller_digest=caller_digest(KEY, "+86 1380013 0007")) == []  # exact number only
    assert search(store, since=T0, until=T0) == []  # an empty range is no error, just nothing
    window = search(store, since=T0 + timedelta(seconds=3), until=T0 + timedelta(seconds=4))
    assert window == ["1733122800.11", "1733122800.10", "1733122800.9"]  # newest first
    assert search(store, dialect="mandarin", agent="2001", min_wait_s=30, since=T0 + timedelta(seconds=12)) == [
        f"1733122800.{n}" for n in range(39, 35, -1)]


def test_a_long_wait_s_page_is_the_same_found_either_way(store: RecordStore) -> None:
    """"Waited at least N s" takes its page from all the matches (found through the wait index)
    when few match, else by walking the range in page order: the pages are the same, cursors too."""
    for min_wait, since in ((20.0, None), (30.0, T0 + timedelta(seconds=5)), (1000.0, None), (5000.0, None)):
        found = {}
        for few_waits in (0, 10_000):  # 0: always walk; 10,000: always take all the matches
            seen: list[str] = []
            query = CallQuery(limit=4, min_wait_s=min_wait, since=since)
            while True:
                page = store.run(lambda s, q=query, f=few_waits: history.search_calls(s, q, few_waits=f))
                seen += ids(page)
                if page.next_cursor is None:
                    break
                query = CallQuery(limit=4, min_wait_s=min_wait, since=since, after=decode_cursor(page.next_cursor))
            found[few_waits] = seen
        assert found[0] == found[10_000] == search(store, min_wait_s=min_wait, since=since), min_wait
    assert search(store, min_wait_s=30.0, since=T0 + timedelta(seconds=5))[-1] == "1733122800.30"


def test_the_number_is_stored_only_as_the_records_held_it_and_its_keyed_hash(store: RecordStore, database_url) -> None:
    row = store.run(lambda s: s.query(CallRecordRow).filter_by(call_id="1733122800.7").one())
    assert row.caller_digest == caller_digest(KEY, "13800130007") and "13800130007" not in row.caller_digest
    assert caller_digest(caller_key(b"j" * 32), "13800130007") != row.caller_digest  # keyed
    assert caller_digest(KEY, "") == "" and caller_digest(KEY, "anonymous") == ""
    assert caller_digest(KEY, "١٣٨") == ""  # digits of other scripts are not a phone number


def test_cursor_pages_neither_repeat_nor_skip_and_a_total_counts_them(store: RecordStore) -> None:
    seen: list[str] = []
    query = CallQuery(limit=7)
    while True:
        page = store.run(lambda s, q=query: history.search_calls(s, q))
        seen += ids(page)
        if page.next_cursor is None:
            break
        query = CallQuery(limit=7, after=decode_cursor(page.next_cursor))
    assert len(seen) == len(set(seen)) == 40
    assert seen == search(store)  # the same order as one big page
    assert store.run(lambda s: history.count_calls(s, CallQuery(outcome=OutcomeFilter.ANSWERED))) == 37


@pytest.mark.parametrize("bad", ["", "x", "12_", "_3", "1.5_3", "-1_3", "12345678901234567_1", "1_2_3"])
def test_a_cursor_not_of_the_documented_pattern_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_cursor(bad)
    assert decode_cursor(encode_cursor(T0 + timedelta(microseconds=7), 12)) == (T0 + timedelta(microseconds=7), 12)
    assert decode_cursor("9999999999999999_1")[0].year == 2286  # any string of the pattern is a position


def test_queries_that_make_no_sense_are_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        CallQuery(since=datetime(2026, 12, 2, 15))
    with pytest.raises(ValueError, match="limit"):
        CallQuery(limit=0)


async def test_timelines_are_written_in_batches_and_read_back_in_order(store: RecordStore) -> None:
    writer = TimelineWriter(store, interval=60)  # only an explicit flush writes
    for n, kind in enumerate(["HotlineMenu", "QueueCallerJoin", "AgentCalled", "AgentConnect"]):
        writer.add("1733122800.7", {"type": kind, "time": T0.timestamp() + n, "call_id": "1733122800.7", "n": n})
    assert store.run(lambda s: history.events_of(s, "1733122800.7")) == []
    await writer.close()
    events = store.run(lambda s: history.events_of(s, "1733122800.7"))
    assert [(e.kind, e.data["n"], e.at) for e in events] == [
        ("HotlineMenu", 0, T0), ("QueueCallerJoin", 1, T0 + timedelta(seconds=1)),
        ("AgentCalled", 2, T0 + timedelta(seconds=2)), ("AgentConnect", 3, T0 + timedelta(seconds=3))]


def test_ivrctl_calls_search_and_show(store: RecordStore, database_url: str, tmp_path) -> None:
    key_hex = secrets.token_hex(32)  # the CLI derives the caller key from the ID-number key
    cli_store = RecordStore.from_url(database_url, caller_key=caller_key(bytes.fromhex(key_hex)))
    cli_store.run(lambda s: db.save_record(s, record(50, caller_number="13912345678", dialect="zhuang")))
    cli_store.close()
    env = {"HOTLINE_ID_HASH_KEY": key_hex, "HOTLINE_VAR_DIR": str(tmp_path)}
    runner = CliRunner(env=env)

    def ivrctl_calls(*args: str):
        return runner.invoke(main, ["calls", *args])

    found = ivrctl_calls(*["search", "--url", database_url, "--caller", "13912345678", "--json"])
    assert found.exit_code == 0, found.output
    page = json.loads(found.stdout)
    assert [c["call_id"] for c in page["items"]] == ["1733122800.50"]
    assert page["items"][0]["caller"] == "*******5678" and "13912345678" not in found.stdout
    table = ivrctl_calls(*["search", "--url", database_url, "--dialect", "mandarin", "--limit", "5",
                                  "--from", "2026-12-02T15:00:00+08:00", "--min-wait", "3"])
    assert table.exit_code == 0 and "more: --cursor" in table.stdout and "1733122800.39" in table.stdout
    shown = ivrctl_calls(*["show", "--url", database_url, "1733122800.7", "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert (detail["agent"], detail["rating"], detail["menus"], detail["outcome"]) == (
        "1003", 2, ["language", "main"], "answered")
    text = ivrctl_calls(*["show", "--url", database_url, "1733122800.7"])
    assert "language > main" in text.stdout and "1200.0" in text.stdout
    missing = ivrctl_calls(*["show", "--url", database_url, "nope"])
    assert missing.exit_code == 1 and "no call 'nope'" in missing.output and "Traceback" not in missing.output
    bad = ivrctl_calls(*["search", "--url", database_url, "--from", "yesterday"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output
