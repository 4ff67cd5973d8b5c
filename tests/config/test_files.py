"""Every configuration file refuses a new ops engineer's realistic mistakes, each with its
file, line and key path, all of a site's problems at once, and the shipped config is clean."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline.config import load_site
from ivr.menu.issues import errors_only

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    shutil.copytree(CONFIG, tmp_path / "config")
    return tmp_path / "config"


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(directory: Path, name: str, needle: str) -> int:
    """The last line holding `needle` (a duplicate is the later of the two)."""
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    return [number for number, text in enumerate(lines, 1) if needle in text][-1]


def test_the_shipped_configuration_is_clean():
    site, issues = load_site(CONFIG)
    assert site is not None and not errors_only(issues)
    assert set(site.agents) == {"1001", "1002", "1003", "1004", "1005"}


# (file, old text, new text, the line holding this text afterwards, key path, words of the message)
MISTAKES = [
    ("hours.yaml", "  dialect:\n    name:", "  mandarin:\n    name:", "  mandarin:", "lines.mandarin", "appears twice"),
    ("hours.yaml", "dialects: [zhuang,", "dialects: [zhaung,", "dialects: [zhaung,", "lines.dialect.dialects.0", "did you mean 'zhuang'"),
    ("hours.yaml", "timezone: Asia/Shanghai", "timezone: Asia/Shangai", "timezone:", "timezone", "did you mean 'Asia/Shanghai'"),
    ("hours.yaml", "periods: [{open: \"08:30\"", "periods: [{opn: \"08:30\"", "periods: [{opn", "lines.mandarin.periods.0.opn", "did you mean 'open'"),
    ("calendar/2026.yaml", "\nworking_days:", "\nworking_day:", "working_day:", "working_day", "did you mean 'working_days'"),
    ("calendar/2026.yaml", "{date: 2026-01-04,", "{date: 2026-01-05,", "{date: 2026-01-05", "working_days.0", "is a Monday"),
    ("agents.yaml", "    proficiencies: {mandarin: 5, zhuang: 5,", "    proficiences: {mandarin: 5, zhuang: 5,", "proficiences", "agents.0.proficiences", "did you mean 'proficiencies'"),
    ("agents.yaml", "agents:", "agent:", "agent:", "agent", "did you mean 'agents'"),
    ("agents.yaml", "{mandarin: 5, zhuang: 5,", "{mandarin: five, zhuang: 5,", "mandarin: five", "agents.0.proficiencies.mandarin", "valid integer"),
    ("agents.yaml", "{mandarin: 5, zhuang: 5,", "{mandarin: 5, zhaung: 5,", "zhaung", "agents.0.proficiencies.zhaung", "did you mean 'zhuang'"),
    ("agents.yaml", "- id: \"1002\"", "- id: \"1001\"", "- id: \"1001\"", "agents.1.id", "used twice"),
    ("callbacks.yaml", "max_hold_s: 1200", "max_hold: 1200", "max_hold:", "max_hold", "did you mean 'max_hold_s'"),
    ("callbacks.yaml", "ring_s: 30", "ring_s: 30\nring_s: 45", "ring_s: 45", "ring_s", "appears twice"),
    ("callbacks.yaml", "max_attempts: 3", "max_attempts: three", "max_attempts:", "max_attempts", "valid integer"),
    ("hotline.yaml", '{after: 0, require: "mandarin>=3, {business}>=3"}', '{after: 0, require: "mandrin>=3, {business}>=3"}',
     "mandrin>=3", "routing.ladders.mandarin.0.require", "neither a dialect nor a business line"),
    ("hotline.yaml", "{after: 30, require: \"zhuang>=2\"}", "{after: 3O, require: \"zhuang>=2\"}", "after: 3O",
     "routing.ladders.zhuang.1.after", "valid number"),
    ("hotline.yaml", "  ss_card:          {name: \"社保卡 social-security card\"}",
     "  ss_card:          {name: \"社保卡 social-security card\"}\n  pensions:         {name: \"typo\"}", "pensions:", "business_lines.pensions", "does not know"),
]


@pytest.mark.parametrize(("name", "old", "new", "at", "key_path", "words"), MISTAKES,
                         ids=[f"{m[0]}:{m[4]}" for m in MISTAKES])
def test_a_mistake_is_refused_with_its_file_line_and_key_path(site_dir, name, old, new, at, key_path, words):
    edit(site_dir, name, old, new)
    site, issues = load_site(site_dir)
    assert site is None
    errors = errors_only(issues)
    assert any(issue.file.endswith(name) and issue.key_path == key_path and words in str(issue) for issue in errors), \
        "\n".join(map(str, issues))
    issue = next(i for i in errors if i.file.endswith(name) and i.key_path == key_path)
    assert issue.line == line_of(site_dir, name, at)
    assert str(issue).startswith(f"{site_dir / name}:{issue.line}: {key_path}: ") and ". Fix: " in str(issue)


def test_a_missing_file_is_named(site_dir):
    (site_dir / "agents.yaml").unlink()
    site, issues = load_site(site_dir)
    assert site is None
    assert [str(i) for i in issues if i.code == "missing-file"] == [
        f"{site_dir / 'agents.yaml'}: (top level): the file does not exist. Fix: create it (the demo config/ has one of each) or fix the path"]


def test_every_file_s_problems_come_at_once(site_dir):
    edit(site_dir, "agents.yaml", "agents:", "agent:")
    edit(site_dir, "callbacks.yaml", "max_hold_s: 1200", "max_hold: 1200")
    edit(site_dir, "hours.yaml", "timezone: Asia/Shanghai", "timezone: Mars/Olympus")
    edit(site_dir, "calendar/2026.yaml", "\nworking_days:", "\nworking_day:")
    _, issues = load_site(site_dir)
    files = {Path(issue.file).name for issue in errors_only(issues)}
    assert files >= {"agents.yaml", "callbacks.yaml", "hours.yaml", "2026.yaml"}


def test_every_line_a_caller_can_be_queued_for_needs_a_ladder(site_dir):
    """Today's defect: a new line passed the check and failed at run time ("no ladder"). A new
    business line gets its ladders from the per-dialect ones; a new dialect needs its own."""
    edit(site_dir, "hotline.yaml", "  hakka:     {name: \"客家话 Hakka\", language: zh_hak}\n",
         "  hakka:     {name: \"客家话 Hakka\", language: zh_hak}\n  yao:       {name: \"瑶语 Yao\", language: zh}\n")
    edit(site_dir, "hotline.yaml", "  dialects: [mandarin, zhuang, cantonese, guiliu, hakka]", "  dialects: [mandarin, zhuang, cantonese, guiliu, hakka, yao]")
    edit(site_dir, "hours.yaml", "dialects: [zhuang, cantonese, guiliu, hakka]", "dialects: [zhuang, cantonese, guiliu, hakka, yao]")
    site, issues = load_site(site_dir)
    assert site is None
    missing = [i for i in errors_only(issues) if i.code == "no-ladder"]
    assert missing and all("yao/" in str(i) for i in missing), "\n".join(map(str, issues))
    assert str(missing[0]).startswith(f"{site_dir / 'hotline.yaml'}:")


def test_a_step_no_rostered_agent_meets_is_a_warning_only():
    site, issues = load_site(CONFIG)
    assert site is not None
    warnings = [i for i in issues if i.code == "unmeetable-step"]
    assert warnings and all(i.severity == "warning" for i in warnings)
    assert any("zhuang" in str(i) and "work_injury" in str(i) for i in warnings)


def test_the_shipped_routing_policy_is_guangxi_s():
    """hotline.yaml's routing: section is the policy the service runs; routing.guangxi keeps the
    same ladders for the router's own tests and benches: they must not drift apart."""
    from hotline.config.policy import router_config
    from ivr.menu import load_config
    from routing.guangxi import default_config

    shipped, guangxi = router_config(load_config(CONFIG / "hotline.yaml")), default_config()
    assert dict(shipped.ladders) == dict(guangxi.ladders)
    assert dict(shipped.wrap_up_seconds) == dict(guangxi.wrap_up_seconds)
    assert (shipped.dialects, shipped.business_lines) == (guangxi.dialects, guangxi.business_lines)
