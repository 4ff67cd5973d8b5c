"""The rules that hold the configuration files together (pure).

hotline.yaml defines the vocabulary (dialects, business lines); hours.yaml, agents.yaml and
the routing policy may only use it, every (dialect, business line) a caller can be queued for
has a ladder, and a ladder step no rostered agent can meet is a warning: callers at that
step wait for the next one.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from hotline.hours.schedule import HoursConfig
from ivr.menu.issues import Issue
from ivr.menu.models import HotlineConfig
from ivr.menu.positions import SourceMap
from routing import Agent, RouterConfig


def _hint(name: str, known: Iterable[str], what: str) -> str:
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return (f"did you mean '{close[0]}'? " if close else "") + f"{what} defined in hotline.yaml: {listed or '(none)'}"


def queued_lines(hotline: HotlineConfig) -> list[tuple[str, str]]:
    """Every (dialect, business line) a caller can be queued for: any dialect (a caller may
    switch line in any menu that offers it, and the agent key works everywhere) with the
    business line of any menu, or the default one before a line is chosen."""
    businesses = dict.fromkeys([hotline.defaults.business, *(m.business for m in hotline.menus.values() if m.business)])
    return [(d, b) for d in hotline.dialects for b in businesses if b in hotline.business_lines]


def cross_check(hotline: HotlineConfig, hours: HoursConfig | None, hours_source: SourceMap | None,
                roster: Mapping[str, Agent] | None, roster_source: SourceMap | None,
                routing: RouterConfig | None, routing_source: SourceMap | None = None) -> list[Issue]:
    issues: list[Issue] = []
    dialects, lines = list(hotline.dialects), list(hotline.business_lines)
    skills = set(dialects) | set(lines)
    src = hotline.source
    if hours is not None and hours_source is not None:
        served = set()
        for line_id, line in hours.lines.items():
            for index, dialect in enumerate(line.dialects):
                served.add(dialect)
                if dialect not in hotline.dialects:
                    issues.append(hours_source.issue("unknown-name", ("lines", line_id, "dialects", index),
                                                     f"dialect '{dialect}' is not a dialect of the hotline", _hint(dialect, dialects, "dialects")))
        for dialect in dialects:
            if dialect not in served:
                issues.append(src.issue("no-hours", ("dialects", dialect), f"no line in hours.yaml serves dialect '{dialect}'",
                                        "add it to a line's dialects in hours.yaml, or its callers are never told the hours"))
    if roster is not None and roster_source is not None:
        for index, agent in enumerate(roster.values()):
            for skill in agent.proficiencies:
                if skill not in skills:
                    issues.append(roster_source.issue("unknown-name", ("agents", index, "proficiencies", skill),
                                                      f"agent {agent.id}: skill '{skill}' is neither a dialect nor a business line",
                                                      _hint(skill, dialects + lines, "skills")))
    if routing is not None:
        rsrc = routing_source or SourceMap("routing policy")
        top: tuple[str, ...] = ("routing",) if routing_source is not None else ()
        for (dialect, business), ladder in routing.ladders.items():
            if dialect not in hotline.dialects or business not in hotline.business_lines:
                continue  # a ladder for a line this site does not have is never used
            for index, step in enumerate(ladder.steps):
                for skill in sorted(step.requirement.skills - skills):
                    issues.append(rsrc.issue("unknown-name", top + ("ladders", dialect, index),
                                             f"ladder step asks for '{skill}', which hotline.yaml does not define",
                                             _hint(skill, dialects + lines, "skills")))
        for dialect, business in queued_lines(hotline):
            if (dialect, business) not in routing.ladders:
                issues.append(src.issue("no-ladder", ("business_lines", business),
                                        f"callers of dialect '{dialect}' for '{business}' can be queued, but the routing policy has no ladder for {dialect}/{business}",
                                        "add a ladder for it to the routing policy, or they would wait for nobody"))
        if roster is not None:
            issues += _unmeetable(routing, roster, rsrc, queued_lines(hotline), top)
    return issues


def _unmeetable(routing: RouterConfig, roster: Mapping[str, Agent], src: SourceMap,
                queued: list[tuple[str, str]], top: tuple[str, ...] = ()) -> list[Issue]:
    """One warning per dialect and step, naming the business lines it fails for."""
    never: dict[tuple[str, float], list[tuple[str, str]]] = {}
    for dialect, business in queued:
        ladder = routing.ladders.get((dialect, business))
        for step in ladder.steps if ladder else ():
            if not any(step.requirement.met_by(agent.proficiencies) for agent in roster.values()):
                never.setdefault((dialect, step.after), []).append((business, str(step.requirement)))
    found = []
    for (dialect, after), failing in never.items():
        names = ", ".join(business for business, _ in failing)
        found.append(src.issue("unmeetable-step", top + ("ladders", dialect),
                               f"no rostered agent meets the {dialect} step from {after:g} s (e.g. {failing[0][1]}) for {names}",
                               "callers there wait for the next step; roster an agent with those skills or relax the step",
                               severity="warning"))
    return found
