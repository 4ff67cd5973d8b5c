"""Erlang C and Erlang A against reference values and against independent solutions.

Where each expected value comes from is stated beside it. The independent solutions here are
deliberately built differently from hotline.staffing.erlang: Erlang C from the textbook's
factorial sum in exact rational arithmetic, Erlang A from the birth-death chain's balance
equations solved by Gaussian elimination and, for the service level, from the tagged caller's
own little Markov chain solved by uniformization.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from hotline.staffing.erlang import (
    Load, Target, agents_needed, erlang_b, erlang_c, patience_from_abandons, performance, with_shrinkage,
)


# ----- independent reference implementations --------------------------------------------------

def textbook_erlang_c(n: int, a: Fraction) -> Fraction:
    """C(N, A) = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A)), exactly
    (Gross & Harris, Fundamentals of Queueing Theory, M/M/c: the probability of waiting)."""
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting."""
    m = [row[:] + [r] for row, r in zip(matrix, rhs, strict=True)]
    size = len(m)
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(size):
            if r != col and m[r][col]:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[r][-1] / m[r][r] for r in range(size)]


def chain_stationary(lam: float, mu: float, theta: float, n: int, cap: int) -> list[float]:
    """M/M/N+M truncated at `cap` callers in the system: pi Q = 0, sum pi = 1."""
    size = cap + 1
    q = [[0.0] * size for _ in range(size)]
    for k in range(size):
        if k < cap:
            q[k][k + 1] = lam
        if k > 0:
            q[k][k - 1] = min(k, n) * mu + max(0, k - n) * theta
        q[k][k] = -sum(q[k])
    # balance: sum_k pi_k q[k][j] = 0 for every j; replace the last equation by normalisation
    rows = [[q[k][j] for k in range(size)] for j in range(size - 1)] + [[1.0] * size]
    return solve(rows, [0.0] * (size - 1) + [1.0])


def tagged_answered_by(t: float, ahead: int, n: int, mu: float, theta: float) -> float:
    """A caller with `ahead` callers before them: probability an agent answers them by t.
    States: i callers ahead (ahead..0); from i the line moves on at N mu + i theta, the caller
    gives up at theta. Uniformization: P(t) = sum_k Poisson(k; L t) (P^k)[start][answered]."""
    rate = n * mu + ahead * theta + theta
    states = ahead + 3  # i = 0..ahead, answered, gave up
    answered, gave_up = ahead + 1, ahead + 2
    p = [[0.0] * states for _ in range(states)]
    for i in range(ahead + 1):
        move = n * mu + i * theta
        p[i][i - 1 if i > 0 else answered] = move / rate
        p[i][gave_up] = theta / rate
        p[i][i] = 1 - (move + theta) / rate
    p[answered][answered] = p[gave_up][gave_up] = 1.0
    moves = [[(j, x) for j, x in enumerate(row) if x] for row in p]
    vector = [0.0] * states
    vector[ahead] = 1.0
    total, weight, k = 0.0, math.exp(-rate * t), 0
    while k < rate * t + 40 * math.sqrt(rate * t + 1) + 40:
        total += weight * vector[answered]
        step = [0.0] * states
        for i, mass in enumerate(vector):
            if mass:
                for j, move in moves[i]:
                    step[j] += mass * move
        vector = step
        k += 1
        weight *= rate * t / k
    return total


# ----- Erlang B and C ------------------------------------------------------------------------

def test_erlang_b_small_cases_by_hand() -> None:
    # B(1, 1) = 1/(1+1); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 1/5 (Erlang's loss formula by hand)
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)


def test_erlang_c_two_agents_one_erlang_by_hand() -> None:
    # (1^2/2! * 2/(2-1)) / (1 + 1 + 1) = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def test_the_published_worked_example() -> None:
    # Inputs of the worked example published with Erlang C calculators (360 calls in half an
    # hour, 4-minute calls, 55 agents, service level within 15 s). Expected values: the
    # textbook formulas in exact arithmetic; the example rounds them to A = 48 erlangs,
    # occupancy 87.3%, probability of waiting 24%, ASA 8.2 s and 85% answered within 15 s.
    load = Load(calls=360, interval_s=1800, handle_s=240)
    c = textbook_erlang_c(55, Fraction(48))
    got = performance(load, 55, 15)
    assert got.erlangs == pytest.approx(48)
    assert got.occupancy == pytest.approx(48 / 55)
    assert got.p_wait == pytest.approx(float(c), rel=1e-12)
    assert got.asa_s == pytest.approx(float(c) * 240 / (55 - 48), rel=1e-12)
    assert got.service_level == pytest.approx(1 - float(c) * math.exp(-(55 - 48) * 15 / 240), rel=1e-12)
    assert (round(got.p_wait, 2), round(got.asa_s, 1), round(got.service_level, 2)) == (0.24, 8.2, 0.85)


@pytest.mark.parametrize(("agents", "erlangs"), [(100, 95), (500, 480), (900, 880)])
def test_erlang_c_is_exact_for_hundreds_of_agents(agents: int, erlangs: int) -> None:
    # Factorials of hundreds overflow floats; the recursion must not.
    assert erlang_c(agents, float(erlangs)) == pytest.approx(float(textbook_erlang_c(agents, Fraction(erlangs))),
                                                             rel=1e-10)


def test_an_overloaded_line_never_meets_a_target() -> None:
    got = performance(Load(calls=100, interval_s=1800, handle_s=360), 20, 20)  # 20 erlangs, 20 agents
    assert (got.p_wait, got.service_level, got.stable) == (1.0, 0.0, False)


# ----- Erlang A ------------------------------------------------------------------------------

ERLANG_A_CASES = [  # (calls per half hour, handle s, patience s, agents): under, at and over the load
    (120, 300, 180, 18), (120, 300, 180, 20), (120, 300, 180, 23), (60, 240, 60, 6), (200, 180, 400, 22),
]


@pytest.mark.parametrize(("calls", "handle", "patience", "agents"), ERLANG_A_CASES)
def test_erlang_a_matches_the_birth_death_chain(calls: int, handle: float, patience: float, agents: int) -> None:
    load = Load(calls=calls, interval_s=1800, handle_s=handle, patience_s=patience)
    lam, mu, theta = load.arrival_rate, 1 / handle, 1 / patience
    pi = chain_stationary(lam, mu, theta, agents, cap=agents + 120)
    p_wait = sum(pi[agents:])
    mean_queue = sum((k - agents) * p for k, p in enumerate(pi) if k > agents)
    got = performance(load, agents, 20)
    assert got.p_wait == pytest.approx(p_wait, rel=1e-7)
    assert got.p_abandon == pytest.approx(theta * mean_queue / lam, rel=1e-7)  # rate out by patience
    assert got.mean_wait_s == pytest.approx(mean_queue / lam, rel=1e-7)  # Little's law
    # Service level: the tagged caller's chain, weighted by what an arrival finds (PASTA).
    answered = sum(pi[:agents]) + sum(pi[agents + j] * tagged_answered_by(20, j, agents, mu, theta)
                                      for j in range(0, 60))
    assert got.service_level == pytest.approx(answered, abs=1e-6)


def test_erlang_a_answers_everyone_who_does_not_give_up() -> None:
    load = Load(calls=120, interval_s=1800, handle_s=300, patience_s=180)
    got = performance(load, 20, 10**6)  # answered at any wait
    assert got.service_level == pytest.approx(1 - got.p_abandon, abs=1e-7)


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    patient = performance(Load(360, 1800, 240, patience_s=1e9), 55, 15)
    plain = performance(Load(360, 1800, 240), 55, 15)
    assert patient.service_level == pytest.approx(plain.service_level, abs=1e-6)
    assert patient.asa_s == pytest.approx(plain.asa_s, rel=1e-4)


def test_erlang_a_is_stable_for_hundreds_of_agents() -> None:
    load = Load(calls=4000, interval_s=1800, handle_s=240, patience_s=200)  # 533 erlangs
    for agents in (400, 533, 600):
        got = performance(load, agents, 20)
        assert 0 <= got.p_abandon <= 1 and 0 <= got.service_level <= 1 and got.stable
    assert performance(load, 600, 20).service_level > performance(load, 533, 20).service_level


# ----- the inverse -----------------------------------------------------------------------------

@pytest.mark.parametrize("patience", [None, 180.0, 45.0])
@pytest.mark.parametrize(("calls", "handle"), [(360, 240), (12, 300), (4000, 240), (1, 600)])
def test_agents_needed_is_the_fewest_that_meet_the_target(calls: int, handle: float, patience: float | None) -> None:
    load, target = Load(calls, 1800, handle, patience), Target(0.80, 20)
    n = agents_needed(load, target)
    assert performance(load, n, 20).service_level >= 0.80
    assert n == 0 or performance(load, n - 1, 20).service_level < 0.80


def test_the_published_example_needs_55_agents_for_85_within_15() -> None:
    # The example's 55 agents are exactly what 80/15 needs: checked by evaluating 54 and 55.
    load = Load(360, 1800, 240)
    assert agents_needed(load, Target(0.80, 15)) == 55
    assert performance(load, 54, 15).service_level < 0.80 <= performance(load, 55, 15).service_level


def test_no_calls_need_no_agents() -> None:
    assert agents_needed(Load(0, 1800, 240), Target(0.8, 20)) == 0


def test_shrinkage_and_patience() -> None:
    assert with_shrinkage(10, 0.3) == 15  # 10 / 0.7 = 14.3 -> 15 scheduled
    assert with_shrinkage(7, 0.3) == 10  # exactly 10
    assert with_shrinkage(0, 0.3) == 0
    with pytest.raises(ValueError):
        with_shrinkage(5, 1.0)
    assert patience_from_abandons(4, 800.0) == 200.0
    assert patience_from_abandons(0, 800.0) is None
