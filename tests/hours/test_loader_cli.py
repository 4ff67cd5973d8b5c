"""Reading the hours and calendar files, the refusals, and `ivrctl calendar check`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hotline.hours.cli import calendar
from hotline.hours.loader import HoursConfigError, load_hours
from hotline.settings import Settings
from tests.support.site import CONFIG_DIR

from .support import HOURS, NOTICE

DEFAULT_HOURS_PATH = CONFIG_DIR / "hours.yaml"


def write_config(tmp_path: Path, notice: dict, hours: dict = HOURS) -> Path:
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / f"{notice['year']}.yaml").write_text(yaml.safe_dump(notice))
    path = tmp_path / "hours.yaml"
    path.write_text(yaml.safe_dump(hours))
    return path


def test_the_shipped_files_load():
    hours = load_hours(DEFAULT_HOURS_PATH)
    notice = hours.calendar.notices[2026]
    assert {h.name for h in notice.holidays} >= {"Spring Festival", "National Day"}
    assert all(w.day.weekday() >= 5 for w in notice.working_days)
    assert set(hours.lines) == {"mandarin", "dialect"}
    dialects = {d for line in hours.lines.values() for d in line.dialects}
    assert dialects == {"mandarin", "zhuang", "cantonese", "guiliu", "hakka"}


@pytest.mark.parametrize(("change", "message"), [
    ({"working_days": [{"date": "2026-09-28", "for": "National Day"}]}, "2026-09-28 is a Monday"),
    ({"holidays": [{"name": "A", "from": "2026-10-01", "to": "2026-10-02"},
                   {"name": "B", "from": "2026-10-02", "to": "2026-10-03"}]}, "2026-10-02 is in both A and B"),
    ({"holidays": [{"name": "A", "from": "2026-10-03", "to": "2026-10-01"}]}, "ends"),
    ({"holidays": [{"name": "A", "from": "2026-13-01", "to": "2026-10-01"}]}, "holidays.0.from: input should be a valid date"),
    ({"working_days": [{"date": "2026-10-03", "for": "National Day"}]}, "both a holiday"),
])
def test_a_wrong_notice_is_refused_naming_the_file(tmp_path, change, message):
    path = write_config(tmp_path, {**NOTICE, **change})
    with pytest.raises(HoursConfigError, match=message) as refused:
        load_hours(path)
    assert "2026.yaml" in str(refused.value)


def test_overlapping_periods_are_refused(tmp_path):
    hours = {**HOURS, "lines": {"mandarin": {"dialects": ["mandarin"], "periods": [
        {"open": "08:30", "close": "12:00"}, {"open": "11:00", "close": "18:00"}]}}}
    with pytest.raises(HoursConfigError, match="overlap"):
        load_hours(write_config(tmp_path, NOTICE, hours))


def run(*args: str):
    return CliRunner().invoke(calendar, list(args), obj=Settings.from_env({}))


def test_check_says_open_or_closed_and_why(tmp_path):
    path = str(write_config(tmp_path, NOTICE))
    closed = run("check", "2026-10-01", "--hours", path)
    assert closed.exit_code == 1
    assert closed.stdout == "2026-10-01 is a public holiday (National Day): mandarin line closed all day\n"
    sunday = run("check", "2026-09-27", "--line", "dialect", "--hours", path)
    assert sunday.exit_code == 0
    assert sunday.output.startswith("2026-09-27 is an adjusted working Sunday (in exchange for National Day): "
                                    "dialect line open 09:00-12:00, 14:30-17:30")
    lunch = run("check", "2026-11-23", "--line", "zhuang", "--at", "12:30", "--hours", path)
    assert lunch.exit_code == 1 and "at 12:30 closed (between periods)" in lunch.output


def test_check_says_when_the_calendar_is_missing_and_refuses_bad_input():
    missing = run("check", "2031-03-03")  # a Monday in a year without a notice
    assert missing.exit_code == 0 and "no holiday calendar loaded for 2031" in missing.stdout
    assert "warning: calendar missing for 2031" in missing.stderr
    bad = run("check", "2026-02-30")
    assert bad.exit_code == 2 and "day is out of range" in bad.output
    unknown = run("check", "2026-10-01", "--line", "uyghur")
    assert unknown.exit_code == 2 and "no line serves 'uyghur'" in unknown.output
