"""A sensible default ladder set for Guangxi's unified 12333 with its dialect lines.

Mandarin callers want someone who knows the business line, relaxing to any Mandarin speaker.
Dialect callers want a fluent speaker who knows the line, then any speaker of their dialect, then
(with an announcement in their dialect) a Mandarin-speaking agent who knows the line; a late step
offers a callback. Guiliu is mutually intelligible with Mandarin, so it relaxes sooner.
"""

from __future__ import annotations

from routing.ladder import Ladder, LadderStep, RouterConfig
from routing.skills import BUSINESS_LINES, DIALECTS, Requirement

MANDARIN_NOTICE = "mandarin_agent_notice"  # prompt id in prompts/catalog.yaml

# Per business line: seconds of post-call work (claims lines need more paperwork).
WRAP_UP_SECONDS: dict[str, float] = {
    "pension": 45, "medical": 45, "unemployment": 40, "work_injury": 60,
    "employment": 30, "labour_relations": 60, "personnel": 30, "ss_card": 20,
}

# When a dialect caller gives up on their own dialect and hears the Mandarin notice.
MANDARIN_AFTER: dict[str, float] = {"zhuang": 90, "cantonese": 90, "hakka": 90, "guiliu": 45}


def mandarin_ladder(business: str) -> Ladder:
    return Ladder((
        LadderStep(0, Requirement.of(mandarin=3, **{business: 3})),
        LadderStep(30, Requirement.of(mandarin=3, **{business: 1})),
        LadderStep(90, Requirement.of(mandarin=3)),
        LadderStep(300, Requirement.of(mandarin=2), offer_callback=True),
    ))


def dialect_ladder(dialect: str, business: str) -> Ladder:
    mandarin_after = MANDARIN_AFTER[dialect]
    return Ladder((
        LadderStep(0, Requirement.of(**{dialect: 4, business: 3})),
        LadderStep(30, Requirement.of(**{dialect: 2})),
        LadderStep(mandarin_after, Requirement.of(mandarin=3, **{business: 1}), announce=MANDARIN_NOTICE),
        LadderStep(mandarin_after + 60, Requirement.of(mandarin=3)),
        LadderStep(300, Requirement.of(mandarin=2), offer_callback=True),
    ))


def default_ladders() -> dict[tuple[str, str], Ladder]:
    ladders = {}
    for dialect in DIALECTS:
        for business in BUSINESS_LINES:
            ladders[(dialect, business)] = (
                mandarin_ladder(business) if dialect == "mandarin" else dialect_ladder(dialect, business)
            )
    return ladders


def default_config(**overrides: object) -> RouterConfig:
    return RouterConfig(ladders=default_ladders(), wrap_up_seconds=WRAP_UP_SECONDS, dialects=DIALECTS,
                        business_lines=BUSINESS_LINES, **overrides)  # type: ignore[arg-type]
