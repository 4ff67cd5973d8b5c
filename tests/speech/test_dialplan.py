"""The speech hook in the rendered dialplan: only listening menus change, and only between
their prompt and WaitExten; every intent has an extension doing what a key would."""
from __future__ import annotations

import yaml

from ivr.dialplan import config_version, extension_steps, names, render_dialplan
from ivr.menu import parse_config
from ivr.speech import dialplan as speech
from tests.speech.support import DEMO


def configs():
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    off = parse_config(yaml.safe_dump(data, allow_unicode=True))
    data["speech"]["enabled"] = True
    on = parse_config(yaml.safe_dump(data, allow_unicode=True))
    return off, on


def body(config) -> str:
    return render_dialplan(config)[names.version_file(config_version(config))]


def test_a_listening_menu_runs_the_speech_step_between_prompt_and_waitexten():
    _, on = configs()
    v = config_version(on)
    steps = extension_steps(body(on), names.menu_context(v, "main"), "s")
    prompt = steps.index("Background(menu_main)")
    assert steps[prompt + 1] == 'GotoIf($["${HOTLINE_SPEECH}" != "on"]?keys)'
    assert steps[-1] == "WaitExten(6)"
    agi = next(step for step in steps if step.startswith("AGI("))
    assert agi == "AGI(${HOTLINE_AGI}/speech,main,${HOTLINE_CALL_ID})"
    assert 'GotoIf($["${HOTLINE_SPEECH_RESULT}" = "silence"]?t,1)' in steps
    # other menus are the keypad menus they were
    pension = extension_steps(body(on), names.menu_context(v, "pension"), "s")
    assert pension[-2:] == ["Background(menu_pension)", "WaitExten(5)"]


def test_with_speech_disabled_no_menu_listens():
    off, _ = configs()
    text = body(off)
    assert "AGI(${HOTLINE_AGI}/speech" not in text and "speech-" not in text.replace("to-agent,speech", "")
    steps = extension_steps(text, names.menu_context(config_version(off), "main"), "s")
    assert steps[-2:] == ["Background(menu_main)", "WaitExten(6)"]


def test_each_intent_does_what_a_key_with_its_action_does():
    _, on = configs()
    v, text = config_version(on), body(on)
    main = names.menu_context(v, "main")
    assert extension_steps(text, main, speech.intent_extension("unemployment")) == [f"Goto({names.menu_context(v, 'unemployment')},s,1)"]
    assert extension_steps(text, main, speech.intent_extension("agent")) == [f"Goto({names.to_agent_context(v)},speech,1)"]
    card_loss = extension_steps(text, main, speech.intent_extension("card_loss"))
    assert card_loss[:2] == ["Set(__HOTLINE_BUSINESS=ss_card)", f"Gosub({names.flow_context(v, 'card_loss')},s,1)"]
    assert extension_steps(text, names.to_agent_context(v), "speech")[0] == "Set(HOTLINE_AGENT_REASON=speech)"
