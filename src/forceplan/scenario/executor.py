"""Where the scenarios of a sweep run: anything with ``map(fn, tasks) -> list`` in task order.

``ProcessExecutor`` uses local processes (one worker runs inline, no pool); ``RayExecutor``
hands the tasks to Ray for sweeps too large for one machine. Results do not depend on the
executor: every task carries its own seeds.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol, TypeVar

from forceplan.errors import ConfigurationError

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` on every task and returns the results in task order."""

    name: str

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> list[R]: ...


class ProcessExecutor:
    """Local processes (spawned, not forked: Polars' thread pool does not survive a fork).
    ``workers`` defaults to the number of cores; 1 runs the tasks inline."""

    name = "process"

    def __init__(self, workers: int | None = None) -> None:
        workers = (os.cpu_count() or 1) if workers is None else workers
        if workers < 1:
            raise ConfigurationError(f"workers must be at least 1, not {workers}",
                                     "Give --workers 1 or more.")
        self.workers = workers

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        if self.workers == 1 or len(tasks) <= 1:
            return [fn(task) for task in tasks]
        context = multiprocessing.get_context("spawn")
        workers = min(self.workers, len(tasks))
        # One Polars thread per worker: the workers are the parallelism, and Polars' own pool
        # would otherwise make them compete for the same cores.
        previous = os.environ.get("POLARS_MAX_THREADS")
        os.environ["POLARS_MAX_THREADS"] = "1"
        try:
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                return list(pool.map(fn, tasks, chunksize=max(1, len(tasks) // (4 * workers))))
        finally:
            if previous is None:
                os.environ.pop("POLARS_MAX_THREADS", None)
            else:
                os.environ["POLARS_MAX_THREADS"] = previous


class RayExecutor:
    """Ray tasks, one per scenario. Connects to ``address`` (a running cluster) or starts a
    local Ray with ``num_cpus``; ``local_mode`` runs tasks in this process (for tests)."""

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 local_mode: bool = False) -> None:
        self.address, self.num_cpus, self.local_mode = address, num_cpus, local_mode
        self._ray()  # fail now, before any work, when Ray is missing

    @staticmethod
    def _ray():
        try:
            import ray
        except ImportError:
            raise ConfigurationError(
                "the Ray executor needs Ray, which is not installed",
                "pip install 'ray[default]', or use --executor process") from None
        return ray

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        ray = self._ray()
        if not ray.is_initialized():
            options = {"address": self.address} if self.address else {
                "num_cpus": self.num_cpus, "local_mode": self.local_mode}
            ray.init(ignore_reinit_error=True, include_dashboard=False,
                     log_to_driver=False, **options)
        remote = ray.remote(fn)
        return ray.get([remote.remote(task) for task in tasks])


def make_executor(kind: str, workers: int | None = None) -> Executor:
    """The executor a user named: ``process`` (with ``workers``) or ``ray``."""
    if kind == "process":
        return ProcessExecutor(workers)
    if kind == "ray":
        return RayExecutor(num_cpus=workers)
    raise ConfigurationError(f"executor {kind!r} is not known", "Use process or ray.")
