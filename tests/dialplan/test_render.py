"""The rendered dialplan: deterministic, marked generated, and shaped as the config says."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivr.dialplan import config_version, dialplan_outline, extension_steps, render_dialplan
from ivr.dialplan import names
from ivr.menu import ConfigError, load_config
from ivr.menu.graph import back_target
from tests.dialplan.jumps import jump_targets, steps_by_place
from tests.menu.samples import SMALL, edit, write_config

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "hotline.yaml"
GENERATED_DIR = REPO / "dialplans" / "generated"
HAND_WRITTEN = sorted((REPO / "dialplans").glob("*.conf"))


@pytest.fixture(params=["small", "demo"])
def config(request, tmp_path):
    return load_config(DEMO) if request.param == "demo" else load_config(write_config(tmp_path, SMALL))


def text_of(config) -> str:
    """Both rendered files, entry first: the structure tests look across them."""
    files = render_dialplan(config)
    assert list(files) == [names.ENTRY_FILE, names.version_file(config_version(config))]
    return "\n".join(files.values())


def test_same_input_gives_byte_identical_output(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    relative = load_config("config/hotline.yaml")
    copy = write_config(tmp_path, DEMO.read_text(encoding="utf-8"))
    assert text_of(load_config(DEMO)) == text_of(relative) == text_of(load_config(copy))


def test_committed_generated_files_are_up_to_date():
    committed = {path.name: path.read_text(encoding="utf-8") for path in GENERATED_DIR.glob("*.conf")}
    assert committed == render_dialplan(load_config(DEMO)), (
        "dialplans/generated is stale: run `ivrctl dialplan check --out dialplans/generated`"
    )


def test_version_contexts_are_apart_from_the_entry(tmp_path):
    old = load_config(write_config(tmp_path, SMALL))
    new = load_config(write_config(tmp_path, edit(SMALL, '"1": {goto: pension}', '"1": {goto: ss_card}\n      "3": {goto: pension}'), "new.yaml"))
    old_files, new_files = render_dialplan(old), render_dialplan(new)
    old_body = old_files[names.version_file(config_version(old))]
    new_body = new_files[names.version_file(config_version(new))]
    # Both versions can be loaded at once: no context name in common, one entry.
    assert not set(dialplan_outline(old_body)) & set(dialplan_outline(new_body))
    assert list(dialplan_outline(new_files[names.ENTRY_FILE])) == [names.ENTRY_CONTEXT]
    assert all(c.startswith(names.version_prefix(config_version(new))) for c in dialplan_outline(new_body))
    assert extension_steps(new_files[names.ENTRY_FILE], names.ENTRY_CONTEXT, "s")[-1] == f"Goto({names.menu_context(config_version(new), 'welcome')},s,1)"


def test_header_marks_the_file_generated_with_its_version(tmp_path):
    config = load_config(write_config(tmp_path, SMALL))
    text = text_of(config)
    header = text.split("\n\n", 1)[0]
    assert "GENERATED FILE - DO NOT EDIT" in header
    assert f"Config version: {config_version(config)}" in header
    changed = load_config(write_config(tmp_path, edit(SMALL, "  timeout_s: 5", "  timeout_s: 7"), "changed.yaml"))
    assert config_version(changed) != config_version(config)
    assert f"__{names.CONFIG_VERSION}={config_version(changed)}" in text_of(changed)


def test_every_menu_has_its_context_and_extensions(config):
    v = config_version(config)
    outline = dialplan_outline(text_of(config))
    keys = config.global_keys
    for menu_id, menu in config.menus.items():
        context = names.menu_context(v, menu_id)
        expected = ["s"] if menu.is_announcement else ["s", *menu.keys, keys.agent, keys.back, keys.repeat, "i", "t"]
        assert outline[context] == expected
    assert outline[names.ENTRY_CONTEXT] == ["s", *config.entry.numbers]
    assert outline[names.to_agent_context(v)] == [*names.AGENT_REASONS, "route"]


def test_every_key_leads_where_the_config_says(config):
    v = config_version(config)
    text = text_of(config)
    for menu_id, menu in config.menus.items():
        context = names.menu_context(v, menu_id)
        for key, action in menu.keys.items():
            steps = extension_steps(text, context, key)
            assert steps[0].startswith(f"UserEvent({names.EVENT_KEY},") and f"Key: {key}," in steps[0]
            if action.goto:
                assert steps[-1] == f"Goto({names.menu_context(v, action.goto)},s,1)"
            elif action.self_service:
                assert f"Gosub({names.flow_context(v, action.self_service)},s,1)" in steps
                assert steps[-1] == f"Goto({names.to_agent_context(v)},flow-failed,1)"
            else:
                assert steps[-1] == f"Goto({names.to_agent_context(v)},key,1)"
            if action.dialect:
                language = config.dialects[action.dialect].language
                assert steps[1:3] == [f"Set(__{names.DIALECT}={action.dialect})", f"Set(CHANNEL(language)={language})"]
        if not menu.is_announcement:
            back = back_target(config, menu_id)
            assert extension_steps(text, context, config.global_keys.back)[-1] == (f"Goto({names.menu_context(v, back)},s,1)" if back else "Goto(s,prompt)")
            assert extension_steps(text, context, config.global_keys.agent)[-1] == f"Goto({names.to_agent_context(v)},key,1)"


def test_retry_limit_leads_to_the_agent_route(config):
    v = config_version(config)
    text = text_of(config)
    for menu_id, menu in config.menus.items():
        if menu.is_announcement:
            continue
        limit = f"GotoIf($[${{{names.TRIES}}} > {config.retries_of(menu)}]?{names.to_agent_context(v)},retries,1)"
        invalid = extension_steps(text, names.menu_context(v, menu_id), "i")
        assert invalid[2] == limit and invalid[-2:] == [f"Background({config.defaults.invalid_key_prompt})", "Goto(s,prompt)"]
        silence = extension_steps(text, names.menu_context(v, menu_id), "t")
        if menu.on_timeout is None:  # silence has its own count, and the caller is told
            replays = config.silence_replays_of(menu)
            assert silence[1] == f"GotoIf($[${{{names.SILENCES}}} > {replays}]?to_agent)"
            assert silence[3:5] == [f"Background({config.defaults.no_input_prompt})", "Goto(s,prompt)"]
            assert silence[-2:] == [f"Playback({config.defaults.silence_to_agent_prompt})",
                                    f"Goto({names.to_agent_context(v)},timeout,1)"]
        prompt = extension_steps(text, names.menu_context(v, menu_id), "s")[-2:]
        assert prompt == [f"Background({menu.prompt})", f"WaitExten({config.timeout_of(menu)})"]


def test_small_config_retry_counts_are_per_menu(tmp_path):
    config = load_config(write_config(tmp_path, SMALL))
    text, v = text_of(config), config_version(config)
    assert "$[${HOTLINE_TRIES} > 1]" in extension_steps(text, f"hotline-v{v}-menu-ss_card", "i")[2]
    assert "$[${HOTLINE_TRIES} > 2]" in extension_steps(text, f"hotline-v{v}-menu-pension", "i")[2]
    assert "$[${HOTLINE_SILENCES} > 1]" in extension_steps(text, f"hotline-v{v}-menu-pension", "t")[1]


def test_every_jump_lands_on_something_that_exists(config):
    text = text_of(config)
    places = steps_by_place(text)
    for path in HAND_WRITTEN:
        places += steps_by_place(path.read_text(encoding="utf-8"))
    priorities = {(c, e, "1") for c, e, _, _ in places} | {(c, e, label) for c, e, label, _ in places if label}
    jumps = [(target, step) for c, e, _, step in places for target in jump_targets(step, c, e)]
    assert len(jumps) > 50
    for target, step in jumps:
        assert target in priorities, f"{step} jumps to missing {target}"


def test_agent_route_calls_hours_then_the_hand_written_agent_context(config):
    v = config_version(config)
    route = extension_steps(text_of(config), names.to_agent_context(v), "route")
    args = "(${HOTLINE_DIALECT},${HOTLINE_BUSINESS})"
    assert route[1:] == [f"Gosub({names.HOURS_CONTEXT},s,1{args})", f"Gosub({names.AGENT_CONTEXT},s,1{args})", "Hangup()"]


def test_entry_sets_language_line_and_call_id(config):
    v = config_version(config)
    entry = extension_steps(text_of(config), names.ENTRY_CONTEXT, "s")
    language = config.dialects[config.default_dialect].language
    assert f"Set(CHANNEL(language)={language})" in entry
    assert f"Set(__{names.DIALECT}={config.default_dialect})" in entry
    assert any("Set(__HOTLINE_CALL_ID=${UNIQUEID})" in step for step in entry)
    assert entry[-1] == f"Goto({names.menu_context(v, config.entry.start)},s,1)"


def test_events_carry_the_call_id_and_no_caller_data(config):
    text = text_of(config)
    events = re.findall(r"UserEvent\(([^,]+),([^)]*)", text)
    assert {name for name, _ in events} >= {
        names.EVENT_CALL_START, names.EVENT_MENU, names.EVENT_KEY, names.EVENT_INVALID_KEY,
        names.EVENT_TIMEOUT, names.EVENT_SELF_SERVICE, names.EVENT_TO_AGENT, names.EVENT_CALL_END,
    }
    assert all(body.startswith("CallID: ${HOTLINE_CALL_ID}") for _, body in events)
    assert "CALLERID" not in text.upper() and "CONNECTEDLINE" not in text.upper()
    assert "${INVALID_EXTEN:0:1}" in text and "${INVALID_EXTEN}" not in text


def test_no_macro_and_agi_through_the_global(config):
    v = config_version(config)
    text = text_of(config)
    assert "Macro(" not in text
    for flow_id, flow in config.self_service.items():
        steps = extension_steps(text, names.flow_context(v, flow_id), "s")
        assert f"AGI(${{{names.AGI_BASE}}}/{flow.agi},${{HOTLINE_DIALECT}},${{HOTLINE_BUSINESS}},${{HOTLINE_CALL_ID}})" in steps
        assert 'GotoIf($["${AGISTATUS}" != "SUCCESS"]?failed)' in steps


def test_broken_config_is_not_rendered(tmp_path):
    config = load_config(write_config(tmp_path, edit(SMALL, '"2": {goto: ss_card}', '"2": {goto: nowhere}')))
    with pytest.raises(ConfigError) as refused:
        render_dialplan(config)
    assert {issue.code for issue in refused.value.issues} == {"dangling-target", "unreachable"}  # ss_card is cut off


def test_free_text_cannot_escape_a_comment(tmp_path):
    config = load_config(write_config(tmp_path, SMALL))
    sneaky = config.model_copy(update={"name": "x\nexten => s,1,Hangup()"})
    with pytest.raises(ConfigError):
        render_dialplan(sneaky)
