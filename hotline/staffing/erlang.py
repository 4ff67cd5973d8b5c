"""Staffing maths: Erlang C (callers wait forever) and Erlang A (callers give up), pure.

    load = Load(calls=120, interval_s=1800, handle_s=300, patience_s=180)
    performance(load, agents=24, answer_within_s=20)      # service level, ASA, abandons, ...
    agents_needed(load, Target(0.80, 20))                 # the fewest agents meeting 80/20

Erlang C is the M/M/N queue (Erlang 1917; any queueing textbook, e.g. Gross & Harris,
"Fundamentals of Queueing Theory", section on M/M/c). Erlang A is M/M/N+M, the Palm model with
exponential patience (Palm 1943; Garnett, Mandelbaum & Reiman, "Designing a call center with
impatient customers", M&SOM 4(3), 2002; Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with
applications to call centers", 2007). Both are solved through the stable Erlang B recursion,
never through factorials, so hundreds of agents are fine.

Service level here is what the interval report measures: calls answered within T over calls
offered (a caller who gives up counts as not answered in time). For Erlang A it is

    P(no wait) + integral_0^T pi_N N mu exp(-(N mu + theta) v + (lambda/theta)(1 - e^(-theta v))) dv

the density of being answered after waiting v (sum over the queue a caller finds ahead of them of
the hypoexponential time to reach an agent with rates N mu + i theta, times the chance of still
waiting at v, e^(-theta v); the sum closes to the exponential above). With theta -> 0 it is
Erlang C's 1 - C e^(-(N mu - lambda) T).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# Erlang A's queue terms are summed until they no longer change the total in the last digit.
_TAIL = 1e-17
_MAX_QUEUE_TERMS = 1_000_000
_SIMPSON_STEPS = 400  # the integrand is smooth and positive: error far below the 4th decimal


@dataclass(frozen=True)
class Load:
    """The calls one line is offered in one interval."""

    calls: float  # arrivals in the interval (a forecast may be fractional)
    interval_s: float
    handle_s: float  # average handle time: talk plus wrap-up
    patience_s: float | None = None  # mean patience (Erlang A); None: nobody gives up (Erlang C)

    def __post_init__(self) -> None:
        if self.calls < 0 or self.interval_s <= 0 or self.handle_s <= 0:
            raise ValueError("a load needs calls >= 0, interval_s > 0 and handle_s > 0")
        if self.patience_s is not None and self.patience_s <= 0:
            raise ValueError("patience_s must be positive (or None for Erlang C)")

    @property
    def arrival_rate(self) -> float:  # lambda, calls per second
        return self.calls / self.interval_s

    @property
    def erlangs(self) -> float:  # offered load A = lambda * h
        return self.arrival_rate * self.handle_s


@dataclass(frozen=True)
class Target:
    """E.g. 80/20: `level` of the offered calls answered within `within_s` seconds."""

    level: float
    within_s: float

    def __post_init__(self) -> None:
        if not 0 < self.level < 1 or self.within_s < 0:
            raise ValueError("a target needs 0 < level < 1 and within_s >= 0")

    def __str__(self) -> str:
        return f"{round(self.level * 100)}/{self.within_s:g}"


@dataclass(frozen=True)
class Performance:
    agents: int
    erlangs: float
    p_wait: float  # an arriving caller finds every agent busy
    p_abandon: float  # gives up before an agent answers (0 under Erlang C)
    service_level: float  # answered within T, over offered
    asa_s: float  # average speed of answer: mean wait of the answered calls (inf if unstable)
    mean_wait_s: float  # mean time in queue of every caller, answered or not
    occupancy: float  # the agents' busy share

    @property
    def stable(self) -> bool:
        return math.isfinite(self.asa_s)


def erlang_b(agents: int, erlangs: float) -> float:
    """Blocking probability B(N, A) by the recursion B(n) = A B(n-1) / (n + A B(n-1))."""
    if agents < 0 or erlangs < 0:
        raise ValueError("agents and erlangs must be non-negative")
    b = 1.0
    for n in range(1, agents + 1):
        b = erlangs * b / (n + erlangs * b)
    return b


def erlang_c(agents: int, erlangs: float) -> float:
    """Probability of waiting C(N, A) = N B / (N - A (1 - B)); 1 when N <= A (the queue grows)."""
    if agents <= erlangs:
        return 1.0
    b = erlang_b(agents, erlangs)
    return agents * b / (agents - erlangs * (1 - b))


def performance(load: Load, agents: int, answer_within_s: float) -> Performance:
    if agents < 0:
        raise ValueError("agents must be non-negative")
    if load.calls == 0:
        return Performance(agents, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    if load.patience_s is None:
        return _erlang_c(load, agents, answer_within_s)
    return _erlang_a(load, agents, answer_within_s)


def _erlang_c(load: Load, agents: int, t: float) -> Performance:
    a, h = load.erlangs, load.handle_s
    if agents <= a:
        return Performance(agents, a, 1.0, 0.0, 0.0, math.inf, math.inf, 1.0 if agents else 0.0)
    c = erlang_c(agents, a)
    asa = c * h / (agents - a)
    return Performance(agents, a, c, 0.0, 1 - c * math.exp(-(agents - a) * t / h), asa, asa, a / agents)


def _erlang_a(load: Load, n: int, t: float) -> Performance:
    lam, mu = load.arrival_rate, 1 / load.handle_s
    theta = 1 / load.patience_s  # type: ignore[operator]
    a = lam / mu
    b = erlang_b(n, a)
    # pi_{N+j} / pi_N = prod_{i<=j} lambda / (N mu + i theta): the queue's terms, and their
    # first moment for the mean queue length.
    queue, queue_moment, term, j = 0.0, 0.0, 1.0, 0
    while j < _MAX_QUEUE_TERMS:
        j += 1
        term *= lam / (n * mu + j * theta)
        queue += term
        queue_moment += j * term
        if term < _TAIL * (1 + queue) and n * mu + j * theta > lam:
            break
    # pi_N = 1 / (sum_{k<N} pi_k/pi_N + 1 + queue), and sum_{k<=N} pi_k/pi_N = 1/B.
    pi_n = b / (1 + b * queue) if b > 0 else 0.0
    p_wait = min(1.0, pi_n * (1 + queue))
    mean_queue = pi_n * queue_moment
    p_abandon = theta * mean_queue / lam
    busy = (1 - p_abandon) * a  # Little: the answered calls' handle time
    served = 1 - p_abandon
    peak, horizon = _answer_span(n, mu, lam, theta)
    pieces = ((0.0, min(peak, t)), (min(peak, t), min(horizon, t)))
    answered_after_wait = sum(_integral(lambda v: _answer_density(v, pi_n, n, mu, lam, theta), lo, hi)
                              for lo, hi in pieces)
    wait_moment = sum(_integral(lambda v: v * _answer_density(v, pi_n, n, mu, lam, theta), lo, hi)
                      for lo, hi in ((0.0, peak), (peak, horizon)))
    asa = wait_moment / served if served > 0 else math.inf
    return Performance(n, a, p_wait, p_abandon, min(1.0, (1 - p_wait) + answered_after_wait), asa,
                       mean_queue / lam, busy / n if n else 0.0)


def _answer_density(v: float, pi_n: float, n: int, mu: float, lam: float, theta: float) -> float:
    """Density of being answered after waiting exactly v (see the module docstring)."""
    if pi_n <= 0:
        return 0.0
    exponent = -(n * mu + theta) * v + (lam / theta) * -math.expm1(-theta * v)
    return math.exp(math.log(pi_n * n * mu) + exponent) if n else 0.0


def _answer_span(n: int, mu: float, lam: float, theta: float) -> tuple[float, float]:
    """Where the answer density peaks, and a wait beyond which it is negligible (its exponent
    40 below the peak). The exponent is concave: it rises while lambda e^(-theta v) > N mu +
    theta, then falls ever faster."""
    rate = n * mu + theta

    def exponent(v: float) -> float:
        return -rate * v + (lam / theta) * -math.expm1(-theta * v)

    peak = math.log(lam / rate) / theta if lam > rate else 0.0
    top, step = exponent(peak), 1.0 / rate
    while exponent(peak + step) > top - 40:
        step *= 2
    return peak, peak + step


def _integral(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Composite Simpson's rule."""
    if hi <= lo:
        return 0.0
    step = (hi - lo) / _SIMPSON_STEPS
    total: float = f(lo) + f(hi)
    for k in range(1, _SIMPSON_STEPS):
        total += (4 if k % 2 else 2) * f(lo + k * step)
    return total * step / 3


def agents_needed(load: Load, target: Target, *, max_agents: int = 5000) -> int:
    """The fewest agents whose service level meets the target (0 for no calls).

    Service level rises with every agent added, so a binary search finds the first that meets
    it. No fewer than A agents can meet any target under Erlang C (the queue would grow), nor
    fewer than level x A under Erlang A (answered calls cannot exceed what N agents handle)."""
    if load.calls == 0:
        return 0

    def meets(n: int) -> bool:
        return performance(load, n, target.within_s).service_level >= target.level

    a = load.erlangs
    lo = math.floor(a) if load.patience_s is None else math.floor(target.level * a)  # fails (or 0)
    lo = max(0, min(lo, max_agents))
    if lo > 0 and meets(lo):
        lo = 0
    hi = max(lo + 1, math.ceil(a + 1))
    while not meets(hi):
        lo, hi = hi, 2 * hi
        if lo >= max_agents:
            raise ValueError(f"no staffing up to {max_agents} agents meets {target} at {a:.1f} erlangs")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if meets(mid) else (mid, hi)
    return hi


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are on the phones: breaks, training, absence take the
    share `shrinkage` of scheduled time."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


def patience_from_abandons(abandoned: int, total_wait_s: float) -> float | None:
    """Mean patience estimated from what was seen: abandons over the total time callers spent
    waiting, answered or not (the maximum-likelihood estimate of an exponential patience when
    the answered callers' patience is censored at their wait; Brown et al., "Statistical
    analysis of a telephone call center", JASA 100, 2005, section 6). None if nobody abandoned."""
    if abandoned <= 0 or total_wait_s <= 0:
        return None
    return total_wait_s / abandoned
