"""Helpers shared by the benchmarks: machine description, result files, peak memory."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).with_name("results")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM: unlike ru_maxrss, not inherited across fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "date": dt.date.today().isoformat(), "machine": machine(), **data}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def postgres_base_url() -> str | None:
    return os.environ.get("FORCEPLAN_BENCH_POSTGRES_URL") or os.environ.get(
        "FORCEPLAN_TEST_POSTGRES_URL"
    )


@contextmanager
def postgres_schema() -> Iterator[str | None]:
    """A URL of a fresh PostgreSQL schema (dropped afterwards), or None when none is set."""
    from forceplan.store.scratch import scratch_schema

    base = postgres_base_url()
    if not base:
        yield None
        return
    with scratch_schema(base, prefix="bench") as url:
        yield url


def add_subsolvers_option(parser: argparse.ArgumentParser) -> None:
    """``--subsolvers``: CP-SAT's full-problem subsolvers to run first (the roster benchmarks);
    parsed into a tuple, empty for CP-SAT's own portfolio."""
    parser.add_argument(
        "--subsolvers",
        default="max_lp",
        type=lambda text: tuple(s for s in text.split(",") if s),
        help="CP-SAT full-problem subsolvers first, comma-separated ('' for CP-SAT's own "
        "portfolio)",
    )
