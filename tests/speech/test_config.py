"""The speech section of the hotline configuration: typed, validated with the rest, optional."""
from __future__ import annotations

from pathlib import Path

import yaml

from ivr.menu import parse_config, validate

DEMO = (Path(__file__).resolve().parents[2] / "config" / "hotline.yaml").read_text(encoding="utf-8")


def _with_speech(**changes) -> str:
    data = yaml.safe_load(DEMO)
    data["speech"].update(changes)
    return yaml.safe_dump(data, allow_unicode=True)


def codes(text: str) -> set[str]:
    return {issue.code for issue in validate(parse_config(text))}


def test_the_demo_speech_section_is_valid_and_names_every_business_target():
    config = parse_config(DEMO)
    assert validate(config) == []
    speech = config.speech
    targets = {i.action.goto or i.action.self_service or "agent" for i in speech.intents.values()}
    assert {"agent", "balance", "card_loss", "unemployment", "pension", "medical"} <= targets
    assert speech.listens_in("main") is speech.enabled


def test_a_config_without_speech_is_still_valid():
    data = yaml.safe_load(DEMO)
    del data["speech"]
    config = parse_config(yaml.safe_dump(data, allow_unicode=True))
    assert config.speech is None and validate(config) == []


def test_dangling_targets_and_bad_values_are_reported_with_their_line():
    data = yaml.safe_load(DEMO)
    data["speech"]["menus"] = ["main", "nowhere", "welcome"]
    data["speech"]["accept"] = 0.3
    data["speech"]["intents"]["agent"]["action"] = {"goto": "nowhere"}
    data["speech"]["intents"]["card_loss"]["business"] = "lottery"
    data["speech"]["intents"]["Bad-Name"] = {"action": {"agent": True}}
    issues = validate(parse_config(yaml.safe_dump(data, allow_unicode=True)))
    found = {(i.code, i.key_path) for i in issues}
    assert ("dangling-target", "speech.menus.1") in found
    assert ("invalid-value", "speech.menus.2") in found  # an announcement does not listen
    assert ("out-of-range", "speech.accept") in found
    assert ("dangling-target", "speech.intents.agent.action.goto") in found
    assert ("dangling-target", "speech.intents.card_loss.business") in found
    assert ("bad-name", "speech.intents.Bad-Name") in found
    assert ("invalid-value", "speech.intents.Bad-Name") in found  # neither phrases nor keywords


def test_misspelt_fields_are_refused():
    from ivr.menu import ConfigError
    try:
        parse_config(_with_speech(listen_secs=5))
    except ConfigError as error:
        assert any(i.code == "unknown-field" and "listen_s" in i.hint for i in error.issues)
    else:
        raise AssertionError("listen_secs was accepted")


def test_out_of_range_listening_and_keys():
    assert "out-of-range" in codes(_with_speech(listen_s=60))
    assert "bad-key" in codes(_with_speech(confirm_key="12"))


def test_the_recognition_budget_is_configurable_within_bounds():
    assert parse_config(_with_speech(decode_timeout_s=5)).speech.decode_timeout_s == 5
    assert "out-of-range" in codes(_with_speech(decode_timeout_s=0))
    assert "out-of-range" in codes(_with_speech(decode_timeout_s=120))
