"""The `speech:` section of config/hotline.yaml: what a caller may say instead of pressing keys.

The grammar lives next to the menu tree it leads into, so one review covers both. Each
intent names the same kind of action a key has (goto / self_service / agent), optionally
with the business line agents and self-service flows should use. Matching text to an intent
is `ivr.speech.intent`; the recogniser is `ivr.speech.recognizer`. Here: shape and checks only.

    speech:
      enabled: true
      menus: [main]            # menus that listen after their prompt
      listen_s: 5              # how long to listen for the start of speech
      accept: 0.75             # at or above: go straight to the target
      confirm: 0.45            # at or above (below accept): ask "press 1 to confirm"
      intents:
        card_loss:
          phrases: [社保卡丢了, 社保卡挂失]      # whole phrases, strongest evidence
          keywords: ["社保卡|卡", "丢|掉|不见"]  # every group must be heard; | = alternatives
          business: ss_card
          action: {self_service: card_loss}
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from ivr.menu.issues import Issue
from ivr.menu.models import Action

if TYPE_CHECKING:
    from ivr.menu.models import HotlineConfig

LISTEN_RANGE_S = (1, 15)
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
_PROMPT_ID = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*\Z")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpeechIntent(_Strict):
    phrases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)  # groups; "a|b" = a or b
    business: str | None = None  # business line set before the action (queues, balances)
    action: Action
    confirm_prompt: str | None = None  # defaults to speech.confirm_prompt

    def keyword_groups(self) -> list[list[str]]:
        return [[word.strip() for word in group.split("|") if word.strip()] for group in self.keywords]


class VoskSettings(_Strict):
    model_path: str | None = None  # HOTLINE_VOSK_MODEL_PATH overrides; neither set: speech off
    workers: int = 2  # recognitions at once (threads); more than the cores only queues
    phrase_list: bool = True  # restrict the decoder to the intents' phrases and keywords


class SpeechConfig(_Strict):
    enabled: bool = False
    vosk: VoskSettings = Field(default_factory=VoskSettings)
    menus: list[str] = Field(default_factory=list)
    listen_s: int = 5  # wait this long for speech to start; the utterance may then run its course
    max_utterance_s: int = 6  # a caller still talking after this is cut off and recognised
    decode_timeout_s: float = 2.0  # after the utterance ends; slower recognition falls back to keys
    accept: float = 0.75
    confirm: float = 0.45
    margin: float = 0.15  # a runner-up this close to the best makes the match ambiguous
    confirm_prompt: str = "speech_confirm"  # "did you mean ...? press 1 for yes"
    confirm_key: str = "1"
    noise_words: list[str] = Field(default_factory=list)  # added to the built-in list
    intents: dict[str, SpeechIntent] = Field(default_factory=dict)

    def listens_in(self, menu_id: str) -> bool:
        return self.enabled and menu_id in self.menus


def validate_speech(config: HotlineConfig) -> Iterator[Issue]:
    """Problems in config.speech; nothing when the section is absent."""
    speech = config.speech
    if speech is None:
        return
    src, here = config.source, ("speech",)
    for index, menu_id in enumerate(speech.menus):
        menu = config.menus.get(menu_id)
        if menu is None:
            yield src.issue("dangling-target", here + ("menus", index), f"menu '{menu_id}' does not exist", f"use one of: {', '.join(config.menus)}")
        elif menu.is_announcement:
            yield src.issue("invalid-value", here + ("menus", index), f"'{menu_id}' is an announcement: it does not wait for the caller", "list menus that have keys")
    low, high = LISTEN_RANGE_S
    if not low <= speech.listen_s <= high:
        yield src.issue("out-of-range", here + ("listen_s",), f"listen_s {speech.listen_s} is out of range", f"use {low} to {high} seconds")
    if not 1 <= speech.max_utterance_s <= 15:
        yield src.issue("out-of-range", here + ("max_utterance_s",), f"max_utterance_s {speech.max_utterance_s} is out of range", "use 1 to 15 seconds")
    if not 0.1 <= speech.decode_timeout_s <= 30:
        yield src.issue("out-of-range", here + ("decode_timeout_s",), f"decode_timeout_s {speech.decode_timeout_s} is out of range", "use 0.1 to 30 seconds (2 is the default)")
    if not 0 < speech.confirm <= speech.accept <= 1:
        yield src.issue("out-of-range", here + ("accept",), "thresholds must satisfy 0 < confirm <= accept <= 1", "e.g. accept: 0.75, confirm: 0.45")
    if not 1 <= speech.vosk.workers <= 32:
        yield src.issue("out-of-range", here + ("vosk", "workers"), f"{speech.vosk.workers} workers is out of range", "use 1 to 32 (about the number of cores)")
    if not 0 <= speech.margin < 1:
        yield src.issue("out-of-range", here + ("margin",), "margin must be in [0, 1)", "e.g. margin: 0.15")
    if len(speech.confirm_key) != 1 or speech.confirm_key not in "0123456789*#":
        yield src.issue("bad-key", here + ("confirm_key",), f"'{speech.confirm_key}' is not a keypad key", "use one keypad key, e.g. \"1\"")
    if speech.enabled and not speech.intents:
        yield src.issue("invalid-value", here + ("intents",), "speech is enabled but no intents are defined", "add intents, or set enabled: false")
    for intent_id, intent in speech.intents.items():
        yield from _intent_issues(config, here + ("intents", intent_id), intent_id, intent)


def _intent_issues(config: HotlineConfig, path: tuple[str, ...], intent_id: str, intent: SpeechIntent) -> Iterator[Issue]:
    src, action = config.source, intent.action
    if not _IDENTIFIER.match(intent_id):
        yield src.issue("bad-name", path, f"'{intent_id}' is not a usable name", "use lowercase letters, digits and _ , starting with a letter")
    if not intent.phrases and not any(intent.keyword_groups()):
        yield src.issue("invalid-value", path, "an intent needs phrases or keywords", "add phrases: [...] or keywords: [...]")
    if any(not phrase.strip() for phrase in intent.phrases):
        yield src.issue("invalid-value", path + ("phrases",), "an empty phrase matches nothing", "remove it")
    if action.goto and action.goto not in config.menus:
        yield src.issue("dangling-target", path + ("action", "goto"), f"menu '{action.goto}' does not exist", f"use one of: {', '.join(config.menus)}")
    if action.self_service and action.self_service not in config.self_service:
        yield src.issue("dangling-target", path + ("action", "self_service"), f"self-service flow '{action.self_service}' does not exist", f"use one of: {', '.join(config.self_service)}")
    if action.dialect:
        yield src.issue("invalid-value", path + ("action", "dialect"), "a spoken intent cannot switch the caller's line", "remove dialect")
    if intent.business and intent.business not in config.business_lines:
        yield src.issue("dangling-target", path + ("business",), f"business line '{intent.business}' does not exist", f"use one of: {', '.join(config.business_lines)}")
    prompt = intent.confirm_prompt
    if prompt is not None and not _PROMPT_ID.match(prompt):
        yield src.issue("bad-name", path + ("confirm_prompt",), f"'{prompt}' is not a prompt id", "use lowercase letters, digits, _ and /")
