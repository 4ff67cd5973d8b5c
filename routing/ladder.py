"""Requirement ladders and the router's configuration, as plain typed data.

A ladder belongs to one (dialect, business line). Its steps relax the requirement as the caller
waits: step k applies from `after` seconds of waiting until step k+1's `after`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType

from routing.skills import Requirement

LadderKey = tuple[str, str]  # (dialect, business line)


@dataclass(frozen=True)
class LadderStep:
    after: float
    requirement: Requirement
    announce: str | None = None  # prompt id played to the caller on reaching this step
    offer_callback: bool = False  # ask the shell to offer a callback on reaching this step


@dataclass(frozen=True)
class Ladder:
    steps: tuple[LadderStep, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a ladder needs at least one step")
        if self.steps[0].after != 0:
            raise ValueError("a ladder's first step applies from 0 s")
        for earlier, later in pairwise(self.steps):
            if later.after <= earlier.after:
                raise ValueError("ladder steps must have strictly increasing `after`")

    @classmethod
    def from_data(cls, steps: Sequence[Mapping[str, Any]]) -> Ladder:
        """From config data: [{after: 0, require: "zhuang>=4,pension>=3"}, {after: 90, require:
        "mandarin>=3", announce: mandarin_agent_notice, offer_callback: false}, ...]."""
        return cls(tuple(
            LadderStep(float(step["after"]), Requirement.parse(str(step.get("require", ""))),
                       step.get("announce"), bool(step.get("offer_callback", False)))
            for step in steps
        ))


@dataclass(frozen=True)
class RouterConfig:
    """The routing policy as values. The vocabulary (`dialects`, `business_lines`) is what the
    configuration defines; left empty, it is read off the ladders' keys in their order."""

    ladders: Mapping[LadderKey, Ladder]
    wrap_up_seconds: Mapping[str, float] = field(default_factory=dict)  # per business line
    default_wrap_up_seconds: float = 30.0
    ring_timeout: float = 20.0  # what the shell should ring an agent for
    offer_grace_seconds: float = 30.0  # an offer not resolved by ring_timeout + grace counts as RONA
    max_consecutive_misses: int = 3  # RONA misses before the agent is paused (no_answer)
    retry_seconds: float = 5.0  # an agent who missed a call is not offered that call again sooner
    phone_retry_seconds: float = 60.0  # a phone the shell could not reach at all is tried again after this
    max_bonus_seconds: float = 120.0  # cap on a call's total priority bonus
    scarce_min_level: int = 2  # proficiency that counts as "speaks the dialect"
    scarce_idle_speakers: int = 1  # a dialect is scarce when at most this many idle agents speak it
    scarce_horizon_seconds: float = 60.0  # "one is due": >= 1 expected arrival within this (0: off)
    arrival_window_seconds: float = 600.0  # window for per-dialect arrival rates
    handle_time_samples: int = 50  # recent completions per business line for wait estimates
    default_handle_seconds: float = 240.0  # until a business line has completions
    dialects: tuple[str, ...] = ()
    business_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.dialects:
            object.__setattr__(self, "dialects", tuple(dict.fromkeys(d for d, _ in self.ladders)))
        if not self.business_lines:
            object.__setattr__(self, "business_lines", tuple(dict.fromkeys(b for _, b in self.ladders)))
        object.__setattr__(self, "dialects", tuple(self.dialects))
        object.__setattr__(self, "business_lines", tuple(self.business_lines))
        skills = set(self.dialects) | set(self.business_lines)
        for (dialect, business), ladder in self.ladders.items():
            if dialect not in self.dialects or business not in self.business_lines:
                raise ValueError(f"ladder for unknown line {(dialect, business)!r}")
            for step in ladder.steps:
                if unknown := step.requirement.skills - skills:
                    raise ValueError(f"ladder {dialect}/{business} asks for unknown skill {min(unknown)!r}")
        object.__setattr__(self, "ladders", MappingProxyType(dict(self.ladders)))
        object.__setattr__(self, "wrap_up_seconds", MappingProxyType(dict(self.wrap_up_seconds)))
        if self.max_consecutive_misses < 1:
            raise ValueError("max_consecutive_misses must be at least 1")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RouterConfig:
        """From config data: `ladders` maps "dialect/business" (business may be "*" for every
        line of `business_lines`; an exact key wins) to a step list; every other key is a field
        of RouterConfig."""
        ladders: dict[LadderKey, Ladder] = {}
        exact = {}
        lines = tuple(data.get("business_lines", ()))
        for key, steps in data.get("ladders", {}).items():
            dialect, _, business = key.partition("/")
            if business == "*":
                ladders.update({(dialect, b): Ladder.from_data(steps) for b in lines})
            else:
                exact[(dialect, business)] = Ladder.from_data(steps)
        ladders.update(exact)
        settings = {k: v for k, v in data.items() if k not in ("ladders", "dialects", "business_lines")}
        return cls(ladders=ladders, dialects=tuple(data.get("dialects", ())), business_lines=lines, **settings)

    def ladder(self, dialect: str, business: str) -> Ladder:
        try:
            return self.ladders[(dialect, business)]
        except KeyError:
            raise ValueError(f"no ladder configured for {dialect}/{business}") from None

    def wrap_up(self, business: str) -> float:
        return self.wrap_up_seconds.get(business, self.default_wrap_up_seconds)
