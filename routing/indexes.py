"""The indexes that keep decisions fast: waiting calls per ladder step, idle agents per skill level.

Every call's place in a queue is a fixed key, (enqueue - bonus, enqueue, seq): the smaller the key,
the higher its effective wait at any moment, with ties first come first served. Because the key
does not change with time, moving a caller to a relaxed step keeps its place.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from routing.skills import MAX_LEVEL, SKILLS, Requirement

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
    """Available agents, by skill and level; each level keeps agents in the order they went idle."""

    def __init__(self) -> None:
        self._everyone: dict[str, None] = {}
        self._by_level: dict[str, list[dict[str, None]]] = {
            skill: [{} for _ in range(MAX_LEVEL + 1)] for skill in SKILLS
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
            self._by_level[skill][level][agent_id] = None

    def remove(self, agent_id: str, proficiencies: Mapping[str, int]) -> None:
        del self._everyone[agent_id]
        for skill, level in proficiencies.items():
            del self._by_level[skill][level][agent_id]

    def count_at_least(self, skill: str, level: int) -> int:
        return sum(len(agents) for agents in self._by_level[skill][level:])

    def candidates(self, requirement: Requirement) -> Iterable[str]:
        """A superset of the idle agents meeting `requirement`: those passing its most selective clause."""
        if not requirement.minimums:
            return self._everyone
        skill, level = min(requirement.minimums, key=lambda clause: self.count_at_least(*clause))
        return [agent_id for agents in self._by_level[skill][level:] for agent_id in agents]
