"""The service's view of the hours files: a change is picked up, a broken file is not."""

from __future__ import annotations

import os

import yaml

from hotline.hours.source import HoursFile

from .support import HOLIDAY_THURSDAY_NOON, HOURS, NOTICE


def bump(path, seconds: int) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + seconds))


def test_an_edited_calendar_is_used_and_a_broken_one_is_not(tmp_path):
    (tmp_path / "calendar").mkdir()
    notice = tmp_path / "calendar" / "2026.yaml"
    notice.write_text(yaml.safe_dump(NOTICE))
    (tmp_path / "hours.yaml").write_text(yaml.safe_dump(HOURS))
    hours = HoursFile(tmp_path / "hours.yaml")
    assert not hours().status(HOLIDAY_THURSDAY_NOON, "mandarin").open

    notice.write_text(yaml.safe_dump({**NOTICE, "holidays": []}))  # ops withdraw National Day
    bump(notice, 10)
    assert hours().status(HOLIDAY_THURSDAY_NOON, "mandarin").open

    notice.write_text("year: 2026\nholidays: [{name: X, from: 2026-10-01}]\n")  # no `to`
    bump(notice, 20)
    assert hours().status(HOLIDAY_THURSDAY_NOON, "mandarin").open  # the last good calendar
