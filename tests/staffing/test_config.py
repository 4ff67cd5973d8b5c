"""config/staffing.yaml is read like hotline.yaml: every problem one line, file:line: key.path."""

from __future__ import annotations

import shutil

import pytest

from hotline.config import load_site
from hotline.staffing.config import DEFAULT_STAFFING_PATH, load_staffing, parse_staffing
from hotline.staffing.erlang import Target
from ivr.menu.issues import ConfigError


def test_the_demo_file_loads() -> None:
    config = load_staffing(DEFAULT_STAFFING_PATH)
    assert config.target("dialect") == Target(0.80, 20) and config.target("nowhere") == Target(0.80, 20)
    assert 0 <= config.shrinkage < 1 and config.interval_minutes in (15, 30)


def test_every_problem_is_named_by_file_line_and_key(tmp_path) -> None:
    path = tmp_path / "staffing.yaml"
    path.write_text("interval_minutes: 20\nshrinkage: 1.5\ntargets:\n  dialect: {level: 2, within_s: 20}\nshrink: 1\n")
    with pytest.raises(ConfigError) as error:
        load_staffing(path)
    lines = str(error.value).splitlines()[1:]
    assert {line.split(": ")[0].strip() + ": " + line.split(": ")[1] for line in lines} == {
        f"{path}:1: interval_minutes", f"{path}:2: shrinkage", f"{path}:4: targets.dialect.level", f"{path}:5: shrink"}


@pytest.mark.parametrize("text", ["- a list\n", "a: [\n", "x: " + "y" * 2_000_000])
def test_a_file_that_is_not_a_plan_is_refused(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_staffing(text, "s.yaml")


def test_an_unreadable_file_is_refused_without_a_traceback(tmp_path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_staffing(tmp_path / "missing.yaml")


def test_ivrctl_config_check_reads_the_staffing_file_with_the_others(tmp_path) -> None:
    site_dir = tmp_path / "config"
    shutil.copytree(DEFAULT_STAFFING_PATH.parent, site_dir)
    site, issues = load_site(site_dir)
    assert site is not None and site.staffing == load_staffing(DEFAULT_STAFFING_PATH)
    (site_dir / "staffing.yaml").write_text("shrinkage: 3\n")
    site, issues = load_site(site_dir)
    assert site is None
    assert any(str(issue).startswith(f"{site_dir / 'staffing.yaml'}:1: shrinkage:") for issue in issues)
