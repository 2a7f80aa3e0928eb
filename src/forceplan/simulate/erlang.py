"""Erlang C (M/M/c): the closed form the simulation is validated against."""

from __future__ import annotations


def erlang_c_wait_probability(servers: int, offered_load_erlangs: float) -> float:
    """Probability that a call waits, with ``servers`` officers and load λ/μ in Erlangs."""
    if offered_load_erlangs >= servers:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < servers
    for k in range(1, servers):
        term *= offered_load_erlangs / k
        total += term
    top = term * offered_load_erlangs / servers * servers / (servers - offered_load_erlangs)
    return top / (total + top)


def erlang_c_mean_wait(servers: int, arrivals_per_minute: float, mean_service_minutes: float):
    """Mean wait in minutes (all calls, including those that do not wait)."""
    load = arrivals_per_minute * mean_service_minutes
    waits = erlang_c_wait_probability(servers, load)
    return waits * mean_service_minutes / (servers - load)
