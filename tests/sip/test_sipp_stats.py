"""SIPp's stat file read back: the counts the SIP bench reports as calls completed."""

from __future__ import annotations

from pathlib import Path

from ivr.sipp.process import SippStats, parse_stats

DATA = Path(__file__).parent / "data"


def test_the_last_row_of_a_real_stat_file_gives_the_cumulative_counts() -> None:
    # captured from a bench caller (python -m bench sip, 10 calls): the dumps every 5 s and
    # SIPp's last at its end; only the cumulative (C) columns count
    text = (DATA / "sipp-stats-bench-caller.csv").read_text()
    assert parse_stats(text) == SippStats(created=10, successful=10, failed=0)


def test_a_run_whose_calls_all_failed_counts_none_completed() -> None:
    # captured from SIPp's built-in uac calling a port nobody answers (each call timed out)
    text = (DATA / "sipp-stats-all-failed.csv").read_text()
    assert parse_stats(text) == SippStats(created=3, successful=0, failed=3)


def test_a_last_row_cut_short_by_a_killed_sipp_falls_back_to_the_row_before() -> None:
    text = (DATA / "sipp-stats-bench-caller.csv").read_text().rstrip("\n")
    cut = text + "\n" + text.splitlines()[-1][:40]
    assert parse_stats(cut) == SippStats(created=10, successful=10, failed=0)


def test_no_rows_or_no_such_columns_is_none() -> None:
    header = (DATA / "sipp-stats-bench-caller.csv").read_text().splitlines()[0]
    assert parse_stats("") is None
    assert parse_stats(header + "\n") is None
    assert parse_stats("StartTime;CurrentTime\n1;2\n") is None
