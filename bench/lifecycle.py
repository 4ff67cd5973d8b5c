"""The router's hot path through the call lifecycle core (routing.lifecycle), against the router
alone in the same run.

Since issue 15 every AMI event the adapter gets goes through `Lifecycle.step` (channel look-ups,
rings, commands) before and after the router decides. This bench drives bench.router's seeded
stream (2,000 agents, ~5,000 waiting callers, Guangxi ladders; hang-ups, answers, arrivals,
abandons and ticks) twice from the same steady-state snapshot: straight into the Router (the
router work the adapter did before; its own dict book-keeping was of the same order as the
core's), and as the core's typed events (QueueJoin, OriginateResult, ChannelHangup, Tick) with
each Originate's ring id taken from the commands. The two runs alternate, ROUNDS times each, and
the medians are compared: the ratio is the core's overhead on the hot path.
"""

from __future__ import annotations

import gc
import time

from bench.results import Record, cpu_ticks, median, percentile, steal_percent
from bench.router import OPS, SEED, Drive, drive, offers_of_outcome, steady_state
from routing import Call, Party, Router
from routing import lifecycle as lc
from routing.guangxi import default_config
from routing.lifecycle.core import Ring
from routing.model import CallState
from routing.snapshot import RouterSnapshot, restore

ROUNDS = 3


class ThroughCore:
    """bench.router's command interface, carried as the lifecycle core's events."""

    def __init__(self, router: Router, now: float) -> None:
        self.core = lc.Lifecycle(router)
        self.rings: dict[str, str] = {}  # call id -> its ring id
        for call_id, entry in router.calls.items():  # what the adapter would know of them
            self.core._track(call_id, "", f"u-{call_id}", entry.call.channel)
            if entry.state is CallState.CONNECTED and entry.agent_id is not None:
                ring_id = f"agent-{entry.agent_id}-r{call_id}"
                self.core.rings[ring_id] = Ring(ring_id, call_id, entry.agent_id, "", False, answered=True)
                self.core.rings_of[call_id] = {ring_id}
                self.rings[call_id] = ring_id

    def _step(self, event: lc.Event, now: float) -> list[tuple[str, str]]:
        _, commands = self.core.step(event, now)
        offers = []
        for command in commands:
            if isinstance(command, lc.Originate):
                self.rings[command.call_id] = command.ring_id
                offers.append((command.call_id, command.agent_id))
        return offers

    def arrive(self, call: Call, now: float) -> list[tuple[str, str]]:
        return self._step(lc.QueueJoin(call, f"u-{call.id}"), now)

    def answered(self, call_id: str, agent_id: str, now: float) -> list[tuple[str, str]]:
        return self._step(lc.OriginateResult(self.rings[call_id], lc.RingResult.ANSWERED), now)

    def hangup(self, call_id: str, now: float, by: Party) -> list[tuple[str, str]]:
        if by is Party.AGENT:
            return self._step(lc.ChannelHangup(self.rings.pop(call_id)), now)
        return self._step(lc.ChannelHangup(f"u-{call_id}"), now)

    def tick(self, now: float) -> list[tuple[str, str]]:
        return self._step(lc.Tick(), now)


def one_run(snapshot: RouterSnapshot, warm: Drive, through_core: bool) -> tuple[list[float], float]:
    router, _ = restore(default_config(), snapshot, warm.now)
    commands: object = ThroughCore(router, warm.now) if through_core else router
    offers_of = (lambda offers: offers) if through_core else offers_of_outcome
    d = Drive(snapshot, warm.serial, warm.now, SEED + 1, warm.target)
    gc.collect()
    started = time.perf_counter()
    drive(commands, offers_of, OPS, d)
    return d.latencies, OPS / (time.perf_counter() - started)


def run() -> list[Record]:
    _, snapshot, warm = steady_state(default_config())
    direct: list[tuple[list[float], float]] = []
    core: list[tuple[list[float], float]] = []
    before = cpu_ticks()
    for _ in range(ROUNDS):  # interleaved: a load change hits both alike
        direct.append(one_run(snapshot, warm, through_core=False))
        core.append(one_run(snapshot, warm, through_core=True))
    steal = steal_percent(before, cpu_ticks())
    us = 1e6

    def p(runs: list[tuple[list[float], float]], pct: float) -> float:
        return median([percentile(latencies, pct) for latencies, _ in runs]) * us

    rate_core, rate_direct = median([r for _, r in core]), median([r for _, r in direct])
    conditions = {"ops": OPS, "rounds": ROUNDS, "steal_percent": steal,
                  "stream": "bench.router's (2,000 agents, ~5,000 waiting)", "target": "within 10% of the router alone"}
    return [
        Record("lifecycle.command_p50", p(core, 50), "us", "router_alone.command_p50", p(direct, 50), conditions),
        Record("lifecycle.command_p99", p(core, 99), "us", "router_alone.command_p99", p(direct, 99), conditions),
        Record("lifecycle.commands_per_s", rate_core, "1/s", "router_alone.commands_per_s", rate_direct, conditions),
    ]


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
