"""The skill vocabulary and requirements over proficiencies.

Skills are the shared dialect names and business-line ids; an agent holds each at a level 1-5
(absent means 0). A requirement is a conjunction of minimum levels, e.g. zhuang>=4,pension>=3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DIALECTS: tuple[str, ...] = ("mandarin", "zhuang", "cantonese", "guiliu", "hakka")
BUSINESS_LINES: tuple[str, ...] = (
    "pension", "medical", "unemployment", "work_injury",
    "employment", "labour_relations", "personnel", "ss_card",
)
SKILLS: tuple[str, ...] = DIALECTS + BUSINESS_LINES
MIN_LEVEL, MAX_LEVEL = 1, 5


def check_level(skill: str, level: int) -> None:
    """Levels are the router's scale; which skills exist is the configuration's to say."""
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"{skill} level {level} outside {MIN_LEVEL}-{MAX_LEVEL}")


@dataclass(frozen=True)
class Requirement:
    """All of `minimums` must hold; the empty requirement is met by every agent."""

    minimums: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        merged: dict[str, int] = {}
        for skill, level in self.minimums:
            check_level(skill, level)
            merged[skill] = max(level, merged.get(skill, 0))
        # Canonical order so equal requirements compare and hash equal.
        object.__setattr__(self, "minimums", tuple(sorted(merged.items())))

    @classmethod
    def of(cls, **levels: int) -> Requirement:
        return cls(tuple(levels.items()))

    @classmethod
    def parse(cls, text: str) -> Requirement:
        """`"zhuang>=4, pension>=3"` (the form used in config files); empty text means anyone."""
        clauses = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            skill, sep, level = part.partition(">=")
            if not sep:
                raise ValueError(f"requirement clause {part!r} is not skill>=level")
            clauses.append((skill.strip(), int(level)))
        return cls(tuple(clauses))

    def met_by(self, proficiencies: Mapping[str, int]) -> bool:
        get = proficiencies.get
        for skill, level in self.minimums:
            if get(skill, 0) < level:
                return False
        return True

    def level(self, skill: str) -> int:
        """The minimum level asked of `skill` (0: not asked)."""
        return next((level for s, level in self.minimums if s == skill), 0)

    @property
    def skills(self) -> frozenset[str]:
        return frozenset(skill for skill, _ in self.minimums)

    def __str__(self) -> str:
        return ",".join(f"{skill}>={level}" for skill, level in self.minimums) or "any"
