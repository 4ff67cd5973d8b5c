"""Each kind of broken configuration is refused with file, line, key path and a fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.menu import ConfigError, Issue, check_config, load_catalog, load_config, validate
from tests.menu.samples import SMALL, VOCABULARY_PROMPTS, edit, line_of, write_catalog, write_config


def problems(tmp_path: Path, text: str, catalog_ids: list[str] | None = None) -> list[Issue]:
    path = write_config(tmp_path, text)
    catalog = write_catalog(tmp_path, catalog_ids) if catalog_ids is not None else write_catalog(tmp_path)
    config, issues = check_config(path, catalog)
    return issues


def only(issues: list[Issue], code: str) -> Issue:
    found = [issue for issue in issues if issue.code == code]
    assert len(found) == 1, f"expected one {code}, got {[str(i) for i in issues]}"
    return found[0]


def test_small_config_is_clean(tmp_path):
    assert problems(tmp_path, SMALL) == []


def test_yaml_syntax_error_names_the_line(tmp_path):
    text = edit(SMALL, '      "2": {goto: ss_card}', '      "2": {goto: ss_card  # oops')
    issue = only(problems(tmp_path, text), "yaml-syntax")
    assert issue.file == str(tmp_path / "hotline.yaml")
    assert issue.line == line_of(text, "# oops") + 1  # the parser notices at the next line
    assert "YAML syntax error" in issue.message and "Fix:" in str(issue)


def test_unquoted_star_key_is_a_syntax_error_with_a_quoting_hint(tmp_path):
    text = edit(SMALL, '      "9": {agent: true}', "      *: {agent: true}")
    issue = only(problems(tmp_path, text), "yaml-syntax")
    assert issue.line == line_of(text, "*: {agent")
    assert "quoted" in issue.hint


def test_duplicate_key_in_a_menu(tmp_path):
    text = edit(SMALL, '      "2": {goto: ss_card}', '      "2": {goto: ss_card}\n      2: {goto: pension}  # dup')
    issue = only(problems(tmp_path, text), "duplicate-key")
    assert issue.line == line_of(text, "# dup")
    assert issue.key_path == "menus.main.keys.2"
    assert f"first at line {line_of(text, chr(34) + '2' + chr(34) + ': {goto: ss_card}')}" in issue.message


def test_dangling_goto(tmp_path):
    text = edit(SMALL, '"2": {goto: ss_card}', '"2": {goto: sscard}')
    issue = only(problems(tmp_path, text), "dangling-target")
    assert (issue.line, issue.key_path) == (line_of(text, "sscard"), "menus.main.keys.2.goto")
    assert "menu 'sscard' does not exist" in issue.message and "ss_card" in issue.hint


def test_dangling_self_service_and_dialect(tmp_path):
    text = edit(SMALL, "{self_service: balance}", "{self_service: balanse}")
    text = edit(text, '"2": {dialect: cantonese, goto: main}', '"2": {dialect: hakka, goto: main}')
    issues = [i for i in problems(tmp_path, text) if i.code == "dangling-target"]
    assert {(i.key_path, i.line) for i in issues} == {
        ("menus.pension.keys.1.self_service", line_of(text, "balanse")),
        ("menus.language.keys.2.dialect", line_of(text, "hakka")),
    }


def test_unreachable_menu(tmp_path):
    text = SMALL + "  orphan:  # lonely\n    title: orphan\n    prompt: menu_medical\n"
    issue = only(problems(tmp_path, text), "unreachable")
    assert (issue.line, issue.key_path) == (line_of(text, "# lonely"), "menus.orphan")


def test_silence_loop_a_caller_cannot_leave(tmp_path):
    # main's silence goes back to language, whose silence goes to main: a silent caller circles.
    text = edit(SMALL, '      "2": {goto: ss_card}', '      "2": {goto: ss_card}\n    on_timeout: {goto: language}')
    issue = only(problems(tmp_path, text), "silent-loop")
    assert issue.key_path == "menus.language" and issue.line == line_of(text, "  language:")
    assert "language -> main -> language" in issue.message


def test_announcement_pointing_at_itself_is_a_loop(tmp_path):
    text = edit(SMALL, "next: {goto: language}", "next: {goto: welcome}")
    issues = problems(tmp_path, text)
    assert only(issues, "silent-loop").key_path == "menus.welcome"


def test_prompt_missing_from_catalog(tmp_path):
    ids = [prompt for prompt in VOCABULARY_PROMPTS if prompt != "menu_ss_card"]
    issue = only(problems(tmp_path, SMALL, ids), "missing-prompt")
    assert (issue.line, issue.key_path) == (line_of(SMALL, "prompt: menu_ss_card"), "menus.ss_card.prompt")
    assert str(tmp_path / "catalog.yaml") in issue.message


def test_dialect_and_business_line_unknown_to_the_router(tmp_path):
    text = edit(SMALL, "dialects: [mandarin, cantonese]", "dialects: [mandarin]")
    text = edit(text, "business_lines: [pension, ss_card]", "business_lines: [pension]")
    issues = [i for i in problems(tmp_path, text) if i.code == "unknown-to-router"]
    assert {(i.key_path, i.line) for i in issues} == {
        ("dialects.cantonese", line_of(text, "cantonese: {name")),
        ("business_lines.ss_card", line_of(text, "ss_card: {name")),
    }
    assert all("routing." in i.hint for i in issues)


@pytest.mark.parametrize(("old", "new", "path"), [
    ("  timeout_s: 5", "  timeout_s: 0", "defaults.timeout_s"),
    ("  timeout_s: 5", "  timeout_s: 120", "defaults.timeout_s"),
    ("    retries: 1", "    retries: 9", "menus.ss_card.retries"),
])
def test_out_of_range_values(tmp_path, old, new, path):
    text = edit(SMALL, old, new)
    issue = only(problems(tmp_path, text), "out-of-range")
    assert (issue.key_path, issue.line) == (path, line_of(text, new.strip()))


def test_unknown_field_suggests_the_right_name(tmp_path):
    text = edit(SMALL, "    retries: 1", "    retires: 1")
    with pytest.raises(ConfigError) as refused:
        load_config(write_config(tmp_path, text))
    issue = only(refused.value.issues, "unknown-field")
    assert (issue.key_path, issue.line) == ("menus.ss_card.retires", line_of(text, "retires"))
    assert "did you mean 'retries'" in issue.hint


def test_key_with_two_targets_and_missing_prompt_field(tmp_path):
    text = edit(SMALL, '"9": {agent: true}', '"9": {agent: true, goto: main}')
    text = edit(text, "    prompt: menu_pension\n", "")
    with pytest.raises(ConfigError) as refused:
        load_config(write_config(tmp_path, text))
    two = only(refused.value.issues, "invalid-value")
    assert (two.key_path, two.line) == ("menus.ss_card.keys.9", line_of(text, '"9"'))
    missing = only(refused.value.issues, "missing-field")
    # A missing field has no line of its own: the issue points at the menu that lacks it.
    assert (missing.key_path, missing.line) == ("menus.pension.prompt", text.splitlines().index("  pension:") + 1)


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = edit(SMALL, '"2": {goto: ss_card}', '"2": {goto: nowhere}')
    text = edit(text, "  timeout_s: 5", "  timeout_s: 99")
    text = edit(text, "start: welcome", "start: welcome\n  numbers: ['12333']")
    codes = sorted(issue.code for issue in problems(tmp_path, text, ["welcome"]))
    # nowhere; timeout; ss_card now unreachable; 7 prompts other than welcome missing
    assert codes.count("dangling-target") == 1 and codes.count("out-of-range") == 1
    assert codes.count("unreachable") == 1 and codes.count("missing-prompt") == 7


def test_global_key_cannot_be_a_menu_key(tmp_path):
    text = edit(SMALL, '"9": {agent: true}', '"0": {agent: true}')
    issue = only(problems(tmp_path, text), "global-key-clash")
    assert issue.key_path == "menus.ss_card.keys.0" and "global agent key" in issue.message


def test_ambiguous_back_needs_an_explicit_back(tmp_path):
    text = edit(SMALL, '"1": {self_service: balance}', '"1": {self_service: balance}\n      "2": {goto: ss_card}')
    issue = only(problems(tmp_path, text), "ambiguous-back")
    assert issue.key_path == "menus.ss_card" and "back:" in issue.hint
    fixed = edit(text, "    retries: 1", "    retries: 1\n    back: main")
    assert problems(tmp_path, fixed) == []


def test_silence_cannot_start_self_service(tmp_path):
    text = edit(SMALL, "on_timeout: {dialect: mandarin, goto: main}", "on_timeout: {self_service: balance}")
    assert only(problems(tmp_path, text), "invalid-value").key_path == "menus.language.on_timeout.self_service"


def test_names_that_would_break_the_dialplan_are_refused(tmp_path):
    text = edit(SMALL, "card_loss: {agi: card_loss}", "card_loss: {agi: 'card_loss,evil'}")
    text = edit(text, "title: card", 'title: "card\\n[evil]"')
    codes = {issue.code for issue in problems(tmp_path, text)}
    assert {"bad-name", "multi-line"} <= codes


def test_missing_catalog_is_a_warning_not_an_error(tmp_path):
    path = write_config(tmp_path, SMALL)
    config, issues = check_config(path, tmp_path / "no-catalog.yaml")
    assert config is not None
    assert [(i.code, i.severity) for i in issues] == [("catalog-missing", "warning")]


@pytest.mark.parametrize("body", [
    "prompts:\n  - welcome\n  - {id: menu_main}\n",
    "welcome: {zh: x}\nmenu_main: {zh: y}\n",
])
def test_catalog_shapes(tmp_path, body):
    path = tmp_path / "catalog.yaml"
    path.write_text(body)
    assert load_catalog(path).ids == {"welcome", "menu_main"}


def test_validate_without_a_file_has_no_lines(tmp_path):
    config = load_config(write_config(tmp_path, SMALL))
    broken = config.model_copy(update={"default_dialect": "klingon"})
    issues = validate(broken)
    assert [i.code for i in issues] == ["dangling-target"]


def test_validate_reads_the_catalog_path_it_is_given(tmp_path):
    config = load_config(write_config(tmp_path, SMALL))
    catalog = write_catalog(tmp_path, [p for p in VOCABULARY_PROMPTS if p != "welcome"])
    assert [i.key_path for i in validate(config, str(catalog))] == ["menus.welcome.prompt"]
    assert [i.key_path for i in validate(config, load_catalog(catalog))] == ["menus.welcome.prompt"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("prompts: [welcome\n")
    assert [i.code for i in validate(config, broken)] == ["yaml-syntax"]


def test_unquoted_keys_and_numbers_are_read_as_text(tmp_path):
    text = edit(SMALL, '      "1": {goto: pension}', "      1: {goto: pension}")
    text = edit(text, "  start: welcome", "  start: welcome\n  numbers: [12333, 8012333]")
    config = load_config(write_config(tmp_path, text))
    assert list(config.menus["main"].keys) == ["1", "2"] and config.entry.numbers == ["12333", "8012333"]
