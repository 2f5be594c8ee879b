"""Choose sentences that cover the most concept weight within a word budget.

Two solvers of the same problem (maximise the summed weight of the concepts
covered, each counted once, subject to a length budget): a lazy greedy on
weight gained per word, and the exact integer program of Gillick & Favre
(2009) solved by HiGHS through ``scipy.optimize.milp``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from corroborate.summarize.units import Concept, Unit

__all__ = ["Problem", "extend_overflow", "greedy_select", "ilp_select"]


@dataclass(slots=True)
class Problem:
    """A selection problem: candidate units, concept weights, budget, exclusions.

    ``conflict(i, j)`` is true when two units must not both be chosen (they
    state the same fact). ``prior`` is a per-candidate multiplier of the gain.
    """

    units: Sequence[Unit]
    candidates: list[int]
    weights: dict[Concept, float]
    budget: int
    conflict: Callable[[int, int], bool]
    prior: dict[int, float]
    length_power: float = 1.0


def _gain(problem: Problem, i: int, covered: set[Concept]) -> float:
    unit = problem.units[i]
    value = sum(problem.weights.get(c, 0.0) for c in unit.concepts if c not in covered)
    return value * problem.prior.get(i, 1.0)


def greedy_select(problem: Problem) -> list[int]:
    """Lazy greedy: repeatedly take the unit with the best new weight per word that fits."""
    covered: set[Concept] = set()
    chosen: list[int] = []
    used = 0
    heap: list[tuple[float, int, int]] = []
    for i in problem.candidates:
        n = problem.units[i].n_words
        heapq.heappush(heap, (-_gain(problem, i, covered) / n**problem.length_power, i, 0))
    version = 0
    while heap:
        neg, i, seen = heapq.heappop(heap)
        unit = problem.units[i]
        if used + unit.n_words > problem.budget:
            continue
        if any(problem.conflict(i, j) for j in chosen):
            continue
        if seen != version:
            score = _gain(problem, i, covered) / unit.n_words**problem.length_power
            heapq.heappush(heap, (-score, i, version))
            continue
        if -neg <= 0:
            break
        chosen.append(i)
        used += unit.n_words
        covered.update(unit.concepts)
        version += 1
    return chosen


def ilp_select(problem: Problem, time_limit: float = 2.0) -> list[int]:
    """The exact concept-coverage integer program; falls back to greedy on timeout."""
    concepts = sorted(
        {c for i in problem.candidates for c in problem.units[i].concepts if c in problem.weights}
    )
    if not concepts or not problem.candidates:
        return []
    index = {c: k for k, c in enumerate(concepts)}
    n, m = len(problem.candidates), len(concepts)
    # Variables: x_0..x_{n-1} (sentences), then z_0..z_{m-1} (concepts).
    cost = np.concatenate(
        [
            np.array([1e-6 * problem.units[i].n_words for i in problem.candidates]),
            -np.array([problem.weights[c] for c in concepts]),
        ]
    )
    rows, cols, vals = [], [], []
    for k, i in enumerate(problem.candidates):
        for c in problem.units[i].concepts:
            if c in index:
                rows.append(index[c])
                cols.append(k)
                vals.append(-1.0)
    rows.extend(range(m))
    cols.extend(range(n, n + m))
    vals.extend([1.0] * m)
    cover = sparse.csr_matrix((vals, (rows, cols)), shape=(m, n + m))
    length = np.concatenate(
        [np.array([problem.units[i].n_words for i in problem.candidates], float), np.zeros(m)]
    )
    constraints = [
        LinearConstraint(cover, -np.inf, 0.0),
        LinearConstraint(length[None, :], 0.0, float(problem.budget)),
    ]
    result = milp(
        cost,
        constraints=constraints,
        integrality=np.ones(n + m),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "disp": False},
    )
    if result.x is None:
        return greedy_select(problem)
    picked = [problem.candidates[k] for k in range(n) if result.x[k] > 0.5]
    return picked


def extend_overflow(problem: Problem, chosen: list[int]) -> int | None:
    """The unit to add past the budget (it will be truncated): most new weight, no conflict."""
    covered: set[Concept] = set()
    for i in chosen:
        covered.update(problem.units[i].concepts)
    best, best_gain = None, 0.0
    taken = set(chosen)
    for i in problem.candidates:
        if i in taken or any(problem.conflict(i, j) for j in chosen):
            continue
        gain = _gain(problem, i, covered)
        if gain > best_gain:
            best, best_gain = i, gain
    return best
