"""Router decision latency and throughput: the indexed core against a scan-everything baseline.

Workload (issue 6): 2,000 agents and 5,000 waiting calls over 5 dialects x 8 business lines with
the Guangxi default ladders. The indexed router is loaded first (callers' enqueue times spread
over the previous 5 minutes, so ladder steps fall due all through the run); the baseline starts
from a snapshot of exactly that state. Then the same seeded driver runs each: agents hang up
(wrap-up), offers are answered, callers arrive (or abandon, holding ~5,000 waiting) and the clock
ticks, 20 ms of simulated time per command. A warm-up run first brings wrap-ups to a steady
state; both routers then start from a snapshot of that state. Every command counts as one decision: it fires due
timers, applies the change and decides who gets which call. The baseline is much slower, so it
runs a shorter prefix of the same stream; latencies are per command either way.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable

from bench.results import Record, median, percentile
from routing import Agent, AgentState, Call, CallState, Party, Router, RouterConfig
from routing.guangxi import default_config
from routing.skills import BUSINESS_LINES, DIALECTS
from routing.snapshot import RouterSnapshot, take

AGENTS, WAITING, SEED = 2_000, 5_000, 12333
OPS, BASELINE_OPS, WARM_UP_OPS, STEP_SECONDS = 20_000, 300, 4_000, 0.02
IDLE_ARRIVALS = 1_000


class ScanRouter:
    """The straightforward router: same rules, no indexes, no timers; every command scans everything."""

    def __init__(self, config: RouterConfig, snapshot: RouterSnapshot) -> None:
        self.config = config
        self.agents = {s.agent.id: {"agent": s.agent, "state": s.state, "since": s.since, "call": None,
                                     "until": s.wrap_up_until} for s in snapshot.agents}
        self.calls = {}
        for seq, s in enumerate(sorted(snapshot.calls, key=lambda c: c.call.enqueue_time)):
            self.calls[s.call.id] = {"call": s.call, "state": s.state, "step": s.step, "agent": s.agent_id, "seq": seq}
            if s.agent_id:
                self.agents[s.agent_id]["call"] = s.call.id
        self.arrivals = [(c.call.dialect, c.call.enqueue_time) for c in snapshot.calls]
        self.seq = len(self.calls)
        self.meetable = {(d, b, k): any(step.requirement.met_by(a["agent"].proficiencies) for a in self.agents.values())
                         for (d, b), ladder in config.ladders.items() for k, step in enumerate(ladder.steps)}

    def step(self, c: dict, now: float) -> int:
        call, steps = c["call"], self.config.ladder(c["call"].dialect, c["call"].business).steps
        k = c["step"]
        while k + 1 < len(steps) and (call.enqueue_time + steps[k + 1].after <= now
                                      or not self.meetable[(call.dialect, call.business, k)]):
            k += 1
        c["step"] = k
        return k

    def may_take(self, c: dict, now: float, proficiencies) -> bool:
        """An agent may take a call meeting its current ladder step or any earlier one."""
        steps = self.config.ladder(c["call"].dialect, c["call"].business).steps[: self.step(c, now) + 1]
        return any(step.requirement.met_by(proficiencies) for step in steps)

    def key(self, c: dict) -> tuple:
        call = c["call"]
        return (call.enqueue_time - call.bonus(self.config.max_bonus_seconds), call.enqueue_time, c["seq"])

    def offer(self, c: dict, a: dict, out: list) -> None:
        c["state"], c["agent"], a["state"], a["call"] = CallState.OFFERED, a["agent"].id, AgentState.OFFERED, c["call"].id
        out.append((c["call"].id, a["agent"].id))

    def place(self, c: dict, now: float, out: list) -> None:
        cfg, call = self.config, c["call"]
        idle = [a for a in self.agents.values() if a["state"] is AgentState.AVAILABLE]
        scarce = set()
        for d in DIALECTS:
            speakers = sum(1 for a in idle if a["agent"].level(d) >= cfg.scarce_min_level)
            waiting = any(x["state"] is CallState.WAITING and x["call"].dialect == d for x in self.calls.values())
            recent = sum(1 for dd, t in self.arrivals if dd == d and t >= now - cfg.arrival_window_seconds)
            due = cfg.scarce_horizon_seconds * recent / cfg.arrival_window_seconds >= 1
            if speakers <= cfg.scarce_idle_speakers and (waiting or due):
                scarce.add(d)
        def rank(a: dict) -> tuple:
            guarded = any(a["agent"].level(d) >= cfg.scarce_min_level and d != call.dialect for d in scarce)
            return (not guarded, a["agent"].level(call.dialect), a["agent"].level(call.business), -a["since"])

        ranked = [(rank(a), -i, a) for i, a in enumerate(idle) if self.may_take(c, now, a["agent"].proficiencies)]
        if ranked:
            self.offer(c, max(ranked, key=lambda r: r[:2])[2], out)
        else:
            c["state"] = CallState.WAITING

    def free(self, a: dict, now: float, out: list) -> None:
        a["state"], a["since"], a["call"] = AgentState.AVAILABLE, now, None
        fits = [(self.key(c), c) for c in self.calls.values()
                if c["state"] is CallState.WAITING and self.may_take(c, now, a["agent"].proficiencies)]
        if fits:
            self.offer(min(fits, key=lambda f: f[0])[1], a, out)

    def tick(self, now: float) -> list:
        out: list = []
        for a in sorted((a for a in self.agents.values() if a["state"] is AgentState.WRAP_UP and a["until"] <= now),
                        key=lambda a: a["until"]):
            self.free(a, a["until"], out)
        for c in list(self.calls.values()):
            if c["state"] is CallState.WAITING:
                before = c["step"]
                if self.step(c, now) != before:
                    self.place(c, now, out)  # a relaxed step may fit an idle agent
        return out

    def arrive(self, call: Call, now: float) -> list:
        out = self.tick(now)
        self.seq += 1
        c = self.calls[call.id] = {"call": call, "state": CallState.WAITING, "step": 0, "agent": None, "seq": self.seq}
        self.arrivals.append((call.dialect, call.enqueue_time))
        self.place(c, now, out)
        return out

    def answered(self, call_id: str, agent_id: str, now: float) -> list:
        out = self.tick(now)
        self.calls[call_id]["state"], self.agents[agent_id]["state"] = CallState.CONNECTED, AgentState.ON_CALL
        return out

    def hangup(self, call_id: str, now: float, by: Party = Party.CALLER) -> list:
        out = self.tick(now)
        c = self.calls.pop(call_id)
        if c["agent"] is not None:
            a = self.agents[c["agent"]]
            if c["state"] is CallState.CONNECTED:
                a["state"], a["until"], a["call"] = AgentState.WRAP_UP, now + self.config.wrap_up(c["call"].business), None
            else:
                self.free(a, now, out)
        return out


class Pool:
    """Call ids with O(1) add, remove and random pick (the driver's view of who is where)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item: str) -> None:
        self.index[item] = len(self.items)
        self.items.append(item)

    def discard(self, item: str) -> None:
        i = self.index.pop(item, None)
        if i is not None:
            last = self.items.pop()
            if last != item:
                self.items[i], self.index[last] = last, i

    def pick(self, rng: random.Random) -> str:
        return self.items[rng.randrange(len(self.items))]


def make_agents(rng: random.Random, count: int) -> list[Agent]:
    agents = []
    for i in range(count):
        levels = {}
        if rng.random() < 0.85:
            levels["mandarin"] = rng.randint(3, 5)
        if rng.random() < 0.35 or not levels:
            levels[rng.choice(DIALECTS[1:])] = rng.randint(2, 5)
        for line in rng.sample(BUSINESS_LINES, rng.randint(2, 4)):
            levels[line] = rng.randint(1, 5)
        agents.append(Agent(f"a{i}", f"Agent {i}", f"PJSIP/a{i}", levels))
    return agents


def make_call(rng: random.Random, serial: int, at: float) -> Call:
    dialect = "mandarin" if rng.random() < 0.6 else rng.choice(DIALECTS[1:])
    elderly = 60.0 if rng.random() < 0.1 else 0.0
    repeat = 30.0 if rng.random() < 0.05 else 0.0
    number = f"1{rng.randrange(10**10):010d}"
    return Call(f"c{serial}", f"PJSIP/trunk-{serial}", dialect, rng.choice(BUSINESS_LINES), number, at, elderly, repeat)


def loaded_router(config: RouterConfig, agents: int = AGENTS, waiting: int = WAITING) -> tuple[Router, int]:
    """Every agent on a call, ~`waiting` callers waiting; returns the router and the next serial."""
    rng = random.Random(SEED)
    router = Router(config)
    for agent in make_agents(rng, agents):
        router.login(agent, -300.0)
    total = agents + waiting
    for serial in range(total):
        router.arrive(make_call(rng, serial, -300.0 + 300.0 * serial / total), 0.0)
    for call_id, entry in list(router.calls.items()):
        if entry.state is CallState.OFFERED:
            router.answered(call_id, entry.agent_id, 0.0)
    return router, total


class Drive:
    """The seeded command stream: what the driver knows about calls, and the latency of each command."""

    def __init__(self, snapshot: RouterSnapshot, serial: int, now: float, seed: int, target: int) -> None:
        self.target = target  # callers kept waiting: arrivals below it, abandons above
        self.waiting, self.connected, self.offered = Pool(), Pool(), {}
        for c in snapshot.calls:
            (self.connected if c.state is CallState.CONNECTED else self.waiting).add(c.call.id)
        self.serial, self.now, self.rng = serial, now, random.Random(seed)
        self.latencies: list[float] = []
        self.offers = 0


def drive(commands, offers_of: Callable, ops: int, d: Drive) -> None:
    """Run `ops` commands against a router, recording each command's latency in seconds."""
    rng, offered, waiting, connected, latencies = d.rng, d.offered, d.waiting, d.connected, d.latencies
    now, serial = d.now, d.serial
    clock = time.perf_counter
    for op in range(ops):
        now += STEP_SECONDS
        kind = op % 4
        if kind == 0 and len(connected):
            call_id = connected.pick(rng)
            connected.discard(call_id)
            start = clock()
            result = commands.hangup(call_id, now, Party.AGENT)
        elif kind == 1 and offered:
            call_id, agent_id = next(iter(offered.items()))
            del offered[call_id]
            connected.add(call_id)
            start = clock()
            result = commands.answered(call_id, agent_id, now)
        elif kind == 2 and len(waiting) < d.target:
            serial += 1
            call = make_call(rng, serial, now)
            waiting.add(call.id)
            start = clock()
            result = commands.arrive(call, now)
        elif kind == 2:
            call_id = waiting.pick(rng)
            waiting.discard(call_id)
            start = clock()
            result = commands.hangup(call_id, now, Party.CALLER)
        else:
            start = clock()
            result = commands.tick(now)
        latencies.append(clock() - start)
        for call_id, agent_id in offers_of(result):
            waiting.discard(call_id)
            offered[call_id] = agent_id
            d.offers += 1
    d.now, d.serial = now, serial


def offers_of_outcome(outcome) -> list[tuple[str, str]]:
    return [(offer.call_id, offer.agent_id) for offer in outcome.offers]


def steady_state(config: RouterConfig, agents: int = AGENTS, waiting: int = WAITING) -> tuple[Router, RouterSnapshot, Drive]:
    """Load the router, then run the stream for WARM_UP_OPS so wrap-ups end all the time; answer
    the offers still ringing so the snapshot holds only waiting and connected calls."""
    router, serial = loaded_router(config, agents, waiting)
    warm = Drive(take(router), serial, 0.0, SEED, waiting)
    drive(router, offers_of_outcome, WARM_UP_OPS, warm)
    for call_id, agent_id in warm.offered.items():
        router.answered(call_id, agent_id, warm.now)
    return router, take(router), warm


def measure(commands, offers_of: Callable, ops: int, snapshot: RouterSnapshot, warm: Drive) -> tuple[Drive, float]:
    d = Drive(snapshot, warm.serial, warm.now, SEED + 1, warm.target)
    gc.collect()
    started = time.perf_counter()
    drive(commands, offers_of, ops, d)
    return d, ops / (time.perf_counter() - started)


def idle_rich_arrivals(commands, count: int, seed: int) -> list[float]:
    """Latency of arrivals while most agents are idle: the arrival path's worst regime (many
    candidates to rank). Nobody answers, so each arrival takes one more agent."""
    rng, latencies = random.Random(seed), []
    for serial in range(count):
        call = make_call(rng, serial, 1.0 + serial * 0.01)
        start = time.perf_counter()
        commands.arrive(call, call.enqueue_time)
        latencies.append(time.perf_counter() - start)
    return latencies


def run() -> list[Record]:
    config = default_config()
    router, snapshot, warm = steady_state(config)
    waiting_calls = sum(1 for c in snapshot.calls if c.state is CallState.WAITING)
    baseline = ScanRouter(config, snapshot)
    ours_run, ours_rate = measure(router, offers_of_outcome, OPS, snapshot, warm)
    scan_run, scan_rate = measure(baseline, lambda offers: offers, BASELINE_OPS, snapshot, warm)
    ours, scan = ours_run.latencies, scan_run.latencies
    conditions = {
        "agents": AGENTS, "waiting_calls_at_start": waiting_calls, "lines": "5 dialects x 8 business lines",
        "ops": OPS, "offers": ours_run.offers, "baseline_ops": BASELINE_OPS, "baseline_offers": scan_run.offers,
        "simulated_seconds_per_op": STEP_SECONDS, "target": "p99 < 1 ms, >= 20,000 decisions/s",
    }
    idle_router = Router(config)
    for agent in make_agents(random.Random(SEED), AGENTS):
        idle_router.login(agent, 0.0)
    idle_scan = ScanRouter(config, take(idle_router))
    idle_ours = idle_rich_arrivals(idle_router, IDLE_ARRIVALS, SEED + 2)
    idle_base = idle_rich_arrivals(idle_scan, IDLE_ARRIVALS // 5, SEED + 2)
    idle_conditions = {"agents": AGENTS, "idle_at_start": AGENTS, "arrivals": IDLE_ARRIVALS,
                       "baseline_arrivals": IDLE_ARRIVALS // 5}
    us = 1e6
    return [
        Record("router.decision_p50", median(ours) * us, "us", "scan.decision_p50", median(scan) * us, conditions),
        Record("router.decision_p99", percentile(ours, 99) * us, "us", "scan.decision_p99", percentile(scan, 99) * us, conditions),
        Record("router.decision_max", max(ours) * us, "us", "scan.decision_max", max(scan) * us, conditions),
        Record("router.decisions_per_s", ours_rate, "1/s", "scan.decisions_per_s", scan_rate, conditions),
        Record("router.idle_rich_arrival_p99", percentile(idle_ours, 99) * us, "us",
               "scan.idle_rich_arrival_p99", percentile(idle_base, 99) * us, idle_conditions),
    ]


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
