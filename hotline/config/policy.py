"""The router's policy from hotline.yaml's `routing:` section (pure): ladders, wrap-up times,
priority bonuses. The router core takes it as values (RouterConfig); adding a business line
is a config edit, not a code change.
"""
from __future__ import annotations

from collections.abc import Iterator

from ivr.menu.issues import Issue
from ivr.menu.models import HotlineConfig, LadderStepSpec
from routing import Ladder, LadderStep, Requirement, RouterConfig
from routing.guangxi import default_config


def _steps(specs: list[LadderStepSpec], dialect: str, business: str) -> Ladder:
    return Ladder(tuple(
        LadderStep(step.after, Requirement.parse(step.require.format(dialect=dialect, business=business)),
                   step.announce, step.offer_callback)
        for step in specs))


def ladder_specs(hotline: HotlineConfig) -> Iterator[tuple[str, str, list[LadderStepSpec], tuple[str, ...]]]:
    """(dialect, business, steps, key path) for every line the section gives a ladder."""
    routing = hotline.routing
    for key, specs in routing.ladders.items():
        dialect, _, business = key.partition("/")
        for line in ([business] if business else routing.business_lines):
            yield dialect, line, specs, ("routing", "ladders", key)


def router_config(hotline: HotlineConfig, **overrides: object) -> RouterConfig:
    """RouterConfig from a validated hotline.yaml (routing_issues found nothing)."""
    routing = hotline.routing
    ladders = {}
    exact = {}
    for dialect, business, specs, path in ladder_specs(hotline):
        (exact if "/" in path[-1] else ladders)[(dialect, business)] = _steps(specs, dialect, business)
    ladders.update(exact)
    values: dict[str, object] = dict(ladders=ladders, dialects=tuple(routing.dialects), business_lines=tuple(routing.business_lines),
                                     wrap_up_seconds=dict(routing.wrap_up_s), default_wrap_up_seconds=routing.default_wrap_up_s,
                                     max_bonus_seconds=routing.max_bonus_s)
    values.update(overrides)
    return RouterConfig(**values)  # type: ignore[arg-type]


def site_router_config(hotline: HotlineConfig) -> RouterConfig:
    """The routing policy a site runs: its hotline.yaml's routing section when that gives
    ladders, else Guangxi's shipped default (what the service's router is built with)."""
    return router_config(hotline) if hotline.routing.ladders else default_config()


def routing_issues(hotline: HotlineConfig) -> list[Issue]:
    """Every ladder well formed: known dialect and line, requirements that parse and name
    skills hotline.yaml defines, steps from 0 s in increasing order."""
    src, routing = hotline.source, hotline.routing
    issues = []
    skills = set(routing.dialects) | set(routing.business_lines)
    for key, specs in routing.ladders.items():
        here = ("routing", "ladders", key)
        dialect, slash, business = key.partition("/")
        if dialect not in routing.dialects or (slash and business not in routing.business_lines):
            issues.append(src.issue("unknown-name", here, f"'{key}' is not a dialect (or dialect/business line) of routing:",
                                    f"use one of: {', '.join(routing.dialects)} (or e.g. zhuang/pension)"))
            continue
        for index, step in enumerate(specs):
            try:
                requirement = Requirement.parse(step.require.format(dialect=dialect, business=business or routing.business_lines[0]))
            except (ValueError, KeyError, IndexError) as error:
                issues.append(src.issue("invalid-value", here + (index, "require"), f"'{step.require}' is not a requirement ({error})",
                                        "write skill>=level clauses, e.g. \"zhuang>=4, {business}>=3\", levels 1-5"))
                continue
            for skill in sorted(requirement.skills - skills):
                issues.append(src.issue("unknown-name", here + (index, "require"), f"skill '{skill}' is neither a dialect nor a business line",
                                        f"use one of: {', '.join(sorted(skills))}, or {{business}}"))
        afters = [step.after for step in specs]
        if not specs or afters[0] != 0 or any(b <= a for a, b in zip(afters, afters[1:], strict=False)):
            issues.append(src.issue("invalid-value", here, "a ladder's steps start at after: 0 and wait longer each step",
                                    "order the steps by after: 0, 30, 90, ..."))
    for line in routing.wrap_up_s:
        if line not in routing.business_lines:
            issues.append(src.issue("unknown-name", ("routing", "wrap_up_s", line), f"'{line}' is not a business line of routing:",
                                    f"use one of: {', '.join(routing.business_lines)}"))
    return issues
