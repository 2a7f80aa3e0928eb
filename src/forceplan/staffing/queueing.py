"""Queueing formulas for response staffing: Erlang C (M/M/c) with priority classes.

- Erlang C: with arrival rate λ, mean time on task 1/μ and c servers (a = λ/μ offered load,
  ρ = a/c < 1), the probability an arrival waits is C(c, a) = (a^c/c!)·(c/(c−a)) /
  (Σ_{k<c} a^k/k! + (a^c/c!)·(c/(c−a))), computed with the Erlang B recursion for stability.
  The wait is exponential beyond zero: P(W > t) = C(c, a)·e^{−(cμ − λ)t}.
- Priorities (all classes with the same time on task): under pre-emptive priority the top
  class sees the system as if it were alone (lower grades are set aside for it), so Grade 1
  uses Erlang C with its own arrivals. A lower class k waits as in Cobham's non-pre-emptive
  formula, mean W_k = C(c, a)/(cμ) / ((1 − σ_{k−1})(1 − σ_k)) with σ_k the load of classes
  1..k over c; its wait distribution is taken as C·exp with that conditional mean (an
  approximation, documented in docs/staffing.md).
- Travel adds to the wait: P(W + T ≤ t) is averaged over a discretised travel distribution.
"""

from __future__ import annotations

import math

import numpy as np


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c, by the stable recursion B(k) = aB(k−1)/(k + aB(k−1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in M/M/c; 1 when the load reaches the servers."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def mean_wait_hours(servers: int, arrivals_per_hour: float, task_hours: float) -> float:
    """Mean wait in M/M/c (hours); infinite when unstable."""
    load = arrivals_per_hour * task_hours
    if servers <= load:
        return math.inf
    if arrivals_per_hour <= 0:
        return 0.0
    return erlang_c(servers, load) * task_hours / (servers - load)


def class_wait_parameters(servers: int, rates: list[float], task_hours: float,
                          preempt_top: bool = True) -> list[tuple[float, float]]:
    """For each priority class (highest first): (probability of waiting, mean wait given a
    wait, in hours). Unstable classes get (1, inf)."""
    total = sum(rates)
    load = total * task_hours
    out = []
    if servers <= load:
        return [(1.0, math.inf)] * len(rates)
    capacity = servers / task_hours  # completions an hour with every server busy
    p_wait = erlang_c(servers, load)
    above = 0.0
    for k, rate in enumerate(rates):
        if k == 0 and preempt_top:
            own = rate * task_hours
            if servers <= own:
                out.append((1.0, math.inf))
            else:
                c = erlang_c(servers, own)
                out.append((c, task_hours / (servers - own)))
            above += rate / capacity
            continue
        sigma_before, sigma = above, above + rate / capacity
        mean = p_wait / capacity / ((1 - sigma_before) * (1 - sigma)) if sigma < 1 else math.inf
        out.append((p_wait, mean / p_wait if p_wait > 0 else 0.0))
        above = sigma
    return out


def share_within(p_wait: float, mean_conditional_hours: float, target_hours: float,
                 travel_hours: np.ndarray) -> float:
    """P(wait + travel ≤ target) with the wait 0 (prob 1 − p) or exponential (prob p), averaged
    over equally likely travel times."""
    slack = target_hours - travel_hours
    ok = slack >= 0
    if not ok.any():
        return 0.0
    if math.isinf(mean_conditional_hours):
        return float(np.mean(np.where(ok, 1 - p_wait, 0.0)))
    if mean_conditional_hours <= 0:
        return float(np.mean(ok))
    within = 1 - p_wait * np.exp(-np.maximum(slack, 0) / mean_conditional_hours)
    return float(np.mean(np.where(ok, within, 0.0)))
