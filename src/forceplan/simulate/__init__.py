"""Discrete-event simulation of a unit's response: incidents replayed against who is on duty,
dispatched by grade (Grade 1 may pre-empt lower grades), with travel, crewing, refreshment breaks,
shift changeover and abandonment; response times, queues, utilisation; replications with 95%
confidence intervals. Seeded and reproducible; scenarios with one seed share their draws."""

from forceplan.simulate.config import SimulationConfig, TimeOnTaskModel, TravelModel
from forceplan.simulate.erlang import erlang_c_mean_wait, erlang_c_wait_probability
from forceplan.simulate.results import SimulationResult, mean_ci95
from forceplan.simulate.simulation import replication_generators, simulate_response

__all__ = [
    "SimulationConfig",
    "SimulationResult",
    "TimeOnTaskModel",
    "TravelModel",
    "erlang_c_mean_wait",
    "erlang_c_wait_probability",
    "mean_ci95",
    "replication_generators",
    "simulate_response",
]
