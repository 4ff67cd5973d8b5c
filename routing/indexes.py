"""The indexes that keep decisions fast: waiting calls per ladder step, idle agents per skill level.

Every call's place in a queue is a fixed key, (enqueue - bonus, enqueue, seq): the smaller the key,
the higher its effective wait at any moment, with ties first come first served. Because the key
does not change with time, moving a caller to a relaxed step keeps its place.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Mapping

from routing.skills import MAX_LEVEL

BucketKey = tuple[str, str, int]  # (dialect, business, ladder step index)
PlaceKey = tuple[float, float, int, str]  # (enqueue - bonus, enqueue, seq, call id)


class WaitingQueues:
    """One sorted list of place keys per ladder step; the head is the call to serve first."""

    def __init__(self) -> None:
        self._buckets: dict[BucketKey, list[PlaceKey]] = defaultdict(list)
        self.per_dialect: dict[str, int] = defaultdict(int)
        self.total = 0

    def add(self, bucket: BucketKey, place: PlaceKey) -> None:
        bisect.insort(self._buckets[bucket], place)
        self.per_dialect[bucket[0]] += 1
        self.total += 1

    def remove(self, bucket: BucketKey, place: PlaceKey) -> None:
        queue = self._buckets[bucket]
        index = bisect.bisect_left(queue, place)
        if index == len(queue) or queue[index] != place:
            raise KeyError(place)
        del queue[index]
        self.per_dialect[bucket[0]] -= 1
        self.total -= 1

    def head(self, bucket: BucketKey, skip_call: str | None = None) -> PlaceKey | None:
        for place in self._buckets.get(bucket, ()):
            if place[3] != skip_call:
                return place
        return None

    def ahead_of(self, bucket: BucketKey, place: PlaceKey) -> int:
        return bisect.bisect_left(self._buckets.get(bucket, ()), place)

    def places(self, bucket: BucketKey) -> list[PlaceKey]:
        return list(self._buckets.get(bucket, ()))

    def count(self, bucket: BucketKey) -> int:
        return len(self._buckets.get(bucket, ()))


class IdleAgents:
    """Available agents, kept in the order they went idle, indexed two ways:
    - per skill and level, to count idle speakers of a dialect (the scarce-skill guard);
    - per (dialect, level, business line, level) cell, so the best-matching agents for a caller
      of that dialect and line are found by visiting cells from the highest levels down."""

    def __init__(self, dialects: tuple[str, ...], business_lines: tuple[str, ...]) -> None:
        self.dialects, self.business_lines = dialects, business_lines
        self._everyone: dict[str, None] = {}
        self._by_level: dict[str, list[dict[str, None]]] = {
            skill: [{} for _ in range(MAX_LEVEL + 1)] for skill in dialects + business_lines
        }
        self._cells: dict[tuple[str, int, str, int], dict[str, None]] = {
            (d, dl, b, bl): {}
            for d in dialects for dl in range(MAX_LEVEL + 1) for b in business_lines for bl in range(MAX_LEVEL + 1)
        }

    def __contains__(self, agent_id: str) -> bool:
        return agent_id in self._everyone

    def __len__(self) -> int:
        return len(self._everyone)

    def __iter__(self) -> Iterator[str]:
        return iter(self._everyone)

    def add(self, agent_id: str, proficiencies: Mapping[str, int]) -> None:
        self._everyone[agent_id] = None
        for skill, level in proficiencies.items():
            if skill in self._by_level:  # a skill no line asks for (yet) is not indexed
                self._by_level[skill][level][agent_id] = None
        for cell in self._cells_of(proficiencies):
            cell[agent_id] = None

    def remove(self, agent_id: str, proficiencies: Mapping[str, int]) -> None:
        del self._everyone[agent_id]
        for skill, level in proficiencies.items():
            if skill in self._by_level:
                del self._by_level[skill][level][agent_id]
        for cell in self._cells_of(proficiencies):
            del cell[agent_id]

    def _cells_of(self, proficiencies: Mapping[str, int]) -> Iterator[dict[str, None]]:
        get, cells = proficiencies.get, self._cells
        for dialect in self.dialects:
            dialect_level = get(dialect, 0)
            for business in self.business_lines:
                yield cells[(dialect, dialect_level, business, get(business, 0))]

    def count_at_least(self, skill: str, level: int) -> int:
        return sum(len(agents) for agents in self._by_level[skill][level:])

    def cell(self, dialect: str, dialect_level: int, business: str, business_level: int) -> dict[str, None]:
        return self._cells[(dialect, dialect_level, business, business_level)]
