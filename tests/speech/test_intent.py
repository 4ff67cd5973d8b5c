"""Transcripts to menu targets with the demo grammar of config/hotline.yaml: phrases, variants,
recogniser word splits, filler, ambiguity and the confidence rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.menu import load_config
from ivr.speech.decision import Heard, decide, grammar_from_config
from ivr.speech.intent import Grammar, IntentRule, grammar_phrases, match, normalise

CONFIG = load_config(Path(__file__).resolve().parents[2] / "config" / "hotline.yaml")
SPEECH = CONFIG.speech
GRAMMAR = grammar_from_config(SPEECH)


def decided(text: str, confidence: float | None = None):
    return decide(Heard("speech", text, confidence), GRAMMAR, SPEECH.accept, SPEECH.confirm)


@pytest.mark.parametrize("said, intent", [
    ("查养老保险余额", "pension_balance"),
    ("社保卡丢了", "card_loss"),
    ("失业金怎么领", "unemployment"),
    ("转人工", "agent"),
    # the recogniser's word splits
    ("查 养老 保险 余额", "pension_balance"),
    ("失业 金 怎么 领", "unemployment"),
    # filler and politeness around the request
    ("嗯 我想 请问 一下 那个 社保卡 丢 了", "card_loss"),
    ("你好，我要转人工！", "agent"),
    ("呃，那个，失业金怎么领啊？", "unemployment"),
    # other ways of saying it
    ("我的卡不见了", "card_loss"),
    ("社保卡被偷了", "card_loss"),
    ("帮我转接人工客服", "agent"),
    ("养老金", "pension"),
    ("我想问一下工伤认定", "work_injury"),
    ("公司拖欠工资怎么办", "labour_relations"),
    ("我要查一下医保卡还有多少钱", "medical_balance"),
    ("社保卡办好了没有", "card_status"),
])
def test_what_callers_say_reaches_its_target(said, intent):
    decision = decided(said)
    assert (decision.outcome, decision.intent) == ("intent", intent)


def test_the_more_specific_reading_wins_over_the_words_inside_it():
    result = match("查养老保险余额", GRAMMAR)
    assert result.best.intent == "pension_balance"
    assert result.runner_up.intent == "pension" and not result.ambiguous  # 养老保险 lies inside it
    assert match("社保卡办好了吗", GRAMMAR).best.intent == "card_status"  # not the bare ss_card menu


def test_naming_two_businesses_is_ambiguous_and_goes_back_to_the_keypad():
    result = match("养老保险和医疗保险", GRAMMAR)
    assert result.ambiguous and {result.best.intent, result.runner_up.intent} == {"pension", "medical"}
    assert decided("养老保险和医疗保险").outcome == "keypad"
    assert decided("养老保险和医疗保险").reason == "ambiguous"


@pytest.mark.parametrize("said", ["今天天气不错", "嗯 啊 那个", "", "。。。", "hello"])
def test_unrelated_or_empty_speech_goes_back_to_the_keypad(said):
    assert decided(said).outcome == "keypad"


def test_half_a_keyword_set_is_not_enough():
    # "卡" alone names no action on the card; card_loss needs the loss words too
    said = decided("卡")
    assert (said.outcome, said.reason) == ("keypad", "too-weak")
    assert decided("卡丢了").intent == "card_loss"


def test_recogniser_confidence_scales_the_decision():
    assert decided("转人工", confidence=0.95).outcome == "intent"
    weak = decided("转人工", confidence=0.6)
    assert (weak.outcome, weak.intent, weak.reason) == ("confirm", "agent", "weak")
    assert decided("转人工", confidence=0.3).outcome == "keypad"


def test_a_phrase_heard_with_a_slip_is_weaker_than_one_heard_whole():
    slipped = match("查养老保险鱼", GRAMMAR)  # 余额 misheard
    assert slipped.best.intent in {"pension_balance", "pension"}
    whole = match("查养老保险余额", GRAMMAR)
    partial = [s for s in (slipped.best, slipped.runner_up) if s and s.intent == "pension_balance"]
    assert not partial or partial[0].score < whole.best.score


def test_keys_silence_and_failures_never_consult_the_grammar():
    assert decide(Heard("key", key="3"), GRAMMAR, 0.75, 0.45).key == "3"
    assert decide(Heard("silence"), GRAMMAR, 0.75, 0.45).outcome == "silence"
    failed = decide(Heard("failure", detail="timeout"), GRAMMAR, 0.75, 0.45)
    assert (failed.outcome, failed.reason) == ("keypad", "failure")


def test_normalise_folds_width_case_punctuation_spaces_and_filler():
    assert normalise("  请问，ＡＢＣ 社保 卡？ 嗯") == "abc社保卡"
    assert normalise("我想要转人工") == "转人工"  # the longer filler goes first


def test_a_grammar_with_its_own_noise_words():
    grammar = Grammar((IntentRule("agent", ("转人工",)),), noise_words=("老乡",))
    assert match("老乡，转人工", grammar).text == "转人工"
    assert match("我想转人工", grammar).text == "我想转人工"  # built-in filler not in this grammar


def test_grammar_phrases_list_every_phrase_and_keyword_once():
    phrases = grammar_phrases(GRAMMAR)
    assert "转人工" in phrases and "社保卡" in phrases and "丢" in phrases
    assert len(phrases) == len(set(phrases))
