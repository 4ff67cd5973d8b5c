"""From a transcript to a menu target: normalisation, phrase and keyword scoring, ambiguity.

Pure. A recogniser's Chinese output comes as words split by spaces ("查 养老 保险 余额"), often
with filler ("嗯 我想 请问 一下"); callers say the same thing many ways. So both the transcript
and the grammar go through the same `normalise`, then every intent is scored:

- phrase: 1.0 when a phrase occurs whole; otherwise the share of the phrase's characters found
  in order in the transcript (recognition slips, words in between), squared so a half-heard
  phrase is weak evidence, and capped below a whole match.
- keywords: groups that must all be heard ("社保卡|卡" and "丢|掉|不见"); the share of groups
  heard, capped below a whole phrase.

Of the readings within `margin` of the best score, one whose evidence lies inside another's
("社保卡" inside "社保卡办好了") is the less specific reading and steps aside; the most
specific wins. Another close reading resting on other words of the transcript makes the
match ambiguous (a caller naming two businesses at once).
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

# Filler that carries no intent. Longest first, so "我想要" goes before "我想".
BUILTIN_NOISE = (
    "我想要", "我想", "我要", "我的", "请问", "你好", "您好", "那个", "这个", "就是", "麻烦", "帮我", "给我",
    "一下", "的话", "嗯", "啊", "呃", "哦", "唉", "诶", "吧", "呢", "呀", "吗", "哈",
)
PARTIAL_PHRASE_CAP = 0.9  # a phrase heard with slips never beats one heard whole
KEYWORD_CAP = 0.85  # all keyword groups heard: confident, yet below a whole phrase


@dataclass(frozen=True)
class IntentRule:
    name: str
    phrases: tuple[str, ...] = ()
    keyword_groups: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Grammar:
    rules: tuple[IntentRule, ...]
    noise_words: tuple[str, ...] = BUILTIN_NOISE
    margin: float = 0.15


@dataclass(frozen=True)
class IntentScore:
    intent: str
    score: float  # 0..1
    evidence: str  # "phrase", "partial-phrase" or "keywords"
    positions: frozenset[int]  # characters of the normalised transcript the evidence rests on


@dataclass(frozen=True)
class MatchResult:
    text: str  # the normalised transcript
    best: IntentScore | None
    runner_up: IntentScore | None
    ambiguous: bool

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0


def normalise(text: str, noise_words: tuple[str, ...] = BUILTIN_NOISE) -> str:
    """Width-folded, lower-case, without spaces, punctuation, symbols or filler words."""
    folded = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch)[0] in "PSC"))
    for word in sorted(noise_words, key=len, reverse=True):
        kept = kept.replace(word, "")
    return kept


def match(transcript: str, grammar: Grammar) -> MatchResult:
    text = normalise(transcript, grammar.noise_words)
    if not text:
        return MatchResult(text, None, None, False)
    scores = [score for rule in grammar.rules if (score := score_rule(text, rule, grammar.noise_words)).score > 0]
    if not scores:
        return MatchResult(text, None, None, False)
    top = max(score.score for score in scores)
    close = [s for s in scores if s.score >= top - grammar.margin]
    # Of close readings, one whose evidence lies inside another's is the less specific one.
    specific = [s for s in close if not any(s.positions < other.positions for other in close)]
    specific.sort(key=lambda s: (s.score, len(s.positions)), reverse=True)
    best = specific[0]
    rivals = [s for s in specific[1:] if not s.positions <= best.positions]
    others = sorted((s for s in scores if s is not best), key=lambda s: s.score, reverse=True)
    runner_up = rivals[0] if rivals else (others[0] if others else None)
    ambiguous = bool(rivals)
    return MatchResult(text, best, runner_up, ambiguous)


def score_rule(text: str, rule: IntentRule, noise_words: tuple[str, ...] = BUILTIN_NOISE) -> IntentScore:
    candidates = [_phrase_score(text, normalise(p, noise_words)) for p in rule.phrases]
    candidates.append(_keyword_score(text, rule.keyword_groups, noise_words))
    score, evidence, positions = max(candidates, key=lambda c: (c[0], len(c[2])))
    return IntentScore(rule.name, round(score, 4), evidence, positions)


def _phrase_score(text: str, phrase: str) -> tuple[float, str, frozenset[int]]:
    if not phrase:
        return 0.0, "phrase", frozenset()
    at = text.find(phrase)
    if at >= 0:
        return 1.0, "phrase", frozenset(range(at, at + len(phrase)))
    blocks = difflib.SequenceMatcher(None, phrase, text, autojunk=False).get_matching_blocks()
    positions = frozenset(i for block in blocks for i in range(block.b, block.b + block.size))
    coverage = len(positions) / len(phrase)
    return PARTIAL_PHRASE_CAP * coverage * coverage, "partial-phrase", positions


def _keyword_score(text: str, groups: tuple[tuple[str, ...], ...], noise_words: tuple[str, ...]) -> tuple[float, str, frozenset[int]]:
    if not groups:
        return 0.0, "keywords", frozenset()
    heard, positions = 0, set()
    for group in groups:
        found = [(text.find(w), w) for w in (normalise(word, noise_words) for word in group) if w and w in text]
        if found:
            heard += 1
            at, word = max(found, key=lambda f: len(f[1]))
            positions.update(range(at, at + len(word)))
    return KEYWORD_CAP * heard / len(groups), "keywords", frozenset(positions)


def grammar_phrases(grammar: Grammar) -> list[str]:
    """Every phrase and keyword as written, for a recogniser's phrase list (deduplicated, in order)."""
    seen: dict[str, None] = {}
    for rule in grammar.rules:
        for item in (*rule.phrases, *(word for group in rule.keyword_groups for word in group)):
            seen.setdefault(item.strip(), None)
    return [item for item in seen if item]
