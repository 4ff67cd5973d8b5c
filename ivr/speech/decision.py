"""What the menu does with what was heard. Pure.

- A key pressed while listening wins over anything said.
- A confident match (score x recogniser confidence >= accept) goes straight to its target.
- A weaker one (>= confirm) asks the caller to confirm by key.
- Silence is silence: the menu's own no-input path, exactly as if no key had come.
- No match, an ambiguous match or a recogniser failure: back to the keypad menu, quietly
  (the caller only hears the menu keep waiting for a key).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ivr.menu.speech import SpeechConfig
from ivr.speech.intent import BUILTIN_NOISE, Grammar, IntentRule, match

HeardKind = Literal["speech", "key", "silence", "failure"]
Outcome = Literal["intent", "confirm", "key", "keypad", "silence"]


@dataclass(frozen=True)
class Heard:
    """One listening window's result. `text` is caller data: it never goes to logs or events."""

    kind: HeardKind
    text: str = ""
    confidence: float | None = None  # the recogniser's, 0..1; None when it gives none
    key: str = ""
    detail: str = ""  # why a failure happened (never the transcript)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    intent: str | None = None
    key: str = ""
    confidence: float = 0.0
    reason: str = ""


def grammar_from_config(speech: SpeechConfig) -> Grammar:
    rules = tuple(
        IntentRule(name, tuple(intent.phrases), tuple(tuple(g) for g in intent.keyword_groups() if g))
        for name, intent in speech.intents.items()
    )
    return Grammar(rules, tuple(dict.fromkeys((*BUILTIN_NOISE, *speech.noise_words))), speech.margin)


def decide(heard: Heard, grammar: Grammar, accept: float, confirm: float) -> Decision:
    if heard.kind == "key":
        return Decision("key", key=heard.key, reason="key")
    if heard.kind == "silence":
        return Decision("silence", reason="silence")
    if heard.kind == "failure":
        return Decision("keypad", reason="failure")
    result = match(heard.text, grammar)
    if result.best is None:
        return Decision("keypad", reason="no-match" if result.text else "empty")
    confidence = round(result.score * (1.0 if heard.confidence is None else heard.confidence), 4)
    if result.ambiguous:
        return Decision("keypad", result.best.intent, confidence=confidence, reason="ambiguous")
    if confidence >= accept:
        return Decision("intent", result.best.intent, confidence=confidence, reason="confident")
    if confidence >= confirm:
        return Decision("confirm", result.best.intent, confidence=confidence, reason="weak")
    return Decision("keypad", result.best.intent, confidence=confidence, reason="too-weak")
